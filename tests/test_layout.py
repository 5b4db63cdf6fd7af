"""The package's layout is its architecture: stages import only earlier stages; the README says so."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from helpers.book import layout

PACKAGE = layout.PACKAGE
#: What each stage may import besides itself (helpers.paths and helpers.toc are open to all).
ALLOWED = {
    "data": set(),
    "derive": {"data"},
    "present": {"data"},
    "analysis": {"data", "present"},
    "book": {"data", "derive", "present", "analysis"},
}
MODULES = sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def imported(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("helpers"):
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("helpers"))
    return found


@pytest.mark.parametrize("path", MODULES, ids=[str(p.relative_to(PACKAGE)) for p in MODULES])
def test_a_stage_imports_only_earlier_stages(path: Path):
    parts = path.relative_to(PACKAGE).parts
    if len(parts) == 1:
        assert path.name in ("__init__.py", "paths.py", "toc.py"), f"{path.name}: every module belongs to a stage"
        return
    stage = parts[0]
    for name in imported(path):
        segments = name.split(".")
        if len(segments) < 2 or segments[1] in ("paths", "toc", stage):
            continue
        assert segments[1] in ALLOWED[stage], f"helpers.{stage} must not import {name}"


def test_the_readme_lists_every_module():
    text = layout.README.read_text(encoding="utf-8")
    assert layout.current(text) == layout.block(), "run `python -m helpers.book.layout --write`"


def test_every_module_says_what_it_is_for():
    for path in MODULES:
        assert layout._summary(path), f"{path}: no docstring"


def test_the_readmes_layout_names_every_table():
    """The README's table of where things are named the derived tables one by one and had not
    caught up with map_layers."""
    import fnmatch
    import re

    from helpers.data import schemas

    text = layout.README.read_text(encoding="utf-8")
    section = text[text.index("## How it is laid out") : text.index("## Architecture")]
    named = [name for name in re.findall(r"`(?:data/)?([a-z_*]+)(?:\.csv)?`", section) if name != "*"]
    missing = [table for table in schemas.TABLES if not any(fnmatch.fnmatch(table, name) for name in named)]
    assert not missing, f"the README's layout does not name: {missing}"
