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
