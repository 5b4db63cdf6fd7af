"""Ukraine's General Staff daily claims of Russian personnel losses, as monthly claims.

A claim by a party to the war (killed and wounded together), never merged with named counts.
"""

from __future__ import annotations

import json

import pandas as pd

from helpers.derive.mediazona import SnapshotError


def general_staff_monthly(raw: bytes) -> pd.DataFrame:
    """Claimed Russian personnel losses (killed and wounded) per month, from the cumulative series.

    ``claimed_in_month`` is the cumulative claim at the month's last reported day minus that at
    the previous month's; the first month counts from zero (the claim began at the invasion).
    """
    records = json.loads(raw)
    frame = pd.DataFrame(
        {
            "date": pd.to_datetime([r["date"] for r in records], format="%Y-%m-%d"),
            "cumulative": [int(r["personnel"]) for r in records],
            "qualifier": [str(r.get("personnel*", "")) for r in records],
        }
    ).sort_values("date", ignore_index=True)
    if not frame["cumulative"].is_monotonic_increasing:
        raise SnapshotError("General Staff series: cumulative claim decreases")
    frame["month"] = frame["date"].dt.to_period("M")
    last = frame.groupby("month").tail(1).reset_index(drop=True)
    last["claimed_in_month"] = last["cumulative"].diff().fillna(last["cumulative"]).astype(int)
    last["days_covered"] = last["date"].dt.day
    last["month"] = last["month"].dt.to_timestamp()
    return last[["month", "date", "cumulative", "claimed_in_month", "days_covered", "qualifier"]]
