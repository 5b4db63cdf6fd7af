"""The book's pages, read from ``_toc.yml``: the one place the page list is written.

Everything that needs the list of pages (the build, the ledger, the claims table's chapter
column, the tests of the built book) reads it from here, so adding a chapter means adding one
line to ``_toc.yml``. Like ``helpers.paths``, it serves every stage.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

SUFFIXES = (".ipynb", ".md")


@dataclass(frozen=True)
class Page:
    """One page of the book: its Sphinx document name and its source file."""

    docname: str
    path: Path

    @property
    def is_notebook(self) -> bool:
        return self.path.suffix == ".ipynb"


def _entries(node) -> list[str]:
    found = []
    if isinstance(node, dict):
        if "file" in node:
            found.append(node["file"])
        for key in ("parts", "chapters", "sections"):
            for child in node.get(key, []) or []:
                found += _entries(child)
    return found


def pages(root: Path) -> list[Page]:
    """Every page in ``root/_toc.yml``, in reading order (the root page first).

    A notebook that lists the pages (the ledger page, the claims table) depends on the table of
    contents: recorded, so that adding a chapter re-executes it.
    """
    from helpers.paths import record_dependency

    record_dependency(Path(root) / "_toc.yml")
    toc = yaml.safe_load((Path(root) / "_toc.yml").read_text(encoding="utf-8"))
    names = [toc["root"], *_entries(toc)]
    found = []
    for name in names:
        name = str(name)
        stem = name[: -len(Path(name).suffix)] if Path(name).suffix in SUFFIXES else name
        for suffix in SUFFIXES:
            path = Path(root) / f"{stem}{suffix}"
            if path.exists():
                found.append(Page(stem, path))
                break
        else:
            raise FileNotFoundError(f"{Path(root) / '_toc.yml'}: page {name!r} has no .ipynb or .md file")
    return found


def part(root: Path, caption: str) -> list[Page]:
    """The pages of one part of the book (``parts: - caption: ...``), in reading order."""
    toc = yaml.safe_load((Path(root) / "_toc.yml").read_text(encoding="utf-8"))
    for entry in toc.get("parts", []):
        if entry.get("caption") == caption:
            wanted = {str(Path(name).with_suffix("")) for name in _entries(entry)}
            return [page for page in pages(root) if page.docname in wanted]
    raise KeyError(f"{Path(root) / '_toc.yml'}: no part with caption {caption!r}")


def notebooks(root: Path) -> list[Page]:
    """The pages that are notebooks, in reading order."""
    return [page for page in pages(root) if page.is_notebook]
