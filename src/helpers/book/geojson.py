"""The maps' polygons as one GeoJSON file in the published data, for GIS tools.

``data/map_layers.csv`` is the committed, validated table (one GeoJSON geometry per row, typed
``geojson`` in the data package). A researcher who wants to open the polygons in QGIS or a web
map needs a FeatureCollection; the build writes it into the release's ``data/`` folder (and the
data zip) from the snapshot of the data it validated and built from, so the two can never
disagree and nothing is committed twice.

Written with the standard library alone, each property typed as the data package declares its
field: the build has validated the table already (step 2 of ``helpers.book.build``), and
importing pandas and the data contract again for this cost every build about a second of its
start-up.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

TABLE = "map_layers"
FILE_NAME = f"{TABLE}.geojson"


def _field_types(directory: Path) -> dict[str, str]:
    """The table's field types (``string``, ``date``, ``number``, ...) as ``datapackage.json`` declares them."""
    package = json.loads((directory / "datapackage.json").read_text(encoding="utf-8"))
    resource = next(r for r in package["resources"] if r["name"] == TABLE)
    return {field["name"]: field["type"] for field in resource["schema"]["fields"]}


def _property(text: str, kind: str):
    """A cell as a GeoJSON property: empty is null, numbers are numbers, dates stay ISO dates."""
    if text == "":
        return None
    if kind == "integer":
        return int(text)
    if kind == "number":
        return float(text)
    return text


def feature_collection(rows: list[dict[str, str]], types: dict[str, str]) -> dict:
    """One feature per row: the row's geometry, and its other columns as properties."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": row["layer_id"],
                "properties": {c: _property(v, types[c]) for c, v in row.items() if c != "geometry"},
                "geometry": json.loads(row["geometry"]),
            }
            for row in rows
        ],
    }


def write(directory: Path) -> Path:
    """Write ``map_layers.geojson`` beside the validated table in ``directory``; return its path."""
    directory = Path(directory)
    with open(directory / f"{TABLE}.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    collection = feature_collection(rows, _field_types(directory))
    target = directory / FILE_NAME
    target.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    return target
