"""``python -m helpers.book.notebooks execute FILE…``: re-execute notebooks in place, tidily.

``make notebooks`` runs this after an intended change to data or code. Each notebook runs in its
own directory (as the book build runs it), its outputs are stored (they are what nbval compares
on the next test run), and what changes on every run without meaning anything (execution
timestamps) is removed so that a commit shows only real changes.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def tidy(path: str) -> None:
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
    nbformat.write(notebook, path)


def execute(path: str, timeout: int = 300) -> None:
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(Path(path).parent)}}
    )
    client.execute()
    nbformat.write(notebook, path)
    tidy(path)


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] not in ("execute", "tidy"):
        print("usage: python -m helpers.book.notebooks {execute,tidy} NOTEBOOK...", file=sys.stderr)
        return 2
    for path in argv[1:]:
        (execute if argv[0] == "execute" else tidy)(path)
        print(f"{argv[0]}d {path}" if argv[0] == "tidy" else f"executed {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
