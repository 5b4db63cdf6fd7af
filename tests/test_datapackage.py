"""data/datapackage.json is current, complete and generated from the models."""

from __future__ import annotations

import csv
import json

from helpers.data import datapackage, schemas
from helpers.paths import PROJECT_ROOT
from helpers.present import docs

DESCRIPTOR = PROJECT_ROOT / "data" / "datapackage.json"


def test_descriptor_is_up_to_date():
    assert datapackage.main(["--check"]) == 0, "run `make datapackage`"


def test_descriptor_lists_every_table_with_hash_and_licence():
    descriptor = json.loads(DESCRIPTOR.read_text(encoding="utf-8"))
    assert descriptor["licenses"]
    resources = {r["name"]: r for r in descriptor["resources"]}
    assert set(schemas.TABLES) <= set(resources)
    for table in schemas.TABLES:
        assert resources[table]["hash"].startswith("sha256:")
        assert len(resources[table]["hash"]) == len("sha256:") + 64


def test_descriptor_fields_match_the_csv_headers():
    descriptor = json.loads(DESCRIPTOR.read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        if resource["name"] not in schemas.TABLES:
            continue
        with open(PROJECT_ROOT / "data" / resource["path"], encoding="utf-8", newline="") as handle:
            header = next(csv.reader(handle))
        assert [f["name"] for f in resource["schema"]["fields"]] == header


def test_descriptor_carries_model_constraints():
    fields = {f["name"]: f for f in datapackage.table_schema("territory")["fields"]}
    assert fields["unit"]["constraints"]["enum"] == list(schemas.UNITS)
    assert fields["value"]["constraints"]["minimum"] == 0
    assert fields["figure_id"]["constraints"]["unique"] is True
    assert fields["period_start"]["constraints"]["required"] is False
    assert fields["as_of"]["type"] == "date"


def test_check_fails_on_a_stale_descriptor(monkeypatch, data_copy):
    (data_copy / "territory.csv").write_text(
        (data_copy / "territory.csv").read_text(encoding="utf-8").replace(",465,", ",466,"), encoding="utf-8"
    )
    monkeypatch.setenv("BOOK_DATA_DIR", str(data_copy))
    assert datapackage.main(["--check"]) == 1
    assert datapackage.main(["--update"]) == 0
    assert datapackage.main(["--check"]) == 0


def test_schema_docs_are_generated_from_the_models():
    schema = docs.schema_table(schemas.SourcedFigure).set_index("column")
    assert list(schema.index) == list(schemas.field_kinds(schemas.SourcedFigure))
    assert "one of km2" in schema.loc["unit", "rules"]
    assert schema.loc["period_start", "required"] == "no"
    assert "period_start <= period_end" in docs.row_rules(schemas.SourcedFigure)


def test_row_rules_show_column_names_as_code_and_the_rest_as_words():
    # a whole rule as code was hyphenated as code in the PDF ("ev-ery") and broke its names
    assert docs.row_rules_markdown(schemas.RawInput) == (
        "- `snapshot_date`, `snapshot_time_kyiv` and `wanted_date` set for every DeepState snapshot"
    )
    assert "- `value` <= 100 where `unit` is percent" in docs.row_rules_markdown(schemas.SourcedFigure).splitlines()
