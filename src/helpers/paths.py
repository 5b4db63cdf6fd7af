"""Where the project's files live.

``BOOK_DATA_DIR`` overrides the data directory, so tests (and researchers trying a change) can
point every loader at a copy of ``data/`` without touching the committed one.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def book_root() -> Path:
    """The book being built: ``BOOK_ROOT`` (set by the build for its kernels), else this project."""
    override = os.environ.get("BOOK_ROOT")
    return Path(override).resolve() if override else PROJECT_ROOT


def data_dir() -> Path:
    """The directory holding the CSV tables, ``references.bib`` and ``datapackage.json``."""
    override = os.environ.get("BOOK_DATA_DIR")
    return Path(override).resolve() if override else PROJECT_ROOT / "data"


def display_path(path: Path) -> str:
    """A path as a reader would type it: relative to the project root when inside it."""
    path = Path(path).resolve()
    try:
        return str(path.relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


DEPENDENCY_LOG = "BOOK_DEPS_FILE"


def record_dependency(path: Path, part: str | None = None) -> None:
    """Note that the running notebook read ``path``, for the book's incremental rebuilds.

    During a book build, the Sphinx extension points ``BOOK_DEPS_FILE`` at a file per page; a
    page whose recorded files change is re-executed on the next build. ``part`` narrows a JSON
    file to one entry (``datapackage.json#territory``), so editing one table does not re-execute
    pages that only read others. Outside a build: no-op.
    """
    suffix = f"#{part}" if part else ""
    _log(str(Path(path).resolve()) + suffix)


def record_fact(name: str) -> None:
    """Note that the running notebook used a fact of the build (``commit``, ``build_date``, ...).

    A page that shows the commit is re-executed when the commit changes, though no file it
    reads did.
    """
    _log(f"fact:{name}")


def record_imported_helpers() -> None:
    """Note every ``helpers`` module the running kernel imported: a page depends on that code."""
    import sys

    package = Path(__file__).resolve().parent
    for module in list(sys.modules.values()):
        file = getattr(module, "__file__", None)
        if file and Path(file).resolve().is_relative_to(package):
            record_dependency(Path(file))


def _log(line: str) -> None:
    log = os.environ.get(DEPENDENCY_LOG)
    if log:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")
