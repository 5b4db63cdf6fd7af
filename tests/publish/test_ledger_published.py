"""The built book publishes the ledger (the appendix shows the same numbers) and a valid data package."""

from __future__ import annotations

import json

from helpers.book import ledger, ledger_files


def test_numbers_json_matches_the_chapters(built_html):
    """Also the determinism check: the build executed every notebook afresh, and its ledger equals
    the one read from the committed executions (made by `make notebooks` at another time)."""
    published = json.loads((built_html / "numbers.json").read_text(encoding="utf-8"))
    assert published == json.loads(ledger_files.to_json(ledger.build()))
    assert (built_html / "numbers.csv").read_text(encoding="utf-8").startswith("page,key,value")


def test_numbers_json_gives_every_measured_value_as_a_number(built_html):
    """A program reads the number and its qualifier, not the words the prose set it in: every
    value but a date or a text has one, and a sourced figure's is the figure as its row states it."""
    from helpers.data.load import load
    from helpers.data.sourced import figure

    published = {row["key"]: row for row in json.loads((built_html / "numbers.json").read_text(encoding="utf-8"))}
    unnumbered = [key for key, row in published.items() if row["unit"] not in ("date", "text")]
    unnumbered = [key for key in unnumbered if not isinstance(published[key]["number"], (int, float))]
    assert not unnumbered, unnumbered
    stated = figure(load("territory"), "isw_russian_gain_2024_ytd")
    assert (
        published["s_isw_2024"]["number"] == stated.value and published["s_isw_2024"]["qualifier"] == stated.qualifier
    )
    assert (built_html / "numbers.csv").read_text(encoding="utf-8").startswith("page,key,value,number,qualifier,unit")


def test_appendix_lists_every_key(built_html):
    page = (built_html / "chapters" / "numbers.html").read_text(encoding="utf-8")
    published = json.loads((built_html / "numbers.json").read_text(encoding="utf-8"))
    missing = [row["key"] for row in published if row["key"] not in page]
    assert not missing, missing


def test_the_published_data_package_is_valid_frictionless(built_html):
    import subprocess
    import sys
    from pathlib import Path

    frictionless = Path(sys.executable).with_name("frictionless")
    descriptor = built_html / "data" / "datapackage.json"
    result = subprocess.run(
        [str(frictionless), "validate", "--json", str(descriptor)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=descriptor.parent,
    )
    report = json.loads(result.stdout)
    assert report["valid"], json.dumps(report["tasks"], indent=1)[:3000]


def test_the_ledger_tables_fit_the_screen_and_the_page(built_html):
    """The ledger's column widths are for print (the PDF test checks that nothing runs off the
    page); on screen the browser sizes the columns to their content, with no fixed widths."""
    import re

    assert ":widths:" in ledger.as_markdown(ledger.build())
    page = (built_html / "chapters" / "numbers.html").read_text(encoding="utf-8")
    tables = re.findall(r"<table.*?</table>", page, re.S)
    assert tables, "the ledger page has no table"
    fixed = [table[:200] for table in tables if "<colgroup" in table or "width:" in table]
    assert not fixed, f"{len(fixed)} ledger tables with fixed column widths on screen: {fixed[0]}"
