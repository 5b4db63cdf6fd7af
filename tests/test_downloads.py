"""A chapter's downloads link where the book publishes them, wherever the notebook executes."""

from __future__ import annotations

import re
from pathlib import Path

from helpers.present import docs


def datapackage_link(markdown: str) -> str:
    return re.search(r'<a href="([^"]+)">datapackage.json</a>', markdown).group(1)


def test_the_data_package_link_is_the_same_in_the_tree_and_in_the_build(tmp_path: Path, monkeypatch):
    """The build executes a chapter in its staged copy of the book (``_build/tmp/…/src/chapters``)
    with the data snapshot beside it; the published page sits in ``html/chapters/`` with the data
    in ``html/data/``. The link must be ``../data/datapackage.json`` there as in the tree (it was
    ``../../../../../data/…``, relative to the project, in every published chapter)."""
    from helpers.paths import PROJECT_ROOT

    monkeypatch.delenv("BOOK_DATA_DIR", raising=False)
    monkeypatch.chdir(PROJECT_ROOT / "chapters")
    in_tree = datapackage_link(docs.downloads("surge.ipynb").data)

    staged = tmp_path / "_build" / "tmp" / "20261129T000000-1" / "src"
    (staged / "chapters").mkdir(parents=True)
    (staged / "data").mkdir()
    monkeypatch.setenv("BOOK_DATA_DIR", str(staged / "data"))
    monkeypatch.chdir(staged / "chapters")
    in_build = datapackage_link(docs.downloads("surge.ipynb").data)

    assert in_tree == in_build == "../data/datapackage.json"
