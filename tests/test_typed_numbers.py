"""Rule 1: no number typed into a chapter's prose. Numbers reach the text only through glue.

Scans the markdown cells of every notebook (and the markdown pages) and fails on any numeral
outside glue and citation roles, code spans and link targets. Allowed: four-digit years,
and names of standards that contain digits (EPSG:3035, ETRS89, WGS84, GRS80).
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from helpers.paths import PROJECT_ROOT

PAGES = sorted(
    [
        PROJECT_ROOT / "index.ipynb",
        *(PROJECT_ROOT / "chapters").glob("*.ipynb"),
        *(p for p in (PROJECT_ROOT / "chapters").glob("*.md") if not p.name.endswith(".myst.md")),
    ]
)

STRIP = [
    re.compile(r"\{(glue(:\w+)?|eval)\}`[^`]*`"),  # glued values
    re.compile(r"\{cite(:\w+)?\}`[^`]*`"),  # citations
    re.compile(r"`[^`]*`"),  # code spans (column names, file names)
    re.compile(r"\]\([^)]*\)"),  # link targets
    re.compile(r"^:[a-z]+:.*$", re.MULTILINE),  # directive options
]
ALLOWED = re.compile(r"\b(EPSG:3035|ETRS89|WGS84|GRS80|(19|20)[0-9]{2}|[Ww]rite-up 00[01])\b")
NUMERAL = re.compile(r"[0-9]+")


def typed_numbers(markdown: str) -> list[tuple[int, str]]:
    """(line, text) of each numeral left in prose once glue, citations and allowed tokens are removed."""
    found = []
    for number, line in enumerate(markdown.splitlines(), start=1):
        text = line
        for pattern in STRIP:
            text = pattern.sub(" ", text)
        text = ALLOWED.sub(" ", text)
        found += [(number, match.group()) for match in NUMERAL.finditer(text)]
    return found


def markdown_cells(path: Path):
    if path.suffix == ".md":
        yield 0, path.read_text(encoding="utf-8")
        return
    for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
        if cell.cell_type == "markdown":
            yield index, cell.source


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_no_typed_numbers_in_prose(page: Path):
    problems = [
        f"{page.relative_to(PROJECT_ROOT)}, cell {cell}, line {line}: typed number {number!r}"
        for cell, source in markdown_cells(page)
        for line, number in typed_numbers(source)
    ]
    assert not problems, "glue these numbers instead:\n" + "\n".join(problems)


def test_the_scanner_catches_a_typed_number():
    assert typed_numbers("Russia took 2,700 km² in 2024.") == [(1, "2"), (1, "700")]
    assert typed_numbers("about {eval}`glued.isw_gain_2024` km² in 2024 {cite:p}`bbc2024`") == []
    assert typed_numbers("on 23 November 2023") == [(1, "23")]
