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
            "title": "Creative Commons Attribution 4.0 (this compilation; each figure belongs to its source)",
        }
    ],
}


def _field(name: str, column, kind: str) -> dict:
    field = {"name": name, "type": FRICTIONLESS_TYPES[kind]}
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
        elif check.name == "str_matches":
            constraints["pattern"] = (
                stats["pattern"].pattern if hasattr(stats["pattern"], "pattern") else stats["pattern"]
            )
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
    return {"fields": fields, "primaryKey": list(key)}


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


def recorded_hash(table: str, directory: Path | None = None) -> str | None:
    """The sha256 recorded for ``table`` in the descriptor, or None if it is not listed."""
    path = (directory or data_dir()) / DESCRIPTOR
    if not path.exists():
        return None
    for resource in json.loads(path.read_text(encoding="utf-8"))["resources"]:
        if resource["name"] == table:
            return resource.get("hash", "").removeprefix("sha256:") or None
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
