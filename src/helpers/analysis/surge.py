"""Figures for the chapter "The 2024 surge": ISW's reported gains set against open data.

Three measurements of the same thing, kept apart because they are not the same thing:

* ISW's figures as BBC News reported them (``data/territory.csv``);
* ISW's map layers as measured by a third-party dashboard (``data/isw_areas.csv``), net only;
* DeepStateMap's polygons as measured by this book (``data/deepstate_changes.csv``), net and
  gross, with and without the grey zone.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class MeasuredChange:
    """A change in Russian-held area between two dates, in km²."""

    label: str
    start: pd.Timestamp
    end: pd.Timestamp
    net: float
    gained: float | None = None
    lost: float | None = None

    @property
    def days(self) -> int:
        """Days between the two snapshots (state at the end of ``start`` to the end of ``end``)."""
        return (self.end - self.start).days

    @property
    def net_per_day(self) -> float:
        return self.net / self.days


def deepstate_change(changes: pd.DataFrame, stem: str, definition: str = "occupied") -> MeasuredChange:
    """A row of ``deepstate_changes`` by its id stem (``window_2023``, ``month_2024_10``)."""
    change_id = f"{stem}_{definition}"
    rows = changes.loc[changes["change_id"] == change_id]
    if len(rows) != 1:
        raise KeyError(f"change_id {change_id!r} not in {changes.attrs.get('source_file', 'the table')}")
    row = rows.iloc[0]
    return MeasuredChange(
        label=str(row["label"]),
        start=pd.Timestamp(row["start_date"]),
        end=pd.Timestamp(row["end_date"]),
        net=float(row["net_km2"]),
        gained=float(row["gained_km2"]),
        lost=float(row["lost_km2"]),
    )


def isw_change(isw: pd.DataFrame, start: str, end: str, label: str = "") -> MeasuredChange:
    """Net change in ISW's assessed Russian control between two days present in ``isw_areas``."""
    by_day = isw.set_index("date")["assessed_control_km2"]
    missing = [d for d in (start, end) if pd.Timestamp(d) not in by_day.index]
    if missing:
        raise KeyError(f"no ISW-derived value on {', '.join(missing)} in {isw.attrs.get('source_file', 'the table')}")
    a, b = float(by_day[pd.Timestamp(start)]), float(by_day[pd.Timestamp(end)])
    return MeasuredChange(label=label, start=pd.Timestamp(start), end=pd.Timestamp(end), net=b - a)


def ratio_if_meaningful(numerator: float, denominator: float) -> float | None:
    """A ratio of gains, or None when the base is not a gain (zero or a net loss)."""
    if denominator <= 0:
        return None
    return numerator / denominator


def monthly(changes: pd.DataFrame, definition: str = "occupied") -> pd.DataFrame:
    """Monthly rows of ``deepstate_changes`` for one definition, with a month and year column."""
    rows = changes.loc[(changes["kind"] == "month") & (changes["definition"] == definition)].copy()
    rows["month"] = rows["change_id"].str.extract(r"month_(\d{4}_\d{2})_")[0].str.replace("_", "-")
    rows["year"] = rows["month"].str[:4]
    return rows.reset_index(drop=True)


def cumulative_since(areas: pd.DataFrame, isw: pd.DataFrame, start: str, end: str) -> pd.DataFrame:
    """Change in Russian-held area since ``start``, per snapshot, in three measurements (long form)."""
    t0, t1 = pd.Timestamp(start), pd.Timestamp(end)
    frames = []
    ds = areas.loc[(areas["snapshot_date"] >= t0) & (areas["snapshot_date"] <= t1)].set_index("snapshot_date")
    if t0 not in ds.index:
        raise KeyError(f"no DeepState snapshot on {start}")
    for column, name in (
        ("occupied_km2", "DeepState: occupied"),
        ("occupied_or_grey_km2", "DeepState: occupied or grey zone"),
    ):
        frames.append(pd.DataFrame({"date": ds.index, "series": name, "change_km2": ds[column] - ds.loc[t0, column]}))
    iw = isw.loc[(isw["date"] >= t0) & (isw["date"] <= t1)].set_index("date")
    if t0 in iw.index:
        frames.append(
            pd.DataFrame(
                {
                    "date": iw.index,
                    "series": "ISW layers (third-party areas)",
                    "change_km2": iw["assessed_control_km2"] - iw.loc[t0, "assessed_control_km2"],
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _km2(value: float | None) -> str:
    from helpers.present.text import fmt_int

    return "n/a" if value is None else fmt_int(value)


def comparison_table(
    reported: dict[str, tuple[str, float] | None],
    isw_layers: dict[str, MeasuredChange | None],
    deepstate: dict[str, MeasuredChange],
    deepstate_grey: dict[str, MeasuredChange],
) -> pd.DataFrame:
    """One row per period: the reported figure beside each measurement (km², formatted).

    ``reported`` maps a period label to (qualifier, value) as the source stated it; every dict is
    keyed by the same period labels, in display order.
    """
    rows = []
    for period, ds in deepstate.items():
        stated = reported.get(period)
        layers = isw_layers.get(period)
        rows.append(
            {
                "period": period,
                "ISW, as reported": "n/a" if stated is None else f"{stated[0]} {_km2(stated[1])}".strip(),
                "ISW layers, net": "no data" if layers is None else _km2(layers.net),
                "DeepState net": _km2(ds.net),
                "DeepState net, with grey zone": _km2(deepstate_grey[period].net),
                "DeepState taken by Russia": _km2(ds.gained),
                "DeepState regained by Ukraine": _km2(ds.lost),
                "DeepState snapshots": f"{ds.start:%Y-%m-%d} to {ds.end:%Y-%m-%d}",
            }
        )
    return pd.DataFrame(rows).set_index("period")


def ratio_table(measures: dict[str, tuple[float | None, float | None, str]]) -> pd.DataFrame:
    """How many times the 2024 figure is the 2023 one, under each definition.

    ``measures`` maps a definition to (2024 value, 2023 value, what it counts). A ratio is shown
    only when both are gains; otherwise the row says why there is none.
    """
    from helpers.present.text import fmt_number

    rows = []
    for definition, (v2024, v2023, counts) in measures.items():
        if v2024 is None or v2023 is None:
            shown = "not available"
        else:
            value = ratio_if_meaningful(v2024, v2023)
            shown = "not meaningful (2023 was a net loss)" if value is None else fmt_number(value, 1)
        rows.append({"definition": definition, "counts": counts, "2024 ÷ 2023": shown})
    return pd.DataFrame(rows).set_index("definition")


def pace_words(rate: float, reference: float, tolerance: float = 0.05) -> str:
    """'above', 'below' or 'level with' a reference rate (within ``tolerance``, relative)."""
    if reference <= 0:
        raise ValueError("a reference pace must be a gain")
    if abs(rate - reference) <= tolerance * reference:
        return "level with"
    return "above" if rate > reference else "below"


def places_against_front(places: pd.DataFrame, status: pd.DataFrame, cut) -> pd.DataFrame:
    """One row per place the article names: its status and distance to the Russian-held area on
    each snapshot of ``place_status``; columns after the article's date (``cut``) say hindsight."""
    from helpers.present.text import fmt_date_marked, fmt_number

    def cell(row) -> str:
        if row["status"] == "occupied":
            return "occupied"
        return f"{row['status']}, {fmt_number(row['distance_km'], 1)} km from the Russian-held area"

    columns = {}
    for day, rows in status.sort_values("snapshot_date").groupby("snapshot_date", sort=True):
        columns[fmt_date_marked(day, cut)] = rows.set_index("place_id").apply(cell, axis=1)
    table = pd.DataFrame(columns)
    named = places.set_index("place_id")
    table.index = [f"{named.at[p, 'name']} ({named.at[p, 'region']})" for p in table.index]
    return table.rename_axis("place")


def gains_by_region(by_oblast: pd.DataFrame, cut, min_km2: float = 0.5) -> pd.DataFrame:
    """Ground taken by Russia per region (rows) and window (columns, net in brackets), for regions
    where anything changed hands; a window ending after the article (``cut``) says hindsight."""
    from helpers.present.text import fmt_int, hindsight_marked

    columns = {}
    for _, rows in by_oblast.groupby("window", sort=False):
        first = rows.iloc[0]
        columns[hindsight_marked(first["label"], first["end_date"], cut)] = rows.set_index("oblast").apply(
            lambda r: f"{fmt_int(r['taken_km2'])} ({fmt_int(r['net_km2'])} net)", axis=1
        )
    moved = by_oblast.groupby("oblast")[["taken_km2", "regained_km2"]].max().max(axis=1) >= min_km2
    order = by_oblast.groupby("oblast")["taken_km2"].sum().sort_values(ascending=False).index
    keep = [o for o in order if moved[o]]
    return pd.DataFrame(columns).loc[keep].rename_axis("region")
