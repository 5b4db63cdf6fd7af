"""Shared fixtures: a throw-away copy of ``data/`` that a test may corrupt, and a count of
pybtex's scans of the installed packages."""

from __future__ import annotations

import collections
import shutil
from pathlib import Path

import pytest

from helpers.paths import PROJECT_ROOT

DATA = PROJECT_ROOT / "data"


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A copy of data/ (CSV files, bibliography, descriptor) in a temporary directory."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


@pytest.fixture
def entry_point_scans(monkeypatch) -> collections.Counter:
    """How many times pybtex scans the installed packages' entry points, by (group, name), while
    the test runs: each scan costs tens of milliseconds here (``helpers.book.bibtex_plugins``)."""
    import pybtex.plugin

    scans = collections.Counter()
    scan = pybtex.plugin.entry_points

    def counted_scan(*, group, name):
        scans[group, name] += 1
        return scan(group=group, name=name)

    monkeypatch.setattr(pybtex.plugin, "entry_points", counted_scan)
    return scans
