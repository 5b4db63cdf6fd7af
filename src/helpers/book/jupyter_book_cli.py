"""``python -m helpers.book.jupyter_book_cli build ...``: jupyter-book's command line, minus the
seconds Python spends taking Sphinx apart after the book is written.

Once ``jupyter-book build`` has written its output and said "build succeeded", the process
still needs about 2.3 s (measured on the book, 2 cores) to exit: the interpreter frees every
object of Sphinx's environment and doctrees one by one, which no file depends on. The build runs
Sphinx this way for each format, so those seconds came off every build. Here the command runs as
usual, then its exit handlers run (they flush logs and remove temporary files, as at a normal
exit), the standard streams are flushed, and the process ends with the command's exit code
without the teardown.
"""

from __future__ import annotations

import atexit
import os
import sys


def run(argv: list[str]) -> int:
    """Run ``jupyter-book`` with ``argv``; return its exit code."""
    from jupyter_book.cli.main import main as jupyter_book

    try:
        jupyter_book.main(args=argv, prog_name="jupyter-book")
    except SystemExit as stop:
        if stop.code is None or isinstance(stop.code, int):
            return stop.code or 0
        print(stop.code, file=sys.stderr)  # a message, as SystemExit would print it
        return 1
    return 0


def exit_without_teardown(code: int) -> None:
    """End the process as ``sys.exit(code)`` would, minus freeing every object one by one."""
    atexit._run_exitfuncs()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def main() -> None:
    exit_without_teardown(run(sys.argv[1:]))


if __name__ == "__main__":
    main()
