"""Figures for the chapter "Negotiation leverage": who holds what, and what the pace implies.

Everything here is arithmetic on measured areas: shares of Ukraine's area under occupation, the
Kursk area Ukraine held set against the area Russia gained in 2024 (the "bargaining chip"
ratio), and straight-line projections at stated paces. None of it measures intent or the course
of any negotiation.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


def control_shares(areas: pd.DataFrame, country_km2: float) -> pd.DataFrame:
    """Share of Ukraine's area occupied before and since 24 Feb 2022, per snapshot (percent)."""
    if country_km2 <= 0:
        raise ValueError("country area must be positive")
    out = pd.DataFrame({"date": areas["snapshot_date"]})
    out["before_2022_pct"] = 100 * areas["occupied_before_2022_km2"] / country_km2
    out["since_2022_pct"] = 100 * (areas["occupied_km2"] - areas["occupied_before_2022_km2"]) / country_km2
    out["total_pct"] = 100 * areas["occupied_km2"] / country_km2
    return out.sort_values("date", ignore_index=True)


def snapshot_on(areas: pd.DataFrame, day) -> pd.Series:
    """The snapshot taken on ``day`` exactly (the chapter's dates are snapshot dates)."""
    rows = areas.loc[areas["snapshot_date"] == pd.Timestamp(day)]
    if len(rows) != 1:
        raise KeyError(f"no DeepState snapshot on {pd.Timestamp(day).date()}")
    return rows.iloc[0]


def bargaining_ratios(areas: pd.DataFrame, base, days: list) -> pd.DataFrame:
    """Kursk area held by Ukraine against two denominators: Russia's net gain in Ukraine since
    ``base`` (what changed hands in the same period) and the whole area Russia held (what any
    exchange would be set against). The first flatters Kursk, the second shrinks it: both are shown."""
    start = snapshot_on(areas, base)
    rows = []
    for day in days:
        snap = snapshot_on(areas, day)
        gained = float(snap["occupied_km2"] - start["occupied_km2"])
        rows.append(
            {
                "date": snap["snapshot_date"],
                "kursk_held_km2": float(snap["kursk_ukraine_held_km2"]),
                "kursk_held_or_grey_km2": float(snap["kursk_held_or_grey_km2"]),
                "russian_gain_km2": gained,
                "ratio_held": float(snap["kursk_ukraine_held_km2"]) / gained if gained > 0 else None,
                "ratio_held_or_grey": float(snap["kursk_held_or_grey_km2"]) / gained if gained > 0 else None,
                "occupied_km2": float(snap["occupied_km2"]),
                "share_of_occupied_pct": 100 * float(snap["kursk_ukraine_held_km2"]) / float(snap["occupied_km2"]),
            }
        )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class Projection:
    label: str
    start: pd.Timestamp
    start_km2: float
    rate_km2_per_day: float
    target: pd.Timestamp

    @property
    def days(self) -> int:
        return (self.target - self.start).days

    @property
    def projected_km2(self) -> float:
        """Straight line: the start area plus the rate times the days to the target."""
        return self.start_km2 + self.rate_km2_per_day * self.days


def weekly_change(areas: pd.DataFrame, start, end) -> pd.DataFrame:
    """Change in occupied area between consecutive snapshots, per day, between two dates."""
    data = areas.loc[(areas["snapshot_date"] >= pd.Timestamp(start)) & (areas["snapshot_date"] <= pd.Timestamp(end))]
    data = data.sort_values("snapshot_date")[["snapshot_date", "occupied_km2"]].reset_index(drop=True)
    out = pd.DataFrame(
        {
            "from": data["snapshot_date"].shift(),
            "to": data["snapshot_date"],
            "change_km2": data["occupied_km2"].diff(),
        }
    ).dropna()
    out["days"] = (out["to"] - out["from"]).dt.days
    out = out.loc[out["days"] > 0]
    out["per_day"] = out["change_km2"] / out["days"]
    return out.reset_index(drop=True)
