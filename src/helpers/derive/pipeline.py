"""``make derive``: recompute the derived tables in ``data/`` from raw open data.

Inputs are read exactly as published and never committed (default: ``../shared/data/`` beside
the project). Every DeepState snapshot is checked against the SHA-256 in its manifest before it
is read, and ``--download DIR`` fetches missing snapshots from the manifest's upstream URLs into
``DIR`` (checked the same way). Outputs carry provenance columns (upstream repository, commit,
file hash, method), pass their pandera models, and are written with fixed rounding so that a
rerun on the same inputs reproduces the committed files byte for byte.

Run ``python -m helpers.derive --help`` for options.
"""

from __future__ import annotations

import argparse
import calendar
import csv
import hashlib
import io
import json
import sys
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from helpers.derive import deepstate, general_staff, mediazona
from helpers.paths import PROJECT_ROOT, data_dir, display_path

SHARED_DATA = PROJECT_ROOT.parent / "shared" / "data"

DEEPSTATE_REPO = "https://github.com/DanielRose2310/deepstatemaps-history"
DEEPSTATE_COMMIT = "df633a1700680411949934a4345f1af263327377"
DEEPSTATE_SOURCE = "deepstatemap"
ISW_REPO = "https://github.com/sdspieg/war-datasets-dashboard"
ISW_COMMIT = "cc9e7eb5ca3a84b75e2b0fb751ccad6d9f3d2bf9"
ISW_FILE = "daily_areas.json"
ISW_SHA256 = "4fecb4a796123191713e94625a8bf472666adfd4dee31d9762236fe4c3a618d1"
ISW_SOURCE = "sdspieg2026dashboard"

AREA_METHOD = (
    f"Polygons classified by legend fill; repaired (make_valid), z dropped, unioned per class; "
    f"area in {deepstate.EQUAL_AREA_NAME}"
)
CHANGE_METHOD = (
    "Net: area at end minus area at start. Gained: area(end minus start). Lost: area(start minus end). "
    f"Unioned polygons in {deepstate.EQUAL_AREA_NAME}"
)
ISW_METHOD = (
    "assessed_control = ukraine_control_map + russian_advances on the same day, as published by the "
    "dashboard (its projection is not documented); days missing either layer are skipped"
)

#: Named windows: (change_id stem, label, wanted start snapshot, wanted end snapshot).
#: A window starting on day D uses the last snapshot of D-1 (the state at the start of D).
WINDOWS = [
    ("2023", "All of 2023", "2022-12-31", "2023-12-31"),
    ("2024_to_17_nov", "2024 to 17 November", "2023-12-31", "2024-11-17"),
    ("2024_1_sep_to_3_nov", "1 September to 3 November 2024", "2024-08-31", "2024-11-03"),
    ("2024", "All of 2024", "2023-12-31", "2024-12-31"),
    ("2025_to_26_jan", "1 to 26 January 2025", "2024-12-31", "2025-01-26"),
]
MONTHS = pd.period_range("2023-01", "2025-01", freq="M")
#: Days on which the ISW-derived series is kept (month ends plus the windows' dates).
ISW_DAYS = sorted(
    {str((p.to_timestamp(how="end")).date()) for p in pd.period_range("2023-12", "2025-01", freq="M")}
    | {"2024-08-31", "2024-11-03", "2024-11-17", "2025-01-26"}
)

MZ_REPO = "https://github.com/thunderquack/MZCasualitiesExtractor"
MZ_COMMIT = "662ef6b10431dfea49eb57490b0dbc676576d97a"
MZ_SOURCE = "mediazona"
MZ_HEADLINE_SHA256 = "4cff33c374572368b000f3720c024dd0b6c9552208667d1c5b1a38c3aeee27c5"
GS_REPO = "https://github.com/PetroIvaniuk/2022-Ukraine-Russia-War-Dataset"
GS_COMMIT = "37655f8bbdd6806d2f94416253116b02a750c97b"
GS_SOURCE = "ukrainegeneralstaff"
GS_FILE = "russia_losses_personnel.json"
GS_SHA256 = "8a11a5e9d7016ac45079f9a7fc82713003549676737597a72c23b6b13b3463b2"
MZ_METHOD = "Sum of daily 'change' by date of death in the snapshot (totals checked as the running sum)"
MZ_HEADLINE_METHOD = (
    "Headline totals from the history of the upstream README; rows where the total changed, plus the last"
)
GS_METHOD = "Cumulative claim at the month's last daily report minus that at the previous month's"
#: Fixed periods whose count is followed across snapshots: (id, label, first day, last day).
MZ_PERIODS = [
    ("sep_1_nov_15_2023", "1 September to 15 November 2023", "2023-09-01", "2023-11-15"),
    ("sep_1_nov_15_2024", "1 September to 15 November 2024", "2024-09-01", "2024-11-15"),
    ("sep_1_nov_7_2023", "1 September to 7 November 2023", "2023-09-01", "2023-11-07"),
    ("sep_1_nov_7_2024", "1 September to 7 November 2024", "2024-09-01", "2024-11-07"),
    ("sep_nov_2023", "September to November 2023", "2023-09-01", "2023-11-30"),
    ("sep_nov_2024", "September to November 2024", "2024-09-01", "2024-11-30"),
    ("year_2023", "All of 2023", "2023-01-01", "2023-12-31"),
    ("year_2024", "All of 2024", "2024-01-01", "2024-12-31"),
]

SOURCE_TEXTS = {
    "write-up 000": ("000_92e885042fdfb583.txt", "16c8d3644762f852c9a5367478501a2ad265ffaf3fa03033b64ec4bf4973ecdd"),
    "write-up 001": ("001_1488c158e9632fbc.txt", "6ea9d1c3928c807cbe2776b59fa7176536867a58a8649add89114d70a79c25c6"),
}
SOURCE_TEXT_METHOD = (
    "Non-empty lines as paragraphs; SHA-256 of each with whitespace collapsed; the text itself is not copied"
)

DERIVED_TABLES = (
    "deepstate_areas",
    "deepstate_changes",
    "isw_areas",
    "mz_monthly",
    "mz_period_counts",
    "mz_headline_totals",
    "gs_monthly_claims",
    "source_paragraphs",
)


class InputError(RuntimeError):
    """A raw input is missing or differs from its manifest."""


@dataclass(frozen=True)
class ManifestRow:
    wanted_date: str
    snapshot_date: str
    snapshot_time: str
    file: str
    sha256: str
    url: str


def read_manifest(directory: Path) -> list[ManifestRow]:
    path = directory / "manifest.csv"
    if not path.exists():
        raise InputError(f"{path}: no manifest.csv (is the snapshot directory right?)")
    with open(path, encoding="utf-8", newline="") as handle:
        return [
            ManifestRow(
                r["wanted_date"],
                r["snapshot_date_kyiv"],
                r["snapshot_time_kyiv"],
                r["file"],
                r["sha256"],
                r["upstream_url"],
            )
            for r in csv.DictReader(handle)
        ]


def fetch(row: ManifestRow, directory: Path) -> None:
    """Download one snapshot from its upstream URL (used with --download)."""
    directory.mkdir(parents=True, exist_ok=True)
    with urllib.request.urlopen(row.url, timeout=60) as response:
        (directory / row.file).write_bytes(response.read())


def verified_bytes(row: ManifestRow, directory: Path) -> bytes:
    path = directory / row.file
    if not path.exists():
        raise InputError(f"{path}: missing (run `make derive DOWNLOAD=dir` to fetch it from {row.url})")
    raw = path.read_bytes()
    actual = hashlib.sha256(raw).hexdigest()
    if actual != row.sha256:
        raise InputError(f"{path}: sha256 {actual} does not match the manifest ({row.sha256})")
    return raw


def _csv_text(frame: pd.DataFrame) -> str:
    out = io.StringIO()
    frame.to_csv(out, index=False, lineterminator="\n", float_format="%.2f", date_format="%Y-%m-%d")
    return out.getvalue()


def _provenance(source: str, repo: str, commit: str, sha: str, method: str) -> dict:
    return {
        "source_key": source,
        "upstream_repo": repo,
        "upstream_commit": commit,
        "file_sha256": sha,
        "method": method,
    }


def deepstate_tables(directory: Path, download: Path | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Areas per snapshot, and changes per month and window."""
    manifest = read_manifest(directory)
    snapshots: dict[str, deepstate.Snapshot] = {}
    by_wanted: dict[str, ManifestRow] = {}
    rows = []
    for row in sorted(manifest, key=lambda r: r.file):
        source_dir = directory
        if download is not None and not (directory / row.file).exists():
            fetch(row, download)
            source_dir = download
        snapshot = deepstate.parse_snapshot(verified_bytes(row, source_dir))
        snapshots[row.file] = snapshot
        by_wanted[row.wanted_date] = row
        rows.append(
            {
                "snapshot_date": row.snapshot_date,
                "snapshot_time_kyiv": row.snapshot_time,
                "file": row.file,
                **{k: round(v, 2) for k, v in _ordered_areas(snapshot).items()},
                **_provenance(DEEPSTATE_SOURCE, DEEPSTATE_REPO, DEEPSTATE_COMMIT, row.sha256, AREA_METHOD),
            }
        )
    areas = pd.DataFrame(rows).sort_values("snapshot_date", ignore_index=True)

    periods = []
    for month in MONTHS:
        start = (month - 1).to_timestamp(how="end").date().isoformat()
        end = month.to_timestamp(how="end").date().isoformat()
        label = f"{calendar.month_name[month.month]} {month.year}"
        periods.append((f"month_{month.year}_{month.month:02d}", "month", label, start, end))
    periods += [(f"window_{stem}", "window", label, start, end) for stem, label, start, end in WINDOWS]

    changes = []
    for change_id, kind, label, start, end in periods:
        first, last = _on_or_before(by_wanted, start), _on_or_before(by_wanted, end)
        a, b = snapshots[first.file], snapshots[last.file]
        for definition in ("occupied", "occupied_or_grey"):
            delta = deepstate.change(getattr(a, definition), getattr(b, definition))
            changes.append(
                {
                    "change_id": f"{change_id}_{definition}",
                    "kind": kind,
                    "label": label,
                    "definition": definition,
                    "start_date": first.snapshot_date,
                    "end_date": last.snapshot_date,
                    "net_km2": round(delta.net, 2),
                    "gained_km2": round(delta.gained, 2),
                    "lost_km2": round(delta.lost, 2),
                    **_provenance(
                        DEEPSTATE_SOURCE,
                        DEEPSTATE_REPO,
                        DEEPSTATE_COMMIT,
                        f"{first.sha256} {last.sha256}",
                        CHANGE_METHOD,
                    ),
                }
            )
    return areas, pd.DataFrame(changes)


def _on_or_before(by_wanted: dict[str, ManifestRow], day: str) -> ManifestRow:
    """The snapshot taken for ``day``, else the latest one before it (a few month ends are missing)."""
    earlier = [w for w in by_wanted if w <= day]
    if not earlier:
        raise InputError(f"no snapshot on or before {day}")
    return by_wanted[max(earlier)]


def _ordered_areas(snapshot: deepstate.Snapshot) -> dict[str, float]:
    areas = snapshot.areas()
    order = [
        "occupied_km2",
        "occupied_since_2022_km2",
        "occupied_before_2022_km2",
        "grey_zone_ukraine_km2",
        "occupied_or_grey_km2",
        "kursk_ukraine_held_km2",
        "kursk_grey_zone_km2",
        "kursk_held_or_grey_km2",
    ]
    return {k: areas[k] for k in order}


def _checked(path: Path, expected: str) -> bytes:
    """The bytes of a raw input pinned by its sha256 (files without a manifest of their own)."""
    if not path.exists():
        raise InputError(f"{path}: missing")
    raw = path.read_bytes()
    actual = hashlib.sha256(raw).hexdigest()
    if actual != expected:
        raise InputError(f"{path}: sha256 {actual} is not the one this book was derived from ({expected})")
    return raw


def isw_table(path: Path) -> pd.DataFrame:
    """The ISW-derived series on the days the book uses."""
    raw = _checked(path, ISW_SHA256)
    layers: dict[str, dict[str, float]] = {}
    for record in json.loads(raw):
        layers.setdefault(record["date"], {})[record["layerType"]] = float(record["areaKm2"])
    complete = sorted(d for d, v in layers.items() if "ukraine_control_map" in v and "russian_advances" in v)
    rows = []
    for day in ISW_DAYS:
        # the latest complete day on or before the wanted day (ISW skips some days)
        candidates = [d for d in complete if d <= day]
        if not candidates:
            continue
        chosen = candidates[-1]
        control, advances = layers[chosen]["ukraine_control_map"], layers[chosen]["russian_advances"]
        rows.append(
            {
                "date": chosen,
                "control_map_km2": round(control, 2),
                "russian_advances_km2": round(advances, 2),
                "assessed_control_km2": round(control + advances, 2),
                **_provenance(ISW_SOURCE, ISW_REPO, ISW_COMMIT, ISW_SHA256, ISW_METHOD),
            }
        )
    return pd.DataFrame(rows).drop_duplicates("date", ignore_index=True)


def mediazona_tables(directory: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Monthly counts and fixed-period counts per snapshot, and the headline totals."""
    with open(directory / "manifest.csv", encoding="utf-8", newline="") as handle:
        manifest = list(csv.DictReader(handle))
    monthly_rows, period_rows = [], []
    for row in sorted(manifest, key=lambda r: r["snapshot_date"]):
        raw = _checked(directory / row["file"], row["sha256"])
        daily = mediazona.parse_snapshot(raw, row["file"])
        provenance = _provenance(MZ_SOURCE, MZ_REPO, MZ_COMMIT, row["sha256"], MZ_METHOD)
        for month in mediazona.monthly(daily).itertuples(index=False):
            monthly_rows.append(
                {
                    "snapshot_date": row["snapshot_date"],
                    "month": month.month,
                    "deaths": month.deaths,
                    "days_covered": month.days_covered,
                    **provenance,
                }
            )
        for period_id, label, start, end in MZ_PERIODS:
            deaths, data_end = mediazona.count_between(daily, start, end)
            if data_end < pd.Timestamp(start):
                continue
            period_rows.append(
                {
                    "period_id": period_id,
                    "label": label,
                    "start_date": start,
                    "end_date": end,
                    "snapshot_date": row["snapshot_date"],
                    "data_end": data_end,
                    "deaths": deaths,
                    **provenance,
                }
            )
    headline = mediazona.headline_changes(_checked(directory / "headline_totals.csv", MZ_HEADLINE_SHA256))
    headline_table = pd.DataFrame(
        {
            "as_of": headline["as_of"],
            "confirmed_total": headline["mz_confirmed_total"],
            "with_known_death_date": headline["with_known_death_date"],
            "source_key": MZ_SOURCE,
            "upstream_repo": MZ_REPO,
            "upstream_commit": headline["commit"],
            "file_sha256": MZ_HEADLINE_SHA256,
            "method": MZ_HEADLINE_METHOD,
        }
    )
    return pd.DataFrame(monthly_rows), pd.DataFrame(period_rows), headline_table


def general_staff_table(path: Path) -> pd.DataFrame:
    claims = general_staff.general_staff_monthly(_checked(path, GS_SHA256))
    return pd.DataFrame(
        {
            "month": claims["month"],
            "last_report": claims["date"],
            "claimed_cumulative": claims["cumulative"],
            "claimed_in_month": claims["claimed_in_month"],
            "days_covered": claims["days_covered"],
            "qualifier": claims["qualifier"],
            **_provenance(GS_SOURCE, GS_REPO, GS_COMMIT, GS_SHA256, GS_METHOD),
        }
    )


def source_paragraphs(sources: Path) -> pd.DataFrame:
    """Paragraph hashes of the two write-ups: which paragraphs repeat, without their words."""
    rows, seen = [], {}
    for text_id, (name, expected) in SOURCE_TEXTS.items():
        path = sources / name
        raw = _checked(path, expected)
        paragraphs = [" ".join(line.split()) for line in raw.decode("utf-8").splitlines() if line.strip()]
        for number, paragraph in enumerate(paragraphs, start=1):
            digest = hashlib.sha256(paragraph.encode("utf-8")).hexdigest()
            rows.append(
                {
                    "text": text_id,
                    "paragraph": number,
                    "words": len(paragraph.split()),
                    "paragraph_sha256": digest,
                    "first_seen": seen.get(digest, ""),
                    "source_key": "bbc2024gains",
                    "file_sha256": expected,
                    "method": SOURCE_TEXT_METHOD,
                }
            )
            seen.setdefault(digest, f"{text_id} ¶{number}")
    return pd.DataFrame(rows)


def derive(shared: Path, out: Path, download: Path | None = None) -> dict[str, str]:
    """Compute every derived table; write them to ``out``; return {table: csv text}."""
    areas, changes = deepstate_tables(shared / "deepstate", download)
    mz_monthly, mz_periods, mz_headline = mediazona_tables(shared / "mediazona")
    texts = {
        "deepstate_areas": _csv_text(areas),
        "deepstate_changes": _csv_text(changes),
        "isw_areas": _csv_text(isw_table(shared / "isw_derived" / ISW_FILE)),
        "mz_monthly": _csv_text(mz_monthly),
        "mz_period_counts": _csv_text(mz_periods),
        "mz_headline_totals": _csv_text(mz_headline),
        "gs_monthly_claims": _csv_text(general_staff_table(shared / "ukraine_general_staff" / GS_FILE)),
        "source_paragraphs": _csv_text(source_paragraphs(shared.parent / "sources")),
    }
    out.mkdir(parents=True, exist_ok=True)
    for table, text in texts.items():
        (out / f"{table}.csv").write_text(text, encoding="utf-8")
    return texts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Recompute data/'s derived tables from raw open data.")
    parser.add_argument("--shared", type=Path, default=SHARED_DATA, help="raw data directory (default: ../shared/data)")
    parser.add_argument("--out", type=Path, default=None, help="where to write (default: data/)")
    parser.add_argument(
        "--download", type=Path, default=None, help="fetch missing snapshots from the manifest URLs into DIR"
    )
    args = parser.parse_args(argv)
    out = args.out or data_dir()
    try:
        derive(args.shared, out, args.download)
    except (InputError, deepstate.UnknownLegendError, ValueError) as exc:
        print(f"derive failed: {exc}", file=sys.stderr)
        return 1
    for table in DERIVED_TABLES:
        print(f"wrote {display_path(out / f'{table}.csv')}")
    if args.out is None:
        from helpers.data import datapackage

        datapackage.main(["--update"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
