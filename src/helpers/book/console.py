"""The build's output, one whole line at a time.

The build writes to its output from several threads: the main thread (stages, and each notebook
it starts executing) and one thread per other format (the PDF's Sphinx and LaTeX commands and
their output). ``print()`` writes a line and its end in two calls, so a line of one thread could
land between another's text and its newline ("executing chapters/how_to_cite[pdf] $ …"), and a
reader, or a test reading the log, saw one line where there were two. :func:`say` writes the
line and its newline in one call.
"""

from __future__ import annotations

import sys


def say(line: str, file=None) -> None:
    """Write ``line`` (with a newline unless it ends with one) to ``file`` (standard output) in
    one call, and flush it."""
    stream = file or sys.stdout
    stream.write(line if line.endswith("\n") else line + "\n")
    stream.flush()
