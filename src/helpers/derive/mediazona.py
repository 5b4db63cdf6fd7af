"""Mediazona snapshots (named deaths by date of death): parsing and the checks they must pass.

A snapshot (``YYYY-MM-DD_cumsum.csv``, columns ``date,change,total``) counts confirmed deaths by
**date of death**; each later snapshot adds names for past dates (the reporting lag).
"""

from __future__ import annotations

import csv
import io

import pandas as pd


class SnapshotError(ValueError):
    """A Mediazona snapshot that is not internally consistent."""


def parse_snapshot(raw: bytes, name: str = "snapshot") -> pd.DataFrame:
    """Daily confirmed deaths from one snapshot; checks that totals are the running sum."""
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8"))))
    if not rows or list(rows[0]) != ["date", "change", "total"]:
        raise SnapshotError(f"{name}: expected columns date,change,total")
    frame = pd.DataFrame(
        {
            "date": pd.to_datetime([r["date"] for r in rows], format="%Y-%m-%d"),
            "change": [int(r["change"]) for r in rows],
            "total": [int(r["total"]) for r in rows],
        }
    )
    if not frame["date"].is_monotonic_increasing or frame["date"].duplicated().any():
        raise SnapshotError(f"{name}: dates are not strictly increasing")
    if (frame["change"] < 0).any():
        raise SnapshotError(f"{name}: negative daily count on {frame.loc[frame['change'] < 0, 'date'].iloc[0].date()}")
    running = frame["change"].cumsum()
    if not (running == frame["total"]).all():
        bad = frame.loc[running != frame["total"], "date"].iloc[0].date()
        raise SnapshotError(f"{name}: total is not the running sum of change from {bad}")
    return frame


def monthly(daily: pd.DataFrame) -> pd.DataFrame:
    """Deaths by calendar month of death, with the days of each month the snapshot covers."""
    data = daily.assign(month=daily["date"].dt.to_period("M"))
    grouped = data.groupby("month").agg(deaths=("change", "sum"), last_day=("date", "max"))
    grouped["days_covered"] = grouped["last_day"].dt.day
    out = grouped.reset_index()
    out["month"] = out["month"].dt.to_timestamp()
    return out[["month", "deaths", "days_covered"]]


def count_between(daily: pd.DataFrame, start, end) -> tuple[int, pd.Timestamp]:
    """Deaths dated from ``start`` to ``end`` inclusive, and the last date the snapshot covers."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    within = daily.loc[(daily["date"] >= start) & (daily["date"] <= end), "change"].sum()
    return int(within), daily["date"].max()


def headline_changes(raw: bytes) -> pd.DataFrame:
    """Mediazona's headline totals on the days they changed (plus the first and last day)."""
    frame = pd.read_csv(io.BytesIO(raw), dtype={"commit": str})
    frame["as_of"] = pd.to_datetime(frame["as_of"], format="%Y-%m-%d")
    frame = frame.sort_values("as_of", ignore_index=True)
    changed = frame["mz_confirmed_total"].ne(frame["mz_confirmed_total"].shift())
    changed.iloc[-1] = True
    return frame.loc[changed].reset_index(drop=True)
