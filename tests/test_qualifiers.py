"""Qualifiers ("about", "more than", "at least") reach the prose from the data, by rule, never typed."""

from __future__ import annotations

import ast
import re

import nbformat
import pandas as pd
import pytest

from helpers.book import ledger
from helpers.data.load import load
from helpers.data.schemas import FIGURE_TABLES
from helpers.paths import PROJECT_ROOT
from helpers.present import text

PAGES = ledger.pages_for(PROJECT_ROOT)
QUALIFIER_WORDS = ("about", "more than", "at least", "nearly", "almost", "roughly", "around", "over", "some")
TYPED = re.compile(r"\b(" + "|".join(QUALIFIER_WORDS) + r")\s+\{(?:eval|glue:text)\}", re.IGNORECASE)


def notebook(page: str):
    return nbformat.read(PROJECT_ROOT / f"{page}.ipynb", as_version=4)


@pytest.mark.parametrize("page", PAGES)
def test_no_qualifier_is_typed_before_a_glued_number(page):
    prose = "\n".join(c.source for c in notebook(page).cells if c.cell_type == "markdown")
    typed = [m.group(0) for m in TYPED.finditer(prose)]
    assert not typed, f"{page}: qualifiers typed in prose, glue them from the data instead: {typed}"


@pytest.mark.parametrize("page", PAGES)
def test_a_figures_value_is_glued_with_its_qualifier(page):
    """glue_text(key, fmt(fig.value)) would drop the row's qualifier: use glue_figure or qualified()."""
    for cell in notebook(page).cells:
        if cell.cell_type != "code":
            continue
        for call in ledger._calls(ast.parse(cell.source), "glue_text"):
            shown = ast.unparse(call.args[1]) if len(call.args) > 1 else ""
            if re.search(r"\.value\b", shown):
                assert "qualified(" in shown, f"{page}: {ast.unparse(call)} drops the figure's qualifier"


def _figure_glues(page: str) -> dict[str, set[str]]:
    """key -> figure ids, for every glue_figure call on the page (traced as the ledger traces)."""
    lineage, found = ledger._Lineage(), {}
    for cell in notebook(page).cells:
        if cell.cell_type != "code":
            continue
        tree = ast.parse(cell.source)
        lineage.learn(tree)
        for call in ledger._calls(tree, "glue_figure"):
            found[call.args[0].value] = lineage.resolve(call.args[1])[1]
    return found


@pytest.mark.parametrize("page", PAGES)
def test_glued_figures_carry_the_qualifier_of_their_row(page):
    figures = pd.concat([load(t) for t in FIGURE_TABLES]).set_index("figure_id")
    values = ledger.stored_values(notebook(page))
    for key, ids in _figure_glues(page).items():
        assert len(ids) == 1, f"{page}: {key} must come from one figure"
        qualifier = figures.at[next(iter(ids)), "qualifier"]
        shown = values[key]
        if qualifier == "unqualified":
            assert not shown.startswith(QUALIFIER_WORDS), f"{page}: {key} = {shown!r} adds a qualifier"
        else:
            assert shown.startswith(f"{qualifier} "), f"{page}: {key} = {shown!r}, its row says {qualifier!r}"


def test_the_rule_for_derived_figures():
    assert text.derived_qualifier("unqualified", "unqualified") == "unqualified"
    assert text.derived_qualifier("about", "more than") == "about"  # a share of a floor in a rounded figure
    assert text.derived_qualifier("at least", "unqualified") == "about"
    assert text.floor_rate("more than") == "more than"  # a floor over a fixed number of days
    assert text.floor_rate("about") == "about"
    assert text.qualified("2,700", "about") == "about 2,700"
    assert text.qualified("465", "unqualified") == "465"


def test_a_count_of_names_is_a_floor_everywhere():
    """Wherever the book states the count of names as its own, it says 'at least' (the RBC row)."""
    for page in PAGES:
        for key, shown in ledger.stored_values(notebook(page)).items():
            if shown.endswith("78,329"):
                assert shown == "at least 78,329", f"{page}: {key} = {shown!r}"
