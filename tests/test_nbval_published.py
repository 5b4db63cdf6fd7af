"""nbval against the published executions (tests/nbval_published.py) catches what nbval catches.

``make test`` compares each committed notebook with the execution the published book was built
from. Here the "published execution" is a copy of a committed notebook (its outputs are those of
an execution by `make notebooks`), changed as each case needs; no kernel runs.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.book.glued_values import GLUE_MIME
from helpers.paths import PROJECT_ROOT
from tests.test_nbval_stale import SANITIZE, glued_output


def run(book: Path, executed: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "tests.nbval_published",
            "--nbval-executed",
            str(executed),
            "--nbval-sanitize-with",
            str(SANITIZE),
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(book),
            str(book / "index.ipynb"),
        ],
        cwd=book,
        env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    book, executed = tmp_path / "book", tmp_path / "executed"
    book.mkdir()
    executed.mkdir()
    shutil.copy(PROJECT_ROOT / "index.ipynb", book / "index.ipynb")
    shutil.copy(PROJECT_ROOT / "index.ipynb", executed / "index.ipynb")
    return book, executed


def edit(path: Path, change) -> None:
    notebook = json.loads(path.read_text(encoding="utf-8"))
    change(notebook)
    path.write_text(json.dumps(notebook), encoding="utf-8")


def code_cells(path: Path) -> int:
    return sum(cell["cell_type"] == "code" for cell in json.loads(path.read_text(encoding="utf-8"))["cells"])


def test_outputs_equal_to_the_execution_pass(pair):
    book, executed = pair
    result = run(book, executed)
    assert result.returncode == 0, result.stdout[-3000:]
    assert f"{code_cells(book / 'index.ipynb')} passed" in result.stdout


def test_a_stale_stored_number_fails(pair):
    book, executed = pair

    def stale(notebook):
        output = glued_output(notebook, "i_isw_2024")
        assert output["data"][GLUE_MIME] == "'about 2,700'"
        output["data"][GLUE_MIME] = "'about 2,800'"  # what the notebook showed before a data change

    edit(book / "index.ipynb", stale)
    result = run(book, executed)
    assert result.returncode == 1
    assert "Cell outputs differ" in result.stdout
    assert "'about 2,800'" in result.stdout and "'about 2,700'" in result.stdout


def other_code(notebook):
    cell = next(c for c in notebook["cells"] if c["cell_type"] == "code")
    cell["source"] = "".join(cell["source"]) + "\n# changed since the build"


def error_output(notebook):
    cell = [c for c in notebook["cells"] if c["cell_type"] == "code"][-1]
    cell["outputs"].append(
        {"output_type": "error", "ename": "ZeroDivisionError", "evalue": "division by zero", "traceback": ["1 / 0"]}
    )


@pytest.mark.parametrize(
    ("change", "expected"),
    [(other_code, "is not of this notebook's code"), (error_output, "Cell execution caused an exception")],
    ids=["execution_of_other_code", "error_in_the_execution"],
)
def test_a_published_execution_that_cannot_vouch_fails(pair, change, expected):
    book, executed = pair
    edit(executed / "index.ipynb", change)
    result = run(book, executed)
    assert result.returncode == 1
    assert expected in result.stdout


def test_no_execution_says_to_build_the_book(pair):
    book, executed = pair
    (executed / "index.ipynb").unlink()
    result = run(book, executed)
    assert result.returncode != 0
    assert "run `make book` first" in result.stdout
