"""The book build is strict: a broken glue or any warning fails it (so -W stays on)."""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.paths import PROJECT_ROOT
from tests.building.bookrun import make_var

BOOKS = Path(__file__).parent / "books"

JUPYTER_BOOK = Path(sys.executable).with_name("jupyter-book")


def test_make_book_builds_with_the_strict_flags():
    flags = shlex.split(make_var("JB_FLAGS"))
    assert {"-W", "-n", "--keep-going"} <= set(flags)
    for target in ("book", "html"):
        dry_run = subprocess.run(
            ["make", "-n", "--no-print-directory", target],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert '-m helpers.book.build --jb-flags "-W -n --keep-going"' in dry_run


def tiny_book(root: Path, markdown: str) -> Path:
    """The one-page book in tests/books/strict, with ``markdown`` as the prose after the glue."""
    shutil.copytree(BOOKS / "strict", root)
    page = root / "index.ipynb"
    page.write_text(page.read_text(encoding="utf-8").replace('"PROSE"', json.dumps(markdown)), encoding="utf-8")
    return root


def build(root: Path) -> subprocess.CompletedProcess:
    flags = shlex.split(make_var("JB_FLAGS"))
    return subprocess.run([str(JUPYTER_BOOK), "build", *flags, str(root)], capture_output=True, text=True, timeout=300)


def test_valid_glue_builds(tmp_path: Path):
    """The prose's ``{eval}`glued.key``` shows the glued text in the book, with no kernel."""
    result = build(tiny_book(tmp_path / "ok", "About {eval}`glued.answer` km²."))
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    page = (tmp_path / "ok" / "_build" / "html" / "index.html").read_text(encoding="utf-8")
    assert '<span class="pasted-text">2,700</span> km²' in page


@pytest.mark.parametrize(
    "markdown, expected",
    [
        ("About {eval}`glued.no_such_key` km².", "no_such_key"),
        ("About {eval}`answer * 2` km².", "evaluates only glued.<key>"),
        ("See [a page that does not exist](missing_page).", "missing_page"),
    ],
    ids=["broken_glue", "not_a_glued_key", "unresolved_reference"],
)
def test_warning_fails_the_build(tmp_path: Path, markdown: str, expected: str):
    result = build(tiny_book(tmp_path / "bad", markdown))
    assert result.returncode != 0
    assert expected in result.stdout + result.stderr
