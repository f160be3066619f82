"""`python -m course.core.run_offline COMMAND …`: run COMMAND offline (see `course.core.offline`):
in a network namespace with loopback only where the system allows one, saying why not where it
does not, and with the network guard in every Python process it starts. `make test` runs in it."""

from course.core.offline import run_offline

if __name__ == "__main__":
    raise SystemExit(run_offline())
