"""``python -m helpers.book.jupyter_book_cli build ...``: jupyter-book's command line, minus the
seconds Python spends taking Sphinx apart after the book is written.

Once ``jupyter-book build`` has written its output and said "build succeeded", the process
still needs about 2.3 s (measured on the book, 2 cores) to exit: the interpreter frees every
object of Sphinx's environment and doctrees one by one, which no file depends on. The build runs
Sphinx this way for each format, so those seconds came off every build. Here the command runs as
usual, then its exit handlers run (they flush logs and remove temporary files, as at a normal
exit), the standard streams are flushed, and the process ends with the command's exit code
without the teardown.

Its output is as the build shows it (:func:`_as_the_build_prints_it`): in colour only for a
terminal, and without jupyter-book's closing pointer to the temporary output folder.

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
import logging
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


#: The loggers of myst-parser and myst-nb, which echo their whole configuration at the start of
#: every Sphinx run (a line of about a thousand characters each).
CONFIG_ECHOES = ("sphinx.myst_parser.sphinx_ext.main", "sphinx.myst_nb.sphinx_ext")


def _without_config_echoes(record: logging.LogRecord) -> bool:
    """False for the configuration echoes of :data:`CONFIG_ECHOES` and for myst-nb's "Using
    jupyter-cache at", which the build never uses (it executes the notebooks itself, and Sphinx
    runs with execution off); true for everything else, warnings and errors always."""
    if record.levelno != logging.INFO:
        return True
    message = str(record.msg)
    return not ("myst v%s:" in message or "myst-nb v%s:" in message or message.startswith("Using jupyter-cache at"))


def _as_the_build_prints_it() -> None:
    """jupyter-book's output as the build shows it: coloured only for a terminal, and without
    the box that ends a successful HTML build by pointing at its output folder.

    The build runs Sphinx in a temporary folder and publishes elsewhere (its last line says
    where), removing that folder: the box sent readers of the log to a folder that is gone.
    jupyter-book colours Sphinx's messages whatever they are written to (``sphinx-build`` itself
    asks :func:`sphinx.util.console.color_terminal`, which honours ``NO_COLOR`` and
    ``FORCE_COLOR``): in a pipe, a log file or CI they were escape codes around every line.
    The configuration echoes of :data:`CONFIG_ECHOES` are left out too.
    """
    from jupyter_book.cli import main as cli
    from sphinx.util.console import color_terminal, nocolor

    if not color_terminal():
        nocolor()
    for name in CONFIG_ECHOES:
        logging.getLogger(name).addFilter(_without_config_echoes)
    actions = cli.builder_specific_actions

    def builder_specific_actions(result, builder, *args, **kwargs):
        if builder == "html" and not isinstance(result, Exception) and not result:
            return None  # a success: nothing to say that the build does not say better
        return actions(result, builder, *args, **kwargs)

    cli.builder_specific_actions = builder_specific_actions


def run(argv: list[str]) -> int:
    """Run ``jupyter-book`` with ``argv``; return its exit code."""
    from jupyter_book.cli.main import main as jupyter_book

    _as_the_build_prints_it()
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
