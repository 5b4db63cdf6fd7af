"""`make derive`: inputs verified against their manifests, outputs reproducible and valid."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from pathlib import Path

import pytest

from helpers.data import schemas
from helpers.data.load import load
from helpers.derive import pipeline
from helpers.paths import PROJECT_ROOT

SHARED = PROJECT_ROOT.parent / "shared" / "data"
HAVE_SHARED = (SHARED / "deepstate" / "manifest.csv").exists() and (
    SHARED / "isw_derived" / "daily_areas.json"
).exists()


@pytest.mark.skipif(not HAVE_SHARED, reason="../shared/data not present")
def test_recomputed_tables_equal_the_committed_ones(tmp_path: Path):
    texts = pipeline.derive(SHARED, tmp_path)
    for table in pipeline.DERIVED_TABLES:
        committed = (PROJECT_ROOT / "data" / f"{table}.csv").read_text(encoding="utf-8")
        assert texts[table] == committed, f"data/{table}.csv differs from a fresh `make derive`"


@pytest.mark.parametrize("table", pipeline.DERIVED_TABLES)
def test_committed_derived_tables_pass_their_schemas(table):
    frame = load(table)
    assert len(frame) > 0
    assert set(frame["source_key"]) <= {
        "deepstatemap",
        "sdspieg2026dashboard",
        "mediazona",
        "ukrainegeneralstaff",
        "bbc2024gains",
    }


def test_every_change_row_has_both_definitions():
    changes = load("deepstate_changes")
    per_period = changes.groupby(["kind", "label"])["definition"].apply(set)
    assert all(definitions == set(schemas.CHANGE_DEFINITIONS) for definitions in per_period)


def write_manifest(directory: Path, rows: list[dict]) -> None:
    with open(directory / "manifest.csv", "w", encoding="utf-8", newline="") as handle:
        fields = [
            "wanted_date",
            "snapshot_date_kyiv",
            "snapshot_time_kyiv",
            "unix_ts",
            "file",
            "bytes",
            "sha256",
            "upstream_url",
        ]
        writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def tiny_snapshot(directory: Path, name: str) -> dict:
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"fill": "#a52714", "name": "Occupied"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[37.0, 48.0], [37.1, 48.0], [37.1, 48.1], [37.0, 48.0]]],
                },
            }
        ],
    }
    raw = json.dumps(collection).encode()
    (directory / name).write_bytes(raw)
    return {
        "wanted_date": "2024-11-17",
        "snapshot_date_kyiv": "2024-11-17",
        "snapshot_time_kyiv": "2024-11-17T23:32+02:00",
        "unix_ts": "1731879138",
        "file": name,
        "bytes": str(len(raw)),
        "sha256": hashlib.sha256(raw).hexdigest(),
        "upstream_url": (directory / name).as_uri(),
    }


def test_a_file_that_differs_from_its_manifest_is_refused(tmp_path: Path):
    row = tiny_snapshot(tmp_path, "1731879138.geojson")
    write_manifest(tmp_path, [row])
    (tmp_path / row["file"]).write_bytes(b'{"type": "FeatureCollection", "features": []}')
    with pytest.raises(pipeline.InputError, match=r"1731879138.geojson: sha256 .* does not match the manifest"):
        pipeline.deepstate_tables(tmp_path)


def test_a_missing_file_says_how_to_fetch_it(tmp_path: Path):
    row = tiny_snapshot(tmp_path, "1731879138.geojson")
    write_manifest(tmp_path, [row])
    (tmp_path / row["file"]).unlink()
    with pytest.raises(pipeline.InputError, match="DOWNLOAD"):
        pipeline.deepstate_tables(tmp_path)


def test_download_fetches_from_the_manifest_url_and_verifies(tmp_path: Path):
    upstream = tmp_path / "upstream"
    upstream.mkdir()
    row = tiny_snapshot(upstream, "1731879138.geojson")
    local = tmp_path / "local"
    local.mkdir()
    write_manifest(local, [row])
    fetched = tmp_path / "fetched"
    pipeline.fetch(pipeline.read_manifest(local)[0], fetched)
    assert (fetched / row["file"]).read_bytes() == (upstream / row["file"]).read_bytes()
    assert pipeline.verified_bytes(pipeline.read_manifest(local)[0], fetched)


def test_isw_file_must_be_the_one_derived_from(tmp_path: Path):
    path = tmp_path / "daily_areas.json"
    path.write_text("[]", encoding="utf-8")
    with pytest.raises(pipeline.InputError, match="not the one this book was derived from"):
        pipeline.isw_table(path)


@pytest.mark.skipif(not HAVE_SHARED, reason="../shared/data not present")
def test_cli_reports_a_bad_input_without_traceback(tmp_path: Path, capsys):
    shared = tmp_path / "shared"
    shutil.copytree(SHARED / "isw_derived", shared / "isw_derived")
    (shared / "deepstate").mkdir()
    write_manifest(shared / "deepstate", [tiny_snapshot(shared / "deepstate", "1.geojson") | {"sha256": "0" * 64}])
    assert pipeline.main(["--shared", str(shared), "--out", str(tmp_path / "out")]) == 1
    assert "sha256" in capsys.readouterr().err
