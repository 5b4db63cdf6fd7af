"""The package finds the book's data when installed without the source tree (as on Binder)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import altair as alt

from helpers.paths import PROJECT_ROOT


def test_a_non_editable_install_finds_the_data_from_any_folder_of_the_book(tmp_path: Path):
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(target),
            str(PROJECT_ROOT),
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    code = "import helpers.paths as p; print(p.__file__); print(p.data_dir())"
    env = {k: v for k, v in os.environ.items() if k not in ("BOOK_PROJECT_ROOT", "BOOK_DATA_DIR", "BOOK_ROOT")}
    env["PYTHONPATH"] = str(target)
    for folder in (PROJECT_ROOT, PROJECT_ROOT / "chapters"):
        # -S: no site-packages, so the development (editable) install cannot answer instead
        result = subprocess.run(
            [sys.executable, "-S", "-c", code], cwd=folder, env=env, capture_output=True, text=True, check=True
        )
        module, data = result.stdout.split()
        assert module.startswith(str(target)), module  # the installed copy, not the source tree
        assert Path(data) == PROJECT_ROOT / "data"


def test_importing_helpers_changes_no_global_state():
    before = alt.renderers.active
    code = (
        "import altair as alt, importlib, pkgutil, helpers\n"
        "before = alt.renderers.active\n"
        "for m in pkgutil.walk_packages(helpers.__path__, 'helpers.'):\n"
        "    if not m.name.endswith('__main__'): importlib.import_module(m.name)\n"
        "print(before == alt.renderers.active)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "True"
    assert alt.renderers.active == before
