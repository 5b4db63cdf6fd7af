"""The small book, built once for the whole test run, and each test's own copy of it."""

from __future__ import annotations

import fcntl
import shutil
from pathlib import Path

import pytest

from tests.building import bookrun


@pytest.fixture(scope="session")
def built_book(tmp_path_factory, worker_id: str) -> Path:
    """The small book, built and published once (both formats) for all the test workers: the
    first to need it builds it while the others wait on a lock. Tests copy it (``book``) and
    never change it; a failed build is not marked done, so each worker then says why itself."""
    base = tmp_path_factory.getbasetemp()
    shared = base if worker_id == "master" else base.parent  # one folder for every worker of this run
    folder = shared / "built-small-book"
    with open(shared / "built-small-book.lock", "a", encoding="utf-8") as turn:
        fcntl.flock(turn, fcntl.LOCK_EX)  # released when the file is closed
        if not (folder / "done").exists():
            shutil.rmtree(folder, ignore_errors=True)
            book = bookrun.copy_book("small", folder / "book")
            result = bookrun.build(book)
            assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
            (folder / "done").touch()
    return folder / "book"


@pytest.fixture
def book(built_book: Path, tmp_path: Path) -> Path:
    """This test's own copy of the built small book, to edit, break, rebuild or interrupt."""
    target = tmp_path / "book"
    shutil.copytree(built_book, target, symlinks=True)
    return target
