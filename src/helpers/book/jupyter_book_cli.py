"""``python -m helpers.book.jupyter_book_cli build ...``: jupyter-book's command line, minus the
seconds Python spends taking Sphinx apart after the book is written.

Once ``jupyter-book build`` has written its output and said "build succeeded", the process
still needs about 2.3 s (measured on the book, 2 cores) to exit: the interpreter frees every
object of Sphinx's environment and doctrees one by one, which no file depends on. The build runs
Sphinx this way for each format, so those seconds came off every build. Here the command runs as
usual, then its exit handlers run (they flush logs and remove temporary files, as at a normal
exit), the standard streams are flushed, and the process ends with the command's exit code
without the teardown.

``--wait-for-go`` as the first argument: import jupyter-book, Sphinx and the book's extensions,
then wait for a line on standard input. ``go`` runs the command; anything else, or the end of
input (the build stopped or died), ends the process with ``GATE_CLOSED`` having done nothing.
The build starts Sphinx this way while the last notebooks execute, on a core they leave idle,
so the imports (about 0.6 s) are done when the executed pages are staged. Nothing is read from
the book before ``go``.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import os
import sys

WAIT_FOR_GO = "--wait-for-go"
GATE_CLOSED = 3
#: What a Sphinx run of the book imports anyway, heaviest first.
PRELOADED = (
    "jupyter_book.cli.main",
    "jupyter_book.sphinx",
    "sphinx.application",
    "sphinx.builders.html",
    "sphinx.builders.latex",
    "myst_nb.sphinx_ext",
    "sphinx_book_theme",
    "sphinxcontrib.bibtex",
    "sphinx_external_toc",
    "sphinx_jupyterbook_latex",
    "helpers.book.sphinx",
)


def wait_for_go() -> bool:
    """Import what the run will need, then wait for ``go`` on standard input."""
    for name in PRELOADED:
        with contextlib.suppress(ImportError):  # the run itself will say what is missing
            importlib.import_module(name)
    return sys.stdin.readline().strip() == "go"


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
    argv = sys.argv[1:]
    if argv[:1] == [WAIT_FOR_GO]:
        argv = argv[1:]
        if not wait_for_go():
            exit_without_teardown(GATE_CLOSED)
    exit_without_teardown(run(argv))


if __name__ == "__main__":
    main()
