"""The data contract beyond single cells: references between tables, whole files, rule texts,
licences and a data package valid by the standard it claims (Frictionless)."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from corruptions import WHOLE_DATA_CORRUPTIONS, Corruption
from helpers.data import datapackage, schemas, validate
from helpers.data.errors import DataValidationError
from helpers.data.load import load
from helpers.paths import PROJECT_ROOT
from tests.building.bookrun import make_book_on

IDS = [c.name for c in WHOLE_DATA_CORRUPTIONS]
FRICTIONLESS = Path(sys.executable).with_name("frictionless")


def corrupt(corruption: Corruption, directory: Path) -> None:
    """Apply the corruption and record the new hashes, as an intended (but wrong) edit would."""
    corruption.apply(directory)
    if "." not in corruption.table:  # a table was edited (not the bibliography or the descriptor)
        (directory / "datapackage.json").write_text(datapackage.render(datapackage.build(directory)), encoding="utf-8")


@pytest.mark.parametrize("corruption", WHOLE_DATA_CORRUPTIONS, ids=IDS)
def test_whole_data_problems_are_named_with_file_line_and_rule(corruption: Corruption, data_copy: Path):
    assert validate.check(data_copy) == []  # the untouched copy is valid
    corrupt(corruption, data_copy)
    failures = validate.check(data_copy)
    assert len(failures) == 1, failures  # one clear message, not one per table
    message = failures[0]
    name = corruption.table if "." in corruption.table else f"{corruption.table}.csv"
    assert str(data_copy / name) in message and corruption.rule in message, message
    if corruption.line is not None:
        assert f"line {corruption.line}" in message, message
    if corruption.column is not None:
        assert f"column '{corruption.column}'" in message, message


def test_a_dangling_reference_names_the_missing_key(data_copy: Path):
    corrupt(WHOLE_DATA_CORRUPTIONS[0], data_copy)
    (message,) = validate.check(data_copy)
    assert "(value 'no_such_event')" in message and "data/events.csv" in message


def test_make_book_stops_on_a_dangling_reference(data_copy: Path):
    corrupt(WHOLE_DATA_CORRUPTIONS[1], data_copy)
    result = make_book_on(data_copy)
    assert result.returncode != 0
    assert "column 'figure_id'" in result.stderr and "no_such_figure" in result.stderr
    assert "nothing published" in result.stderr


@pytest.mark.parametrize("table", list(schemas.TABLES))
def test_no_table_may_be_empty(table: str, data_copy: Path):
    assert schemas.MAY_BE_EMPTY[table] is False
    path = data_copy / f"{table}.csv"
    path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match="at least one row"):
        load(table, data_copy, verify_hash=False)


def test_every_rule_has_its_own_description():
    for table, (model, _) in schemas.TABLES.items():
        schema = model.to_schema()
        for column, spec in schema.columns.items():
            for check in spec.checks:
                text = schemas.describe(check)
                assert "(" not in text or check.name not in text, (table, column, text)
                if check.name not in (
                    "greater_than_or_equal_to",
                    "less_than_or_equal_to",
                    "isin",
                    "str_matches",
                    "str_length",
                ):
                    assert check.error, f"{table}.{column}: a check of ours needs error= with its description"
        for check in schema.checks:
            assert schemas.describe(check)


def test_patterns_match_whole_values():
    for pattern in schemas.PATTERNS:
        assert pattern.startswith("^") and pattern.endswith("$"), pattern


def test_licences_follow_each_source():
    descriptor = json.loads((PROJECT_ROOT / "data" / "datapackage.json").read_text(encoding="utf-8"))
    licences = {r["name"]: r.get("licenses", [{}])[0].get("name") for r in descriptor["resources"]}
    assert licences["deepstate_areas"] == licences["deepstate_changes"] == "deepstatemap-educational-non-commercial"
    assert licences["isw_areas"] == "no-licence-granted"
    assert licences["territory"] == licences["mz_monthly"] == "CC-BY-4.0"


def frictionless_validate(descriptor: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(FRICTIONLESS), "validate", "--json", str(descriptor)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=descriptor.parent,
    )


def test_the_committed_data_package_is_valid_frictionless():
    result = frictionless_validate(PROJECT_ROOT / "data" / "datapackage.json")
    report = json.loads(result.stdout)
    assert report["valid"], json.dumps(report["tasks"], indent=1)[:3000]


def test_frictionless_catches_what_the_package_declares(data_copy: Path):
    """The exported constraints are real: a bad pattern value and a dangling foreign key fail."""
    bad = data_copy / "deepstate_changes.csv"
    text = bad.read_text(encoding="utf-8")
    bad.write_text(
        text.replace("https://github.com/DanielRose2310", "http://github.com/DanielRose2310", 1), encoding="utf-8"
    )
    (data_copy / "datapackage.json").write_text(datapackage.render(datapackage.build(data_copy)), encoding="utf-8")
    report = json.loads(frictionless_validate(data_copy / "datapackage.json").stdout)
    assert not report["valid"]


def test_map_geometry_is_a_geojson_field_that_frictionless_checks(data_copy: Path):
    """The maps' geometry column is Table Schema's ``geojson`` type, so any Table Schema
    validator checks each cell as GeoJSON; a cell that is not GeoJSON fails."""
    descriptor = json.loads((data_copy / "datapackage.json").read_text(encoding="utf-8"))
    fields = next(r for r in descriptor["resources"] if r["name"] == "map_layers")["schema"]["fields"]
    assert next(f for f in fields if f["name"] == "geometry")["type"] == "geojson"
    path = data_copy / "map_layers.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[1][rows[0].index("geometry")] = '{"type":"Polygon","coordinates":"nowhere"}'
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    (data_copy / "datapackage.json").write_text(datapackage.render(datapackage.build(data_copy)), encoding="utf-8")
    report = json.loads(frictionless_validate(data_copy / "datapackage.json").stdout)
    errors = [e for task in report["tasks"] for e in task["errors"]]
    assert [(e["type"], e["fieldName"], e["rowNumber"]) for e in errors] == [("type-error", "geometry", 2)]
