"""What build of the book a reader is looking at: version, git commit and build date."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from importlib import metadata

from helpers.paths import book_root, record_fact


def version() -> str:
    try:
        return metadata.version("helpers")
    except metadata.PackageNotFoundError:  # running from a source tree without installing
        return "unknown"


def commit() -> str:
    """Short commit hash, with '+local changes' when the work tree differs from it.

    During a build, the value the build computed once (``BOOK_COMMIT``), so every page and the
    footer show the same one.
    """
    record_fact("commit")
    if os.environ.get("BOOK_COMMIT"):
        return os.environ["BOOK_COMMIT"]
    return current_commit(book_root())


def current_commit(root) -> str:
    """The commit of the git checkout at ``root`` (see :func:`commit`)."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return f"{head}+local changes" if dirty else head


def build_date() -> str:
    """Today, or SOURCE_DATE_EPOCH when set (for reproducible builds)."""
    record_fact("build_date")
    if os.environ.get("BOOK_BUILD_DATE"):
        return os.environ["BOOK_BUILD_DATE"]
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    day = dt.datetime.fromtimestamp(int(epoch), dt.UTC).date() if epoch else dt.date.today()
    return day.isoformat()


def stamp() -> str:
    return f"Version {version()} · commit {commit()} · built {build_date()}"
