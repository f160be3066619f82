"""A folder that child processes get on their PYTHONPATH while the course runs offline: its
`sitecustomize` installs the network guard before the child runs anything."""
