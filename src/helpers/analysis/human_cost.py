"""Russian military deaths confirmed by name (Mediazona with BBC Russian), and the claims of
Ukraine's General Staff, kept strictly apart.

A Mediazona snapshot (``YYYY-MM-DD_cumsum.csv``, columns ``date,change,total``) counts confirmed
deaths by **date of death**, for deaths whose date is known. Each later snapshot adds names for
past dates, so the count for any period keeps rising for months: the *reporting lag*. Every
count here is therefore "as known in" a given snapshot.

Ukraine's General Staff publishes a daily cumulative figure of Russian personnel losses (killed
and wounded together). It is a claim by a party to the war, not a count of names, and is only
ever shown as such, beside the named count, never merged with it.
"""

from __future__ import annotations

import pandas as pd


def latest_snapshot(table: pd.DataFrame) -> pd.Timestamp:
    return table["snapshot_date"].max()


def period_count(periods: pd.DataFrame, period_id: str, snapshot) -> pd.Series:
    """The count of ``period_id`` as known in ``snapshot`` (a row of mz_period_counts)."""
    rows = periods.loc[(periods["period_id"] == period_id) & (periods["snapshot_date"] == pd.Timestamp(snapshot))]
    if len(rows) != 1:
        raise KeyError(f"no count for {period_id} in the snapshot of {pd.Timestamp(snapshot).date()}")
    return rows.iloc[0]


def bracketing_headlines(headlines: pd.DataFrame, value: float) -> tuple[pd.Series, pd.Series]:
    """The last published total below ``value`` and the first at or above it."""
    ordered = headlines.sort_values("as_of")
    below = ordered.loc[ordered["confirmed_total"] < value]
    above = ordered.loc[ordered["confirmed_total"] >= value]
    if below.empty or above.empty:
        raise ValueError(f"{value} is not between two published totals")
    before, after = below.iloc[-1], above.iloc[0]
    if before["as_of"] > after["as_of"]:
        raise ValueError("published totals are not increasing around the value")
    return before, after


def daily_rates(monthly_table: pd.DataFrame, snapshot) -> pd.DataFrame:
    """Deaths per day by month of death, as known in one snapshot (complete months only)."""
    rows = monthly_table.loc[monthly_table["snapshot_date"] == pd.Timestamp(snapshot)].copy()
    rows["days_in_month"] = rows["month"].dt.days_in_month
    rows = rows.loc[rows["days_covered"] == rows["days_in_month"]]
    rows["per_day"] = rows["deaths"].astype(float) / rows["days_in_month"]
    return rows[["snapshot_date", "month", "deaths", "days_in_month", "per_day"]].reset_index(drop=True)


def lag_series(monthly_table: pd.DataFrame, months: list[str]) -> pd.DataFrame:
    """How the count for each given month of death grew across later snapshots."""
    wanted = [pd.Timestamp(m) for m in months]
    rows = monthly_table.loc[monthly_table["month"].isin(wanted)].copy()
    rows = rows.loc[rows["days_covered"] == rows["month"].dt.days_in_month]  # month fully covered
    rows["month_label"] = rows["month"].dt.strftime("%B %Y")
    return rows[["month", "month_label", "snapshot_date", "deaths"]].sort_values(
        ["month", "snapshot_date"], ignore_index=True
    )


def implied_total_range(count: float, low_percent: float, high_percent: float) -> tuple[float, float]:
    """Totals implied if the count captures between ``low`` and ``high`` percent of deaths."""
    if not 0 < low_percent <= high_percent <= 100:
        raise ValueError("coverage must satisfy 0 < low <= high <= 100")
    return count / (high_percent / 100), count / (low_percent / 100)


def per_km2_table(deaths: dict[str, float], areas: dict[str, float]) -> pd.DataFrame:
    """Deaths per km² for every pairing of a death count and an area (long form)."""
    rows = [
        {"deaths source": d_name, "area source": a_name, "deaths": d, "km2": a, "per_km2": d / a}
        for d_name, d in deaths.items()
        for a_name, a in areas.items()
        if a > 0
    ]
    return pd.DataFrame(rows)
