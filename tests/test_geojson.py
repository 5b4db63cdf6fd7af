"""The published map_layers.geojson is the validated table, feature for row."""

from __future__ import annotations

import json
import shutil

from helpers.book import geojson
from helpers.data.load import load
from helpers.paths import data_dir


def test_one_feature_per_row_with_the_row_as_properties(tmp_path):
    shutil.copytree(data_dir(), tmp_path / "data")
    path = geojson.write(tmp_path / "data")
    collection = json.loads(path.read_text(encoding="utf-8"))
    layers = load("map_layers")
    assert collection["type"] == "FeatureCollection"
    assert [f["id"] for f in collection["features"]] == list(layers["layer_id"])
    first, row = collection["features"][0], layers.iloc[0]
    assert first["geometry"] == json.loads(row["geometry"])
    assert set(first["properties"]) == set(layers.columns) - {"geometry"}
    assert first["properties"]["end_date"] == row["end_date"].strftime("%Y-%m-%d")
    assert first["properties"]["area_km2"] == row["area_km2"]
    regions = [f for f in collection["features"] if f["properties"]["layer"] == "region"]
    assert regions and all(f["properties"]["upstream_commit"] is None for f in regions)
