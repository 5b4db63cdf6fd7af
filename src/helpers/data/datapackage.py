"""``data/datapackage.json``: a Frictionless Data Package descriptor generated from the models.

The descriptor lists each table with its fields (types, constraints and descriptions taken from
the pandera models, so the two cannot drift), its licence, byte size and sha256. The loader
refuses a file whose sha256 differs from the one recorded here, so an edit to ``data/`` is always
deliberate: ``make datapackage`` (``python -m helpers.data.datapackage --update``) records new hashes.
``--check`` (used by the tests) fails if the descriptor is stale.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

from helpers.data import schemas
from helpers.data.errors import DataIssue, DataValidationError
from helpers.paths import data_dir, display_path

DESCRIPTOR = "datapackage.json"
FRICTIONLESS_TYPES = {"text": "string", "number": "number", "integer": "integer", "date": "date"}
PACKAGE_META = {
    "name": "ukraine-war-2024-sourced-figures",
    "title": "Sourced figures on the 2024 phase of Russia's war against Ukraine",
    "description": (
        "One row per figure as a source stated it, with unit, qualifier, period and source. "
        "Sources are the BibTeX entries of references.bib."
    ),
    "licenses": [
        {
            "name": "CC-BY-4.0",
            "path": "https://creativecommons.org/licenses/by/4.0/",
            "title": "Creative Commons Attribution 4.0, except where a resource states other terms (see LICENSE-data)",
        }
    ],
}

CC_BY = PACKAGE_META["licenses"][0]
DEEPSTATE_TERMS = {
    "name": "deepstatemap-educational-non-commercial",
    "path": "https://github.com/DanielRose2310/deepstatemaps-history",
    "title": "DeepStateMap archive terms: educational, non-commercial use, with attribution; not CC BY",
}
NO_LICENCE = {
    "name": "no-licence-granted",
    "path": "https://github.com/sdspieg/war-datasets-dashboard",
    "title": "No licence from the upstream authors; published only so readers can verify the book",
}
#: Each table's terms follow what it was made from (LICENSE-data explains them).
LICENCES = {
    "deepstate_areas": DEEPSTATE_TERMS,
    "deepstate_changes": DEEPSTATE_TERMS,
    "place_status": DEEPSTATE_TERMS,
    "gains_by_oblast": DEEPSTATE_TERMS,
    "map_layers": DEEPSTATE_TERMS,
    "isw_areas": NO_LICENCE,
}


def licence(table: str) -> dict:
    """The terms a table is published under (CC BY 4.0 unless what it was made from says otherwise)."""
    return LICENCES.get(table, CC_BY)


def _field(name: str, column, kind: str) -> dict:
    # a column may name its Table Schema type (geojson) where the parse kind (text) says too little
    declared = (column.metadata or {}).get("table_schema_type")
    field = {"name": name, "type": declared or FRICTIONLESS_TYPES[kind]}
    if column.description:
        field["description"] = column.description
    constraints: dict = {"required": not column.nullable}
    if column.unique:
        constraints["unique"] = True
    for check in column.checks:
        stats = check.statistics or {}
        if check.name == "isin":
            constraints["enum"] = list(stats["allowed_values"])
        elif check.name == "greater_than_or_equal_to":
            constraints["minimum"] = _json_value(stats["min_value"])
        elif check.name == "less_than_or_equal_to":
            constraints["maximum"] = _json_value(stats["max_value"])
        elif check.name == "str_matches" and not declared:  # a pattern applies to strings only
            pattern = getattr(stats["pattern"], "pattern", stats["pattern"])
            # Table Schema patterns match the whole value, with no anchors; ours are ^...$ already
            constraints["pattern"] = pattern.removeprefix("^").removesuffix("$")
    field["constraints"] = constraints
    return field


def _json_value(value):
    return value.date().isoformat() if hasattr(value, "date") else value


def table_schema(table: str) -> dict:
    model = schemas.model_for(table)
    kinds = schemas.field_kinds(model)
    columns = model.to_schema().columns
    fields = [_field(name, columns[name], kinds[name]) for name in kinds]
    key = schemas.PRIMARY_KEYS.get(table) or [next(name for name in kinds if columns[name].unique)]
    schema = {"fields": fields, "primaryKey": list(key)}
    # Table Schema references name one resource; a reference to one of several tables (a claim's
    # figure_id) is checked by helpers.data.validate and described in the field instead.
    foreign = [
        {"fields": fk.column, "reference": {"resource": fk.targets[0], "fields": fk.target_column}}
        for fk in schemas.FOREIGN_KEYS
        if fk.table == table and len(fk.targets) == 1
    ]
    if foreign:
        schema["foreignKeys"] = foreign
    return schema


def build(directory: Path | None = None) -> dict:
    directory = directory or data_dir()
    resources = []
    for table, (_, description) in schemas.TABLES.items():
        path = directory / f"{table}.csv"
        raw = path.read_bytes()
        resources.append(
            {
                "name": table,
                "path": path.name,
                "description": description,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "bytes": len(raw),
                "hash": f"sha256:{hashlib.sha256(raw).hexdigest()}",
                "licenses": [licence(table)],
                "schema": table_schema(table),
            }
        )
    resources.append(
        {
            "name": "references",
            "path": "references.bib",
            "description": "Bibliography: every source_key is a key here",
            "format": "bib",
            "mediatype": "application/x-bibtex",
            "encoding": "utf-8",
        }
    )
    return {**PACKAGE_META, "resources": resources}


def render(descriptor: dict) -> str:
    return json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n"


REGENERATE = "Run `make datapackage` to write it from the tables (and commit it), or restore it with git."


def read_descriptor(directory: Path | None = None) -> dict:
    """The recorded descriptor; one clear :class:`DataValidationError` if it is missing or broken."""
    path = (directory or data_dir()) / DESCRIPTOR
    shown = display_path(path)
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DataValidationError([DataIssue(shown, None, None, "file exists")], REGENERATE) from None
    except json.JSONDecodeError as error:
        issue = DataIssue(shown, error.lineno, None, "valid JSON", error.msg)
        raise DataValidationError([issue], REGENERATE) from None
    if not isinstance(descriptor, dict) or not isinstance(descriptor.get("resources"), list):
        raise DataValidationError([DataIssue(shown, None, "resources", "a list of resources")], REGENERATE)
    return descriptor


def recorded_hash(table: str, directory: Path | None = None) -> str | None:
    """The sha256 recorded for ``table`` in the descriptor, or None if it is not listed."""
    for resource in read_descriptor(directory)["resources"]:
        if isinstance(resource, dict) and resource.get("name") == table:
            return str(resource.get("hash", "")).removeprefix("sha256:") or None
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--update", action="store_true", help="rewrite the descriptor from the models and files")
    mode.add_argument("--check", action="store_true", help="fail if the descriptor is out of date")
    args = parser.parse_args(argv)
    path = data_dir() / DESCRIPTOR
    text = render(build())
    if args.update:
        path.write_text(text, encoding="utf-8")
        print(f"wrote {display_path(path)}")
        return 0
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        print(f"{display_path(path)} is out of date: run `make datapackage`", file=sys.stderr)
        return 1
    print(f"{display_path(path)} is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
