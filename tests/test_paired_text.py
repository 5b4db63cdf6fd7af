"""Chapters reviewable as text, and committed outputs free of machine-dependent bytes.

Every notebook is paired (jupytext) with ``NAME.myst.md`` beside it: the same cells as MyST
Markdown, without outputs. ``make notebooks`` writes the pairs; an edit made in the text file is
synced into the notebook first. Committed notebooks keep no PNG (its bytes depend on the machine
that drew it); the book's build makes its own.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import nbformat
import pytest

from helpers import toc
from helpers.book import notebooks
from helpers.paths import PROJECT_ROOT

NOTEBOOKS = [page.path for page in toc.notebooks(PROJECT_ROOT)]


def _name(path: Path) -> str:
    return path.relative_to(PROJECT_ROOT).as_posix()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_name)
def test_every_notebook_has_its_text_pair_in_sync(path: Path):
    notebook = nbformat.read(path, as_version=4)
    assert notebook.metadata.get("jupytext", {}).get("formats") == notebooks.PAIRING
    pair = notebooks.paired_text(path)
    assert pair.exists(), f"{_name(pair)} is missing: run make notebooks"
    assert pair.read_text(encoding="utf-8") == notebooks.as_text(notebook), (
        f"{_name(path)} and {_name(pair)} differ: run make notebooks (a newer text file is synced into "
        "the notebook, then both are written)"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_name)
def test_committed_notebooks_hold_no_machine_dependent_images(path: Path):
    notebook = nbformat.read(path, as_version=4)
    images = [
        (index, mime)
        for index, cell in enumerate(notebook.cells)
        for output in cell.get("outputs", [])
        for mime in output.get("data", {})
        if mime in notebooks.MACHINE_DEPENDENT
    ]
    assert not images, f"{_name(path)}: cells with PNG outputs {images}: run make notebooks"
    session = [index for index, cell in enumerate(notebook.cells) if "user_expressions" in cell.metadata]
    assert not session, f"{_name(path)}: cells keep a JupyterLab session's results {session}: run make notebooks"


def _small_notebook() -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}})
    chart = nbformat.v4.new_output(
        "display_data",
        data={"text/html": "<div class='book-chart'></div>", "image/png": "iVBORw0KGgo=", "text/plain": "<chart>"},
    )
    notebook.cells = [
        nbformat.v4.new_markdown_cell("# A page\n\nAbout {eval}`glued.answer` km²."),
        nbformat.v4.new_code_cell("show_chart()", outputs=[chart], execution_count=1),
    ]
    return notebook


def test_tidy_drops_pngs_and_a_sessions_results_and_writes_the_pair(tmp_path: Path):
    path = tmp_path / "page.ipynb"
    saved_in_lab = _small_notebook()
    saved_in_lab.cells[0].metadata["user_expressions"] = [{"expression": "glued.answer", "result": {"status": "ok"}}]
    nbformat.write(saved_in_lab, path)
    notebooks.tidy(str(path))
    tidied = nbformat.read(path, as_version=4)
    assert set(tidied.cells[1].outputs[0].data) == {"text/html", "text/plain"}
    assert "user_expressions" not in tidied.cells[0].metadata
    text = (tmp_path / "page.myst.md").read_text(encoding="utf-8")
    assert "About {eval}`glued.answer` km²." in text
    assert re.search(r"```\{code-cell\}[^\n]*\nshow_chart\(\)\n```", text)
    assert "iVBORw0KGgo" not in text and "book-chart" not in text  # outputs stay in the notebook


def test_an_edit_in_the_text_file_reaches_the_notebook(tmp_path: Path):
    path = tmp_path / "page.ipynb"
    nbformat.write(_small_notebook(), path)
    notebooks.tidy(str(path))
    pair = tmp_path / "page.myst.md"
    pair.write_text(pair.read_text(encoding="utf-8").replace("About", "Some"), encoding="utf-8")
    later = path.stat().st_mtime + 10
    os.utime(pair, (later, later))
    notebooks.sync_from_text(str(path))
    synced = nbformat.read(path, as_version=4)
    assert synced.cells[0].source == "# A page\n\nSome {eval}`glued.answer` km²."
    assert synced.cells[1].outputs, "syncing the text keeps the notebook's outputs"


def test_make_notebooks_runs_its_kernels_over_ipc_not_tcp(tmp_path, capfd):
    """`make notebooks` started its kernels on TCP ports, each warning 'Kernel is running over
    TCP without encryption'; the build's own executions use IPC sockets (helpers.book.execute),
    for that reason and because a port picked free can be taken before the kernel binds it."""
    import nbformat

    from helpers.book import notebooks

    path = tmp_path / "tiny.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(6 * 7)")]), path)
    notebooks.execute(str(path))
    assert nbformat.read(path, as_version=4).cells[0].outputs[0]["text"] == "42\n"
    assert "over TCP" not in capfd.readouterr().err
