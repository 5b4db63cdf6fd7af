"""`make derive`: inputs verified against their manifests, outputs reproducible and valid."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import pandas as pd
import pytest

from helpers.data import schemas
from helpers.data.load import load
from helpers.derive import inputs, pipeline
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
        "naturalearth",
    }


def test_every_change_row_has_both_definitions():
    changes = load("deepstate_changes")
    per_period = changes.groupby(["kind", "label"])["definition"].apply(set)
    assert all(definitions == set(schemas.CHANGE_DEFINITIONS) for definitions in per_period)


def shared_copy(tmp_path: Path) -> Path:
    """A ``shared/`` tree of links to the real raw files, which a test may then change."""
    root = tmp_path / "shared"
    for pin in load("raw_inputs").itertuples():
        target = root / pin.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(SHARED.parent / pin.path)
    return root


def replace(path: Path, raw: bytes) -> None:
    path.unlink()
    path.write_bytes(raw)


@pytest.mark.skipif(not HAVE_SHARED, reason="../shared/data not present")
def test_the_real_inputs_match_their_pins():
    assert inputs.Inputs(SHARED.parent).problems() == []


@pytest.mark.skipif(not HAVE_SHARED, reason="../shared/data not present")
def test_a_changed_file_and_its_manifest_row_are_both_refused(tmp_path: Path):
    root = shared_copy(tmp_path)
    snapshot = root / "data" / "mediazona" / "2024-11-15_cumsum.csv"
    changed = snapshot.read_bytes().replace(b",1,", b",2,", 1)
    replace(snapshot, changed)
    manifest = root / "data" / "mediazona" / "manifest.csv"
    old = hashlib.sha256((SHARED / "mediazona" / "2024-11-15_cumsum.csv").read_bytes()).hexdigest()
    replace(manifest, manifest.read_bytes().replace(old.encode(), hashlib.sha256(changed).hexdigest().encode()))
    problems = inputs.Inputs(root).problems()
    assert any("2024-11-15_cumsum.csv: sha256" in p for p in problems)
    assert any("manifest.csv: sha256" in p for p in problems)
    with pytest.raises(inputs.InputError, match=r"data/raw_inputs\.csv"):
        pipeline.derive(root / "data", tmp_path / "out")


@pytest.mark.skipif(not HAVE_SHARED, reason="../shared/data not present")
def test_dropped_manifest_rows_missing_and_extra_files_are_refused(tmp_path: Path):
    root = shared_copy(tmp_path)
    manifest = root / "data" / "mediazona" / "manifest.csv"
    replace(manifest, b"\n".join(manifest.read_bytes().split(b"\n")[:5]) + b"\n")
    (root / "data" / "deepstate" / "1671922927.geojson").unlink()
    (root / "data" / "isw_derived" / "newer.json").write_text("[]", encoding="utf-8")
    problems = "\n".join(inputs.Inputs(root).problems())
    assert "mediazona/manifest.csv: sha256" in problems
    assert "1671922927.geojson: missing (run `make derive DOWNLOAD=dir`" in problems
    assert "newer.json: not pinned" in problems


def tiny_upstream(tmp_path: Path) -> tuple[Path, pd.DataFrame]:
    """A one-file upstream and the pins naming it, with a URL to fetch it from."""
    upstream = tmp_path / "upstream.json"
    upstream.write_text("[]", encoding="utf-8")
    pins = load("raw_inputs").head(0)
    pins = pd.concat(
        [
            pins,
            pd.DataFrame(
                [
                    {
                        "input_id": "tiny",
                        "path": "data/tiny/tiny.json",
                        "role": "series",
                        "source_key": "deepstatemap",
                        "url": upstream.as_uri(),
                        "sha256": hashlib.sha256(b"[]").hexdigest(),
                    }
                ]
            ),
        ],
        ignore_index=True,
    )
    return upstream, pins


def test_download_fetches_from_the_pinned_url_and_verifies(tmp_path: Path):
    upstream, pins = tiny_upstream(tmp_path)
    fetched = tmp_path / "fetched"
    found = inputs.Inputs(tmp_path / "empty", pins, download=fetched)
    assert found.problems() == []
    assert found.read("tiny") == b"[]"
    assert (fetched / "data" / "tiny" / "tiny.json").exists()
    upstream.write_text("[1]", encoding="utf-8")  # upstream changed: the pin refuses it
    (fetched / "data" / "tiny" / "tiny.json").unlink()
    assert "differs from the pin" in inputs.Inputs(tmp_path / "empty", pins, download=fetched).problems()[0]


def test_two_fetches_of_one_input_at_once_both_succeed(tmp_path: Path, monkeypatch):
    """On a fresh clone two test workers fetched the same registry input into .cache at once:
    both wrote one ``.partial`` file, and the second to rename it found it gone
    (FileNotFoundError; seen in a fresh clone's ``make test``). Here the second fetch runs
    between the first's write and its rename."""
    _, pins = tiny_upstream(tmp_path)
    fetched = tmp_path / "fetched"
    first = inputs.Inputs(tmp_path / "empty", pins, download=fetched)
    second = inputs.Inputs(tmp_path / "empty", pins, download=fetched)
    rename = os.replace
    interleaved: list[str] = []

    def the_other_fetch_first(source, target):
        if not interleaved:
            interleaved.append(str(source))
            assert second.read("tiny") == b"[]"
        return rename(source, target)

    monkeypatch.setattr(os, "replace", the_other_fetch_first)
    assert first.read("tiny") == b"[]"
    assert interleaved, "the first fetch never renamed a downloaded file"
    assert [p.name for p in (fetched / "data" / "tiny").iterdir()] == ["tiny.json"]


@pytest.mark.skipif(not HAVE_SHARED, reason="../shared/data not present")
def test_cli_reports_a_bad_input_without_traceback(tmp_path: Path, capsys):
    root = shared_copy(tmp_path)
    replace(root / "data" / "isw_derived" / "daily_areas.json", b"[]")
    assert pipeline.main(["--shared", str(root / "data"), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "daily_areas.json: sha256" in err and "Traceback" not in err


def test_the_pipeline_keeps_no_pins_of_its_own():
    source = Path(pipeline.__file__).read_text(encoding="utf-8")
    assert not re.search(r"[0-9a-f]{40}", source), "a commit or hash is written in pipeline.py"
    assert "github.com" not in source


def test_a_package_member_is_read_by_name_or_its_absence_named():
    import io
    import json
    import tarfile

    from helpers.derive import oblasts

    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w:gz") as archive:
        for name, content in (("package/a.json", {"a": 1}), ("package/b.json", {"b": 2})):
            data = json.dumps(content).encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    package = raw.getvalue()
    assert oblasts._member(package, "package/b.json") == {"b": 2}
    assert oblasts._member(package, "package/a.json") == {"a": 1}
    with pytest.raises(ValueError, match=r"package/c\.json is not a file in the package"):
        oblasts._member(package, "package/c.json")
