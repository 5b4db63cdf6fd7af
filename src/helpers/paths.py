"""Where the project's files live.

``BOOK_DATA_DIR`` overrides the data directory, so tests (and researchers trying a change) can
point every loader at a copy of ``data/`` without touching the committed one.

The project root is found, in order: ``BOOK_PROJECT_ROOT``; the source tree this package sits in
(an editable install, ``make setup``); the nearest folder at or above the working directory that
holds the book (``_toc.yml`` and ``data/datapackage.json``) — so a non-editable install, as on
Binder, finds the data from a notebook opened in any of the book's folders.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
from pathlib import Path


def _is_book(folder: Path) -> bool:
    return (folder / "_toc.yml").is_file() and (folder / "data" / "datapackage.json").is_file()


def find_project_root() -> Path:
    """The book's folder (see the module docstring); raises if there is none."""
    override = os.environ.get("BOOK_PROJECT_ROOT")
    if override:
        return Path(override).resolve()
    source_tree = Path(__file__).resolve().parents[2]
    if _is_book(source_tree):
        return source_tree
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if _is_book(folder):
            return folder
    raise FileNotFoundError(
        "cannot find the book's folder (with _toc.yml and data/datapackage.json): run from inside "
        "it, or set BOOK_PROJECT_ROOT"
    )


PROJECT_ROOT = find_project_root()


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
#: A dependency on some columns of a CSV table: ``territory.csv#columns=figure_id,source_key``.
COLUMNS_PART = "columns="
_RECORDING = contextvars.ContextVar("recording", default=True)


def record_dependency(path: Path, part: str | None = None) -> None:
    """Note that the running notebook read ``path``, for the book's incremental rebuilds.

    During a book build, the Sphinx extension points ``BOOK_DEPS_FILE`` at a file per page; a
    page whose recorded files change is re-executed on the next build. ``part`` narrows a JSON
    file to one entry (``datapackage.json#territory``), so editing one table does not re-execute
    pages that only read others, or a CSV table to some columns (``COLUMNS_PART``). Outside a
    build: no-op.
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


@contextlib.contextmanager
def recording_suspended():
    """Record nothing while this block runs: its caller records a narrower dependency itself."""
    token = _RECORDING.set(False)
    try:
        yield
    finally:
        _RECORDING.reset(token)


def _log(line: str) -> None:
    if not _RECORDING.get():
        return
    log = os.environ.get(DEPENDENCY_LOG)
    if log:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")
