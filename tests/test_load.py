"""The committed tables load with proper dtypes, and the loader's parsing rules hold."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from corruptions import set_cell
from helpers.data import bibliography, schemas
from helpers.data.errors import DataIssue, DataValidationError
from helpers.data.load import load


@pytest.mark.parametrize("table", list(schemas.TABLES))
def test_committed_table_loads_with_typed_columns(table):
    frame = load(table)
    assert len(frame) > 0
    kinds = schemas.field_kinds(schemas.model_for(table))
    for column, kind in kinds.items():
        dtype = frame[column].dtype
        if kind == "date":
            assert pd.api.types.is_datetime64_dtype(dtype), column
        elif kind == "number":
            assert dtype == "float64", column
        elif kind == "integer":
            assert str(dtype) == "Int64", column
        else:
            assert pd.api.types.is_string_dtype(dtype), column
    assert list(frame.columns) == list(kinds)
    assert frame.attrs["source_file"] == f"data/{table}.csv"


def test_dates_are_dates_and_empty_periods_are_missing():
    kursk = load("kursk")
    row = kursk.set_index("figure_id").loc["kursk_ua_area_nov_2024"]
    assert row["as_of"] == pd.Timestamp("2024-11-23")
    assert pd.isna(row["period_start"]) and pd.isna(row["period_end"])


def test_every_source_key_is_in_the_bibliography():
    keys = bibliography.keys()
    for table in schemas.TABLES:
        assert set(load(table)["source_key"]) <= keys


def test_every_bibliography_entry_is_used():
    used = set().union(*(set(load(t)["source_key"]) for t in schemas.TABLES))
    assert bibliography.keys() - used == set()


def test_the_sources_table_shows_bibtex_fields_as_text():
    """A title's LaTeX (``\\S~1``, ``40\\%``, ``--``) reads as the bibliography prints it, not as
    markup."""
    sources = bibliography.sources_table().set_index("source_key")
    assert sources.loc["uscode3", "title"] == "3 U.S.C. \u00a7\u00a01: Time of appointing electors"
    assert sources.loc["nenka2024kursk", "title"].startswith("Ukraine has lost 40% of its")
    shown = sources.drop(columns="url").to_numpy().ravel()
    assert not [cell for cell in shown if any(mark in cell for mark in ("\\", "{", "}", "~", "--"))]


def test_the_sources_table_does_not_scan_the_installed_packages_per_field(entry_point_scans):
    """pybtex looks a backend up by scanning every installed package's entry points (tens of
    milliseconds each here): the sources table, read by Data and methods, took 0.46 s doing so
    for every field it rendered as text (157 scans for 19 sources)."""
    sources = bibliography.sources_table()
    scans = sum(entry_point_scans.values())
    assert len(sources) > 1 and sources["producer"].str.len().gt(0).all()
    assert scans <= 1, f"{scans} scans of the installed packages for {len(sources)} sources"


def test_unknown_table_is_named():
    with pytest.raises(KeyError, match="known tables"):
        load("no_such_table")


def test_missing_file_is_an_error(data_copy):
    (data_copy / "events.csv").unlink()
    with pytest.raises(DataValidationError, match=r"events\.csv: rule 'file exists'"):
        load("events", data_copy)


def test_issue_text_names_every_part():
    issue = DataIssue("data/x.csv", 4, "value", ">= 0", "-1")
    assert str(issue) == "data/x.csv, line 4, column 'value': rule '>= 0' failed (value '-1')"


@pytest.mark.parametrize(
    "table, column, readable",
    [
        ("territory", "value", ">= 0"),
        ("territory", "as_of", ">= 2014-01-01"),
        ("territory", "unit", "one of km2, people"),
        ("claims", "source_key", "source_key in references.bib"),
        ("claims", "claim_id", "an identifier: lowercase letters, digits and _"),
    ],
)
def test_rules_read_as_declared(table, column, readable):
    checks = schemas.model_for(table).to_schema().columns[column].checks
    assert any(schemas.describe(check).startswith(readable) for check in checks)


def test_line_numbers_count_physical_lines_in_multiline_cells(data_copy):
    """A note spanning two lines moves later rows down; errors must point at the real line."""
    path = data_copy / "events.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    rows[1][rows[0].index("note")] = "Spans\ntwo lines, with a comma"
    rows[2][rows[0].index("date")] = "2024-13-17"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    with pytest.raises(DataValidationError) as caught:
        load("events", data_copy, verify_hash=False)
    assert [(i.line, i.column) for i in caught.value.issues] == [(4, "date")]


def test_a_table_loaded_again_is_an_equal_copy_of_its_own(data_copy):
    """A page's helpers each load the tables they need: a caller that changes its frame changes
    nobody else's."""
    first = load("events", data_copy)
    original = first.loc[0, "note"]
    first.loc[0, "note"] = "changed by a caller"
    again = load("events", data_copy)
    assert again.loc[0, "note"] == original
    pd.testing.assert_frame_equal(again, load("events", data_copy))
    assert again.attrs == first.attrs and again.attrs["lines"] is not first.attrs["lines"]


def test_loading_a_table_again_does_not_validate_the_same_bytes_again(data_copy, monkeypatch):
    from helpers.data import load as load_module

    load("events", data_copy)
    validations = []
    real = load_module._validate
    monkeypatch.setattr(
        load_module, "_validate", lambda *args, **kwargs: validations.append(1) or real(*args, **kwargs)
    )
    load("events", data_copy)
    assert validations == []
    bib = data_copy / "references.bib"
    bib.write_text(bib.read_text(encoding="utf-8") + "\n@misc{unused_extra, title = {Extra}}\n", encoding="utf-8")
    load("events", data_copy, verify_hash=False)  # other bibliography keys: validated again
    assert validations == [1]


def test_a_table_edited_after_it_was_loaded_is_checked_again(data_copy):
    load("events", data_copy)
    set_cell("events", 3, "date", "2024-13-17")(data_copy)
    with pytest.raises(DataValidationError) as caught:
        load("events", data_copy, verify_hash=False)
    assert [(i.column, i.rule) for i in caught.value.issues] == [("date", "ISO calendar date YYYY-MM-DD")]
    with pytest.raises(DataValidationError, match="sha256 matches"):
        load("events", data_copy)


def test_a_table_loaded_again_under_another_model_is_validated_again(data_copy, monkeypatch):
    from helpers.data.pandera_import import pa

    load("territory", data_copy)

    class Stricter(schemas.model_for("territory")):
        value: float = pa.Field(le=10)

    monkeypatch.setattr(schemas, "model_for", lambda table: Stricter)
    with pytest.raises(DataValidationError, match="<= 10"):
        load("territory", data_copy)
