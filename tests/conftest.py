"""Shared fixtures: a throw-away copy of ``data/`` that a test may corrupt."""

from __future__ import annotations

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
