"""The maps' polygons as one GeoJSON file in the published data, for GIS tools.

``data/map_layers.csv`` is the committed, validated table (one GeoJSON geometry per row, typed
``geojson`` in the data package). A researcher who wants to open the polygons in QGIS or a web
map needs a FeatureCollection; the build writes it into the release's ``data/`` folder (and the
data zip) from the validated table it built from, so the two can never disagree and nothing is
committed twice.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from helpers.data.load import load

TABLE = "map_layers"
FILE_NAME = f"{TABLE}.geojson"


def _property(value):
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return None
    return value.item() if hasattr(value, "item") else value


def feature_collection(layers: pd.DataFrame) -> dict:
    """One feature per row: the row's geometry, and its other columns as properties."""
    columns = [c for c in layers.columns if c != "geometry"]
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": row["layer_id"],
                "properties": {c: _property(row[c]) for c in columns},
                "geometry": json.loads(row["geometry"]),
            }
            for _, row in layers.iterrows()
        ],
    }


def write(directory: Path) -> Path:
    """Write ``map_layers.geojson`` beside the validated table in ``directory``; return its path."""
    target = Path(directory) / FILE_NAME
    text = json.dumps(feature_collection(load(TABLE, directory)), ensure_ascii=False, separators=(",", ":"))
    target.write_text(text + "\n", encoding="utf-8")
    return target
