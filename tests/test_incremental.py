"""Incremental builds never serve stale numbers, and re-execute only the pages that need it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import datapackage
from helpers.paths import PROJECT_ROOT

JUPYTER_BOOK = Path(sys.executable).with_name("jupyter-book")
FLAGS = ["-W", "-n", "--keep-going"]


@pytest.fixture
def small_book(tmp_path: Path) -> Path:
    """The real book's introduction, human-cost chapter and reference pages, with their own data/."""
    book = tmp_path / "book"
    (book / "chapters").mkdir(parents=True)
    for name in ("_config.yml", "CITATION.cff", "index.ipynb"):
        shutil.copy(PROJECT_ROOT / name, book / name)
    for name in ("human_cost.ipynb", "data_and_methods.ipynb", "bibliography.md"):
        shutil.copy(PROJECT_ROOT / "chapters" / name, book / "chapters")
    shutil.copytree(PROJECT_ROOT / "data", book / "data")
    shutil.copytree(PROJECT_ROOT / "_static", book / "_static")
    (book / "_toc.yml").write_text("format: jb-book\nroot: index\nchapters:\n  - file: chapters/human_cost\n"
        "  - file: chapters/data_and_methods\n  - file: chapters/bibliography\n", encoding="utf-8")
    return book


def build(book: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "BOOK_DATA_DIR": str(book / "data")}
    return subprocess.run([str(JUPYTER_BOOK), "build", *FLAGS, "--path-output", str(book.parent / "work"), str(book)],
                          env=env, capture_output=True, text=True, timeout=600)


def test_an_edited_value_reaches_the_rebuilt_book(small_book: Path, monkeypatch):
    first = build(small_book)
    assert first.returncode == 0, first.stdout[-3000:]
    index = small_book.parent / "work" / "_build" / "html" / "index.html"
    assert "2,700" in index.read_text(encoding="utf-8")

    unchanged = build(small_book)
    assert unchanged.returncode == 0
    assert "Executing notebook" not in unchanged.stdout  # nothing changed, nothing re-executed

    territory = small_book / "data" / "territory.csv"
    territory.write_text(territory.read_text(encoding="utf-8").replace(",2700,", ",2800,"), encoding="utf-8")
    monkeypatch.setenv("BOOK_DATA_DIR", str(small_book / "data"))
    assert datapackage.main(["--update"]) == 0  # an intended edit records its hash

    second = build(small_book)
    assert second.returncode == 0, second.stdout[-3000:]
    assert "re-executing index: " in second.stdout
    assert "2,800" in index.read_text(encoding="utf-8")
    assert "about <strong>2,700</strong>" not in index.read_text(encoding="utf-8")
    # the human-cost chapter reads no territory figures, so it is not executed again
    assert "human_cost.ipynb: Executing notebook" not in second.stdout
