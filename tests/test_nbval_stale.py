"""nbval compares stored numbers: a notebook whose outputs no longer match its code must fail."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.book.glued_values import GLUE_MIME
from helpers.paths import PROJECT_ROOT

SANITIZE = PROJECT_ROOT / "tests" / "nbval_sanitize.cfg"


def run_nbval(notebook: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--nbval",
            "--nbval-current-env",
            "--nbval-sanitize-with",
            str(SANITIZE),
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(notebook.parent),
            str(notebook),
        ],
        cwd=notebook.parent,
        capture_output=True,
        text=True,
        timeout=300,
    )


def glued_output(notebook: dict, key: str) -> dict:
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            if output.get("metadata", {}).get("scrapbook", {}).get("name") == key:
                return output
    raise KeyError(key)


@pytest.fixture
def notebook_copy(tmp_path: Path) -> Path:
    target = tmp_path / "index.ipynb"
    shutil.copy(PROJECT_ROOT / "index.ipynb", target)
    return target


def test_fresh_copy_passes(notebook_copy: Path):
    result = run_nbval(notebook_copy)
    assert result.returncode == 0, result.stdout[-3000:]


def test_stale_stored_number_fails(notebook_copy: Path):
    notebook = json.loads(notebook_copy.read_text(encoding="utf-8"))
    output = glued_output(notebook, "i_isw_2024")
    assert output["data"][GLUE_MIME] == "'about 2,700'"
    output["data"][GLUE_MIME] = "'about 2,800'"  # what the notebook showed before a data change
    notebook_copy.write_text(json.dumps(notebook), encoding="utf-8")
    result = run_nbval(notebook_copy)
    assert result.returncode == 1
    assert "'about 2,800'" in result.stdout and "'about 2,700'" in result.stdout
