"""Graded coursework: lessons as otter-grader assignments, a class graded offline, a class server.

`python -m course assign OUTDIR` writes the assignments; `python -m course grade` scores a class.
Needs the `instructor` extra (`make setup-instructor`).
"""
