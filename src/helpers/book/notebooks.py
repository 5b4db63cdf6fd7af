"""``python -m helpers.book.notebooks {execute,tidy} FILE…``: re-execute notebooks in place, tidily.

``make notebooks`` runs this after an intended change to data or code. Each notebook runs in its
own directory (as the book build runs it) and its outputs are stored: they are what nbval
compares on the next test run. Tidying makes a commit show only real changes:

* execution timestamps, which change on every run without meaning anything, are removed, and
  so are the results jupyterlab-myst keeps in Markdown cells' metadata (``user_expressions``)
  when a notebook is saved in JupyterLab: they belong to that session's run;
* PNG images are removed from outputs: their bytes depend on the machine that rasterised them
  (fonts, library builds), and nothing reads them from a committed notebook. The book's PDF
  takes its PNGs from the build's own execution, the HTML draws charts from the Vega spec kept in
  the ``text/html`` output, and nbval skips images;
* every notebook is paired with a MyST Markdown text file, ``NAME.myst.md`` beside it
  (jupytext), with the same cells and no outputs, so that prose and code are reviewed as text.
  ``tests/test_paired_text.py`` checks that each pair agrees.

Before executing, a text file edited more recently than its notebook is synced into it
(``jupytext --sync``): a change made in either file is kept.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import nbformat

from helpers.book import warm_kernels
from helpers.book.execute import ipc_client

#: The paired text file's name ends so: chapters/surge.ipynb -> chapters/surge.myst.md.
TEXT_SUFFIX = ".myst.md"
#: jupytext's pairing, stored in each notebook's metadata (JupyterLab keeps the pair in step on save).
PAIRING = f"ipynb,{TEXT_SUFFIX}:myst"
TEXT_FORMAT = "md:myst"
#: Output formats left out of committed notebooks (machine-dependent bytes).
MACHINE_DEPENDENT = ("image/png",)


def paired_text(path: str | Path) -> Path:
    """The MyST Markdown file paired with a notebook: ``chapters/surge.ipynb`` -> ``chapters/surge.myst.md``."""
    path = Path(path)
    return path.with_name(path.stem + TEXT_SUFFIX)


def as_text(notebook: nbformat.NotebookNode) -> str:
    """The notebook as its paired MyST Markdown text (cells, no outputs)."""
    import jupytext

    return jupytext.writes(notebook, fmt=TEXT_FORMAT)


def sync_from_text(path: str) -> None:
    """Bring an edit made in the paired text file into the notebook (the newer file wins)."""
    from jupytext.cli import jupytext as jupytext_cli

    if paired_text(path).exists():
        jupytext_cli(["--sync", "--quiet", path])


def tidy(path: str) -> None:
    notebook = nbformat.read(path, as_version=4)
    notebook.metadata.setdefault("jupytext", {})["formats"] = PAIRING
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("user_expressions", None)
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            for mime in MACHINE_DEPENDENT:
                if mime in data and len(data) > 1:
                    del data[mime]
                    output.get("metadata", {}).pop(mime, None)
    nbformat.write(notebook, path)
    paired_text(path).write_text(as_text(notebook), encoding="utf-8")


def execute(path: str, timeout: int = 300, warm=None) -> None:
    """Execute ``path`` in place; ``warm``: a warm process to fork its kernel from."""
    sync_from_text(path)
    notebook = nbformat.read(path, as_version=4)
    with ipc_client(notebook, Path(path).parent, timeout, warm) as client:
        client.execute()
    nbformat.write(notebook, path)
    tidy(path)


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] not in ("execute", "tidy"):
        print("usage: python -m helpers.book.notebooks {execute,tidy} NOTEBOOK...", file=sys.stderr)
        return 2
    if argv[0] == "tidy":
        for path in argv[1:]:
            tidy(path)
            print(f"tidied {path}")
        return 0
    # as in the build: from three pages on, kernels are forked from one warm process
    warm = warm_kernels.WarmProcess(dict(os.environ)) if warm_kernels.worth_forking(len(argv) - 1) else None
    try:
        for path in argv[1:]:
            execute(path, warm=warm)
            print(f"executed {path}")
    finally:
        if warm is not None:
            warm.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
