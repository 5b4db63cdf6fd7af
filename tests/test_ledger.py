"""The ledger: lineage of each glued number, nothing glued around it, and determinism."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest

from helpers.book import ledger
from helpers.book.glued_values import GLUE_MIME
from helpers.paths import PROJECT_ROOT


def notebook_with(cells: list[str], prose: str, values: dict[str, str]) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# A page\n\n" + prose)] + [nbformat.v4.new_code_cell(c) for c in cells]
    last = nb.cells[-1]
    last.outputs = [
        nbformat.v4.new_output("display_data", data={GLUE_MIME: repr(v)}, metadata={"scrapbook": {"name": k}})
        for k, v in values.items()
    ]
    return nb


def ledger_rows(nb: nbformat.NotebookNode, folder: Path) -> dict[str, dict]:
    """The ledger's rows for a notebook (written to ``folder``), by key."""
    path = folder / "page.ipynb"
    nbformat.write(nb, path)
    return {r["key"]: r for r in ledger.entries(path, "page")}


def test_lineage_follows_variables_back_to_loads_and_figures(tmp_path: Path):
    nb = notebook_with(
        [
            'territory = load("territory")\nchanges = load("deepstate_changes")',
            'a = figure(territory, "isw_russian_gain_2023")\nb = surge.deepstate_change(changes, "window_2023")',
            'ratio = b.gained / a.value\nglue_text("r", fmt_number(ratio, 1))\nglue_text("c", "5")',
        ],
        "A ratio of {eval}`glued.r` times, and {eval}`glued.c` km² more.",
        {"r": "1.6", "c": "5"},
    )
    rows = ledger_rows(nb, tmp_path)
    assert rows["r"]["tables"] == ["deepstate_changes", "territory"]
    assert rows["r"]["figure_ids"] == ["isw_russian_gain_2023"]
    assert rows["r"]["source_keys"] == ["bbc2024gains", "deepstatemap"]
    assert rows["r"]["unit"] == "ratio"
    assert rows["c"]["tables"] == [] and rows["c"]["unit"] == "km²"


def test_lineage_pairs_a_tuple_assignment_element_by_element(tmp_path: Path):
    # `a, b = load("x"), load("y")` gives a only x: the front page loads three tables in one
    # line, and its ISW figure was listed as computed from casualties and kursk too
    nb = notebook_with(
        [
            'territory, changes = load("territory"), load("deepstate_changes")',
            'a = figure(territory, "isw_russian_gain_2023")\nglue_figure("a", a)',
            '(b, c), d = (surge.deepstate_change(changes, "window_2023"), 1), 2\nglue_text("b", fmt_int(b.net))',
            'e, f = surge.pair(territory, changes)\nglue_text("e", fmt_int(e))',
        ],
        "{eval}`glued.a` km², {eval}`glued.b` km² and {eval}`glued.e`.",
        {"a": "about 1,000", "b": "500", "e": "2"},
    )
    rows = ledger_rows(nb, tmp_path)
    assert rows["a"]["tables"] == ["territory"]
    assert rows["a"]["source_keys"] == ["bbc2024gains"]
    assert rows["b"]["tables"] == ["deepstate_changes"]
    assert rows["b"]["source_keys"] == ["deepstatemap"]
    # a value that is not written out as a tuple: each name may depend on all of it
    assert rows["e"]["tables"] == ["deepstate_changes", "territory"]


def test_lineage_includes_tables_a_helper_loads_itself(tmp_path: Path):
    nb = notebook_with(
        [
            'audit = claims.audit(load("claims"), claims.default_context())',
            'n = (audit["verdict"] == "consistent").sum()\nglue_text("n", fmt_int(n))',
        ],
        "{eval}`glued.n` claims.",
        {"n": "6"},
    )
    path = tmp_path / "page.ipynb"
    nbformat.write(nb, path)
    (row,) = ledger.entries(path, "page")
    assert set(row["tables"]) == {
        "claims",
        "territory",
        "kursk",
        "casualties",
        "deepstate_areas",
        "deepstate_changes",
        "isw_areas",
        "mz_headline_totals",
        "mz_period_counts",
        "events",
        "place_status",
        "places",
        "gains_by_oblast",
    }


def test_a_helper_that_loads_a_table_it_did_not_declare_is_stopped():
    from helpers.data.load import UndeclaredRead, load, reads

    namespace = {"__name__": "helpers.analysis.example", "load": load, "reads": reads}
    exec(
        "def undeclared():\n    return load('events')\n\n"
        "@reads('territory')\ndef declared_other():\n    return load('events')\n\n"
        "@reads('events')\ndef declared():\n    return load('events')\n",
        namespace,
    )
    with pytest.raises(UndeclaredRead, match=r"helpers\.analysis\.example\.undeclared loads 'events'"):
        namespace["undeclared"]()
    with pytest.raises(UndeclaredRead):
        namespace["declared_other"]()
    assert len(namespace["declared"]()) > 0


def test_a_helper_that_reads_columns_of_a_table_it_did_not_declare_is_stopped():
    from helpers.data.load import UndeclaredRead, load_columns, reads

    namespace = {"__name__": "helpers.analysis.example", "load_columns": load_columns, "reads": reads}
    exec(
        "def undeclared():\n    return load_columns('places', ('place_id', 'name'))\n\n"
        "@reads('places')\ndef declared():\n    return load_columns('places', ('place_id', 'name'))\n",
        namespace,
    )
    with pytest.raises(UndeclaredRead, match=r"helpers\.analysis\.example\.undeclared loads 'places'"):
        namespace["undeclared"]()
    assert list(namespace["declared"]().columns) == ["place_id", "name"]


def test_a_glue_call_without_a_value_is_an_error(tmp_path: Path):
    nb = notebook_with(['glue_text("x", "1")'], "{eval}`glued.x`", {})
    path = tmp_path / "page.ipynb"
    nbformat.write(nb, path)
    with pytest.raises(ValueError, match="no glued value"):
        ledger.entries(path, "page")


@pytest.mark.parametrize("page", ledger.pages_for(PROJECT_ROOT))
def test_no_glued_value_bypasses_the_registry(page):
    """Every glued output comes from a glue_text call, and nothing calls myst-nb's glue directly."""
    notebook = nbformat.read(PROJECT_ROOT / f"{page}.ipynb", as_version=4)
    code = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
    assert not re.search(r"(?<![\w.])glue\(", code), f"{page}: call glue_text, not glue"
    glued = set(ledger.stored_values(notebook))
    registered = {row["key"] for row in ledger.entries(PROJECT_ROOT / f"{page}.ipynb", page)}
    assert glued == registered, f"{page}: glued outside the registry: {sorted(glued - registered)}"


def test_every_number_in_prose_is_in_the_ledger():
    rows = ledger.build()
    keys = {(r["page"], r["key"]) for r in rows}
    for page in ledger.pages_for(PROJECT_ROOT):
        notebook = nbformat.read(PROJECT_ROOT / f"{page}.ipynb", as_version=4)
        used = {m for c in notebook.cells if c.cell_type == "markdown" for m in ledger.PROSE_ROLE.findall(c.source)}
        assert {(page, k) for k in used} <= keys
    assert all(r["source_keys"] for r in rows if r["tables"] or r["figure_ids"])


@pytest.mark.parametrize("page", ledger.pages_for(PROJECT_ROOT))
def test_prose_shows_numbers_the_way_both_the_book_and_jupyterlab_render(page):
    """Only ``{eval}`glued.key```: JupyterLab would show a ``{glue:text}`` role's key, not its
    value, and the book evaluates nothing else; the page's kernel must have ``glued``."""
    notebook = nbformat.read(PROJECT_ROOT / f"{page}.ipynb", as_version=4)
    prose = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    assert not re.findall(r"\{glue[:}][^`]*`[^`]*`", prose), f"{page}: write {{eval}}`glued.key`"
    roles = re.findall(r"\{eval\}`[^`]*`", prose)
    assert [r for r in roles if not ledger.PROSE_ROLE.fullmatch(r)] == [], f"{page}: only glued.<key>"
    if roles:
        imports = [
            alias.name
            for c in notebook.cells
            if c.cell_type == "code"
            for node in ast.walk(ast.parse(c.source))
            if isinstance(node, ast.ImportFrom) and node.module == "helpers.present.text"
            for alias in node.names
        ]
        assert "glued" in imports, f"{page}: import glued from helpers.present.text for JupyterLab"


def test_a_computed_glue_key_is_refused(tmp_path: Path):
    nb = notebook_with(['for k in "ab":\n    glue_text("n_" + k, "1")'], "", {"n_a": "1", "n_b": "1"})
    path = tmp_path / "page.ipynb"
    nbformat.write(nb, path)
    with pytest.raises(ValueError, match="literal key"):
        ledger.entries(path, "page")


def test_units_survive_line_breaks_qualifiers_and_ranges():
    from helpers.book.ledger import _unit

    assert _unit("15.2", ["  km² a\n  day, against"]) == "km² per day"
    assert _unit("about 2,700", [" km² in 2024"]) == "km²"
    assert _unit("more than 37%", [" of the year"]) == "percent"
    assert _unit("1,253", [" and ", " km² with the grey zone"]) == "km²"
    assert _unit("20 November 2024", [""]) == "date"
    assert _unit("3.5", [" times 2023"]) == "ratio"
    assert _unit("5.0", [" km from the Russian-held area"]) == "km"
    assert _unit("2", ["\n  days later"]) == "days"


def test_a_counted_noun_is_the_unit_of_its_count():
    from helpers.book.ledger import _unit

    assert _unit("two days", [" later"]) == "days"
    assert _unit("one day", [" after"]) == "days"
    assert _unit("five dates", [", each"]) == "dates"
    assert _unit("four decimal places", ["."]) == "decimal places"
    assert _unit("14 days", [", the time"]) == "days"
    assert _unit("10 km", [" of it"]) == "km" and _unit("1,000 m", [")"]) == "m"


def test_a_value_without_a_unit_is_a_number_or_a_text():
    from helpers.book.ledger import _unit

    assert _unit("\u2212185", [" for Russia"]) == "number"  # the minus sign the book writes
    assert _unit("about 5.8", ["; on DeepStateMap"]) == "number"
    assert _unit("consistent", [")"]) == "text" and _unit("October 2024", [", at"]) == "text"


@pytest.mark.parametrize(
    "shown, number, qualifier",
    [
        ("about 2,700", 2700, "about"),
        ("more than 1,000", 1000, "more than"),
        ("5.8", 5.8, ""),
        ("\u2212185", -185, ""),
        ("nearly 37%", 37, "nearly"),
        ("41.9%", 41.9, ""),
        ("four dates", 4, ""),
        ("no paragraphs", 0, ""),
        ("14 days", 14, ""),
        ("10 km", 10, ""),
        ("20 November 2024", None, ""),
        ("a net loss of 185 km²", None, ""),
        ("consistent", None, ""),
    ],
)
def test_a_shown_value_is_also_given_as_a_number_with_its_qualifier(shown, number, qualifier):
    """numbers.json keeps each value as a number a program can use, whatever words the prose
    set it in ('four dates', 'about 2,700'), and the qualifier apart from it."""
    from helpers.book.ledger import _number

    found, hedge = _number(shown)
    assert (found, hedge) == (number, qualifier) and type(found) is type(number)


def test_each_ledger_table_has_a_caption_naming_its_chapter():
    # uncaptioned, the PDF numbered them "Table 8.x" with nothing beside the number
    rows = ledger.build()
    markdown = ledger.as_markdown(rows)
    directives = re.findall(r"^```\{table\}(.*)$", markdown, re.M)
    chapters = list(dict.fromkeys(row["chapter"] for row in rows))
    assert len(directives) == len(chapters)
    for caption, chapter in zip(directives, chapters, strict=True):
        assert chapter in caption


def test_one_claims_verdict_is_traced_to_that_claims_check(tmp_path: Path):
    # the ledger listed every table the audit reads, and eleven sources (the US Code among them),
    # behind the verdict on the reported Kursk peak, which rests on one figure and the map
    from helpers.data.load import load

    nb = notebook_with(
        [
            'audit = claims.audit(load("claims"), claims.default_context())',
            'glue_text("peak", claims.verdict_of(audit, "kursk_ua_peak"))\n'
            'glue_text("start", claims.verdict_of(audit, "kursk_start_august_2023", "verdict then"))\n'
            'glue_text("event", claims.verdict_of(audit, "negotiation_trump_january"))\n'
            'n = (audit["verdict"] == "consistent").sum()\nglue_text("n", fmt_int(n))',
        ],
        "{eval}`glued.peak`, {eval}`glued.start`, {eval}`glued.event` and {eval}`glued.n` claims.",
        {"peak": "depends on definition", "start": "contradicted", "event": "consistent", "n": "6"},
    )
    rows = ledger_rows(nb, tmp_path)
    assert rows["peak"]["tables"] == ["claims", "deepstate_areas", "kursk"]
    assert rows["peak"]["figure_ids"] == ["kursk_ua_peak_area_2024"]
    assert rows["peak"]["source_keys"] == ["deepstatemap", "nenka2024kursk"]
    assert rows["start"]["tables"] == ["claims", "deepstate_areas"]
    assert rows["start"]["figure_ids"] == []
    assert rows["start"]["source_keys"] == ["bbc2024gains", "deepstatemap"]
    # an event's verdict: the claim's source and the source of that event, not of every event
    events = load("events").set_index("event_id")
    assert rows["event"]["tables"] == ["claims", "events"]
    assert rows["event"]["source_keys"] == sorted({"bbc2024gains", events.at["us_inauguration_2025", "source_key"]})
    # a count over every claim still depends on every table the audit reads
    assert len(rows["n"]["tables"]) == 13 and "uscode3" in rows["n"]["source_keys"]


def test_the_article_date_is_traced_to_the_article_not_to_every_event(tmp_path: Path):
    # "20 November 2024", the article's date, was listed with the sources of every event in
    # data/events.csv (the US Code, an AP report on mines ...), where one row of it dates the article
    from helpers.data.load import load

    nb = notebook_with(
        [
            'cut = hindsight.article_date()\nevents = load("events")',
            'glue_text("cut", fmt_date(cut))\nglue_text("n", fmt_int(len(events.loc[events["date"] > cut])))',
            'start = event_date(events, "kursk_incursion_start")\nglue_text("start", fmt_date(start))',
        ],
        "On {eval}`glued.cut`, {eval}`glued.n` events were still to come; {eval}`glued.start`.",
        {"cut": "20 November 2024", "n": "2", "start": "6 August 2024"},
    )
    rows = ledger_rows(nb, tmp_path)
    events = load("events").set_index("event_id")
    assert rows["cut"]["tables"] == ["events"]
    assert rows["cut"]["source_keys"] == [events.at["bbc_article_published", "source_key"]]
    assert rows["n"]["source_keys"] == sorted(set(events["source_key"]))  # every event: every source
    assert rows["start"]["tables"] == ["events"]  # one event, named: its source
    assert rows["start"]["source_keys"] == [events.at["kursk_incursion_start", "source_key"]]
