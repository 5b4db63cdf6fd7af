"""Where the project's files live.

``BOOK_DATA_DIR`` overrides the data directory, so tests (and researchers trying a change) can
point every loader at a copy of ``data/`` without touching the committed one.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


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
    log = os.environ.get(DEPENDENCY_LOG)
    if log:
        suffix = f"#{part}" if part else ""
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(str(Path(path).resolve()) + suffix + "\n")
