"""The package finds the book's data when installed without the source tree (as on Binder)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

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


GLOBAL_STATE = (
    "import os, sys, warnings, logging, json, numpy as np, pandas as pd, altair as alt\n"
    "def state():\n"
    "    return json.dumps({'renderer': alt.renderers.active, 'theme': alt.theme.active,\n"
    "        'transformer': alt.data_transformers.active, 'pandas': repr(pd._config.config._global_config),\n"
    "        'numpy': repr(np.get_printoptions()), 'warnings': repr(warnings.filters), 'path': sys.path,\n"
    "        'environ': dict(os.environ), 'logging': [logging.root.level, repr(logging.root.handlers)],\n"
    "        'cwd': os.getcwd()}, sort_keys=True, default=repr)\n"
)


def test_importing_helpers_changes_no_global_state():
    """Importing every ``helpers`` module leaves Altair's renderer, theme and data transformer,
    pandas' and NumPy's options, warning filters, logging, sys.path, the environment and the
    working directory as they were."""
    code = GLOBAL_STATE + (
        "import importlib, pkgutil\n"
        "before = state()\n"
        "import helpers\n"
        "for m in pkgutil.walk_packages(helpers.__path__, 'helpers.'):\n"
        "    if not m.name.endswith('__main__'): importlib.import_module(m.name)\n"
        "after = state()\n"
        "print(json.dumps([k for k in json.loads(before) if json.loads(before)[k] != json.loads(after)[k]]))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(result.stdout) == []


def test_the_global_state_check_sees_a_change():
    code = GLOBAL_STATE + "before = state()\nalt.renderers.enable('svg')\nprint(before == state())"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_a_kernel_does_not_build_the_iri_grammar():
    """What every chapter's kernel imports (altair, through it jsonschema) must not import
    rfc3987-syntax: it builds a Lark grammar on import, about 3 s in each kernel, Sphinx run and
    build. jsonschema 4.25+ installs it with the extra JupyterLab asks for; the dev extra keeps
    jsonschema below that (see pyproject.toml)."""
    code = (
        "import sys, helpers.present.charts, helpers.data.load, nbformat, jupyter_book; "
        "print([m for m in ('rfc3987_syntax', 'lark') if m in sys.modules])"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]", result.stdout
