"""The Kursk incursion measured on DeepStateMap: when the held area appeared, peaked and shrank.

Two readings are kept side by side: the area DeepStateMap marks as held by Ukraine, and that area
together with the Kursk grey zone (unknown status), the widest reading of Ukrainian presence.
Snapshots are weekly (plus month ends and key dates), so dates are known to within a few days.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from helpers.present.charts import event_label

HELD = "kursk_ukraine_held_km2"
HELD_OR_GREY = "kursk_held_or_grey_km2"
READINGS = {HELD: "held by Ukraine", HELD_OR_GREY: "held by Ukraine or grey zone"}
#: How far (days) the nearest snapshot may be from a date a claim is about.
MAX_SNAPSHOT_GAP_DAYS = 4
#: Days DeepStateMap may take to map a new front; a start date earlier than the first mapped
#: polygons by more than this, while snapshots show nothing there, is contradicted by the data.
MAPPING_LAG_DAYS = 14


def series(areas: pd.DataFrame) -> pd.DataFrame:
    """Date, held and held-or-grey area for every snapshot, in date order."""
    return (
        areas[["snapshot_date", HELD, HELD_OR_GREY]]
        .rename(columns={"snapshot_date": "date"})
        .sort_values("date", ignore_index=True)
    )


@dataclass(frozen=True)
class Appearance:
    last_without: pd.Timestamp | None  # last snapshot with no Kursk polygons
    first_with: pd.Timestamp  # first snapshot with any
    first_snapshot: pd.Timestamp  # earliest snapshot in the archive


def first_appearance(areas: pd.DataFrame) -> Appearance:
    data = series(areas)
    present = data.loc[data[HELD_OR_GREY] > 0]
    if present.empty:
        raise ValueError("no snapshot shows Kursk polygons")
    first = present["date"].iloc[0]
    before = data.loc[data["date"] < first, "date"]
    return Appearance(before.iloc[-1] if len(before) else None, first, data["date"].iloc[0])


def peak(areas: pd.DataFrame, column: str = HELD) -> tuple[pd.Timestamp, float]:
    """Date and value of the largest area (the earliest snapshot if tied)."""
    data = series(areas)
    index = data[column].idxmax()
    return data.at[index, "date"], float(data.at[index, column])


def nearest(areas: pd.DataFrame, day, max_gap_days: int = MAX_SNAPSHOT_GAP_DAYS) -> pd.Series:
    """The snapshot nearest to ``day`` (the earlier one on a tie); error if none is close."""
    data = series(areas)
    day = pd.Timestamp(day)
    gaps = (data["date"] - day).abs()
    index = gaps.idxmin()
    if gaps[index] > pd.Timedelta(days=max_gap_days):
        raise LookupError(f"no snapshot within {max_gap_days} days of {day.date()}")
    return data.loc[index]


def decrease(start: pd.Series, end: pd.Series) -> tuple[float, float]:
    """How much the area shrank between two snapshots (rows of :func:`series` or :func:`nearest`),
    in each reading: held, then held or grey zone."""
    return float(start[HELD] - end[HELD]), float(start[HELD_OR_GREY] - end[HELD_OR_GREY])


def timeline(events: pd.DataFrame, areas: pd.DataFrame, end="2025-01-31") -> pd.DataFrame:
    """Dated events from the incursion on, plus the first mapping and peak measured on DeepStateMap."""
    start = events.set_index("event_id").loc["kursk_incursion_start", "date"]
    chosen = events.loc[(events["date"] >= start) & (events["date"] <= pd.Timestamp(end))]
    rows = [
        {
            "date": r["date"],
            "event": r["event"],
            "short": event_label(r["event_id"], r["event"]),
            "source": r["source_key"],
            "kind": "reported",
        }
        for _, r in chosen.iterrows()
    ]
    seen = first_appearance(areas)
    day, value = peak(areas, HELD)
    rows.append(
        {
            "date": seen.first_with,
            "event": "First Kursk polygons on DeepStateMap",
            "short": "First mapped",
            "source": "deepstatemap",
            "kind": "measured",
        }
    )
    rows.append(
        {
            "date": day,
            "event": f"Largest area held by Ukraine on DeepStateMap ({value:,.0f} km²)",
            "short": "Peak held",
            "source": "deepstatemap",
            "kind": "measured",
        }
    )
    frame = pd.DataFrame(rows).sort_values(["date", "kind"], ignore_index=True)
    # Label only events at least a week after the previous label, so chart labels do not overlap.
    labels, last = [], None
    for _, row in frame.iterrows():
        crowded = last is not None and row["date"] - last < pd.Timedelta(days=7)
        labels.append("" if crowded else row["short"])
        last = last if crowded else row["date"]
    return frame.assign(label=labels)


def long_series(areas: pd.DataFrame, start, end) -> pd.DataFrame:
    """Both readings in long form between two dates, for charts."""
    data = series(areas)
    data = data.loc[(data["date"] >= pd.Timestamp(start)) & (data["date"] <= pd.Timestamp(end))]
    return data.melt(id_vars="date", value_vars=list(READINGS), var_name="column", value_name="area_km2").assign(
        reading=lambda f: f["column"].map(READINGS)
    )
