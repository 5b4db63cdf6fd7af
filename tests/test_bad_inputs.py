"""Every kind of corruption stops ``helpers.data.load`` (and the build) with a located message."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from corruptions import CORRUPTIONS, Corruption, set_cell
from helpers.data import validate
from helpers.data.errors import DataValidationError
from helpers.data.load import load
from helpers.paths import PROJECT_ROOT
from tests.building.bookrun import make_book_on

IDS = [c.name for c in CORRUPTIONS]


def located_issue(c: Corruption, error: DataValidationError):
    """The issue that names the corruption's file, line, column and rule, or None."""
    for issue in error.issues:
        if (
            issue.file.endswith(f"{c.table}.csv")
            and issue.line == c.line
            and (c.column is None or c.column in (issue.column or "").split(", "))
            and c.rule in issue.rule
        ):
            return issue
    return None


def expected_line(c: Corruption, directory: Path) -> str:
    """The message line a person reads: file, line, column, rule and value."""
    with pytest.raises(DataValidationError) as caught:
        load(c.table, directory)
    issue = located_issue(c, caught.value)
    assert issue is not None, f"no issue at line {c.line}, column {c.column}:\n{caught.value}"
    text = str(issue)
    assert str(directory / f"{c.table}.csv") in text and c.rule in text
    if c.line is not None:
        assert f"line {c.line}, column '" in text and c.column in text
    return text


def test_there_are_at_least_fifteen_kinds():
    assert len(CORRUPTIONS) >= 15
    assert len(set(IDS)) == len(IDS)


@pytest.mark.parametrize("corruption", CORRUPTIONS, ids=IDS)
def test_load_names_file_line_column_and_rule(corruption: Corruption, data_copy: Path):
    load(corruption.table, data_copy)  # the untouched copy loads
    corruption.apply(data_copy)
    line = expected_line(corruption, data_copy)
    with pytest.raises(DataValidationError) as caught:
        load(corruption.table, data_copy)
    assert line in str(caught.value)


def test_tampered_file_says_how_to_record_an_intended_change(data_copy: Path):
    tampered = next(c for c in CORRUPTIONS if c.name == "tampered_file")
    tampered.apply(data_copy)
    with pytest.raises(DataValidationError) as caught:
        load("territory", data_copy)
    assert [i.rule for i in caught.value.issues] == ["sha256 matches data/datapackage.json"]
    assert "make datapackage" in str(caught.value)


def test_all_problems_in_a_file_are_reported_at_once(data_copy: Path):
    for name in ("thousands_separator", "negative_area", "unknown_unit", "reversed_period"):
        next(c for c in CORRUPTIONS if c.name == name).apply(data_copy)
    with pytest.raises(DataValidationError) as caught:
        load("territory", data_copy)
    located = {(i.line, i.column.split(",")[0]) for i in caught.value.issues if i.line}
    assert {(2, "value"), (3, "value"), (4, "unit"), (5, "period_start")} <= located


def test_no_silent_coercion_of_a_formatted_number(data_copy: Path):
    next(c for c in CORRUPTIONS if c.name == "thousands_separator").apply(data_copy)
    with pytest.raises(DataValidationError, match=r"value '2,700'"):
        load("territory", data_copy)


@pytest.mark.parametrize("corruption", CORRUPTIONS, ids=IDS)
def test_validation_stops_with_the_message(corruption: Corruption, data_copy: Path):
    """What `make book` runs first (helpers.data.validate.check) reports every corruption."""
    corruption.apply(data_copy)
    line = expected_line(corruption, data_copy)
    assert any(line in failure for failure in validate.check(data_copy))


#: One corruption of each kind of rule, through the real `make book` entry point.
THROUGH_MAKE_BOOK = ["thousands_separator", "negative_area", "percent_over_100", "tampered_file", "missing_column"]


@pytest.mark.parametrize("name", THROUGH_MAKE_BOOK)
def test_make_book_stops_with_the_message(name: str, data_copy: Path):
    """The real `make book` entry point, pointed at the corrupted copy, fails before building."""
    corruption = next(c for c in CORRUPTIONS if c.name == name)
    corruption.apply(data_copy)
    line = expected_line(corruption, data_copy)
    result = make_book_on(data_copy)
    assert result.returncode != 0
    assert "The book was not built" in result.stderr and "nothing published" in result.stderr
    assert line in result.stderr


@pytest.mark.skipif(os.environ.get("BOOK_NESTED_TEST") == "1", reason="already inside a nested make test")
def test_make_test_stops_on_bad_data(data_copy: Path):
    next(c for c in CORRUPTIONS if c.name == "negative_area").apply(data_copy)
    result = subprocess.run(
        ["make", "--no-print-directory", "test"],
        cwd=PROJECT_ROOT,
        env={**os.environ, "BOOK_DATA_DIR": str(data_copy), "BOOK_NESTED_TEST": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0
    assert "line 3, column 'value': rule '>= 0' failed" in result.stderr


def test_unknown_source_key_in_events_is_named(data_copy: Path):
    """The bibliography rule holds for every model that inherits it, not just the first."""
    set_cell("events", 4, "source_key", "nobody2024")(data_copy)
    with pytest.raises(DataValidationError, match=r"line 4, column 'source_key': rule 'source_key in references.bib'"):
        load("events", data_copy)
