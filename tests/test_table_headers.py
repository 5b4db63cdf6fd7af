"""A table a chapter shows is headed in words, not with the column names of its data frame: the
per-km² table was headed "km2" and "per_km2". The committed notebooks hold the outputs nbval
checks against the build's, so reading them reads what the book shows."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from helpers.paths import PROJECT_ROOT

#: Data and methods lists the rows of data/'s tables under their column names on purpose: it is
#: the reference a researcher reads beside the CSV files.
PAGES = sorted(
    p
    for p in [PROJECT_ROOT / "index.ipynb", *(PROJECT_ROOT / "chapters").glob("*.ipynb")]
    if p.name != "data_and_methods.ipynb"
)
HEADER = re.compile(r"<th[^>]*>(.*?)</th>", re.S)
#: a MyST table's header row: the line above its |---| rule (helpers.present.docs.table)
MARKDOWN_HEADER = re.compile(r"^(\|.*\|)\n\|(?:---\|)+$", re.M)


def headers(output: dict) -> list[str]:
    """The column headers of the tables in one output, HTML or MyST markdown."""
    data = output.get("data", {})
    html, markdown = ("".join(data.get(kind, "")) for kind in ("text/html", "text/markdown"))
    found = [re.sub(r"<[^>]+>", "", header) for header in HEADER.findall(html)]
    for row in MARKDOWN_HEADER.findall(markdown):
        found += [re.sub(r"<[^>]+>", "", cell) for cell in re.split(r"(?<!\\)\|", row.strip("|"))]
    return [header.strip() for header in found]


def column_names(found: list[str]) -> list[str]:
    """Headers that read like a data frame's column names (``per_km2``, ``km2``)."""
    return [h for h in found if "_" in h or re.search(r"\bkm2\b", h)]


def test_the_reader_finds_column_names():
    html = {"data": {"text/html": "<tr><th>deaths source</th><th>km2</th><th>per_<wbr>km2</th></tr>"}}
    markdown = {
        "data": {"text/markdown": "```{table} A\n| deaths source | km2 | per_km2 |\n|---|---|---|\n| a | 1 | 2 |"}
    }
    assert column_names(headers(html)) == column_names(headers(markdown)) == ["km2", "per_km2"]


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_tables_are_headed_in_words(page: Path):
    found = []
    for index, cell in enumerate(nbformat.read(page, as_version=4).cells):
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            found += [(index, header) for header in column_names(headers(output))]
    assert not found, f"{page.name}: headers that are column names (cell, header): {found}"


def test_the_chapters_tables_are_read():
    """The header reader finds the tables the chapters show (else the test above checks nothing)."""
    cells = nbformat.read(PROJECT_ROOT / "chapters" / "human_cost.ipynb", as_version=4).cells
    found = [h for cell in cells if cell.cell_type == "code" for o in cell.get("outputs", []) for h in headers(o)]
    assert {"deaths source", "area source", "km² gained", "deaths per km²"} <= set(found)
