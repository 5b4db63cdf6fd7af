"""Mediazona and General Staff readers, and the chapter's figures, on small known inputs."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from helpers.analysis import human_cost
from helpers.data.load import load
from helpers.derive import general_staff, mediazona

SNAPSHOT = b"date,change,total\n2024-01-30,2,2\n2024-01-31,3,5\n2024-02-01,4,9\n2024-02-02,0,9\n"


def test_parse_snapshot_and_monthly():
    daily = mediazona.parse_snapshot(SNAPSHOT)
    months = mediazona.monthly(daily)
    assert list(months["deaths"]) == [5, 4]
    assert list(months["days_covered"]) == [31, 2]
    assert mediazona.count_between(daily, "2024-01-31", "2024-02-28") == (7, pd.Timestamp("2024-02-02"))


@pytest.mark.parametrize(
    "raw, message",
    [
        (b"date,change,total\n2024-01-01,2,2\n2024-01-02,3,6\n", "running sum"),
        (b"date,change,total\n2024-01-02,2,2\n2024-01-01,3,5\n", "strictly increasing"),
        (b"date,change,total\n2024-01-01,-2,-2\n", "negative"),
        (b"day,n\n2024-01-01,2\n", "expected columns"),
    ],
)
def test_inconsistent_snapshots_are_refused(raw, message):
    with pytest.raises(mediazona.SnapshotError, match=message):
        mediazona.parse_snapshot(raw, "x.csv")


def test_headline_changes_keep_the_days_a_total_changed():
    raw = (
        b"as_of,mz_confirmed_total,with_known_death_date,commit\n"
        b"2024-01-01,10,5,a\n2024-01-02,10,5,b\n2024-01-03,12,6,c\n2024-01-04,12,6,d\n"
    )
    changes = mediazona.headline_changes(raw)
    assert list(changes["as_of"].dt.day) == [1, 3, 4]


def test_general_staff_monthly_differences():
    records = [
        {"date": d, "personnel": p, "personnel*": "about"}
        for d, p in [("2024-01-30", 100), ("2024-01-31", 110), ("2024-02-15", 150), ("2024-02-29", 200)]
    ]
    claims = general_staff.general_staff_monthly(json.dumps(records).encode())
    assert list(claims["claimed_in_month"]) == [110, 90]
    assert list(claims["cumulative"]) == [110, 200]


def test_bracketing_and_implied_range():
    headlines = pd.DataFrame(
        {"as_of": pd.to_datetime(["2024-10-12", "2024-11-09", "2024-11-23"]), "confirmed_total": [72899, 77143, 79819]}
    )
    before, after = human_cost.bracketing_headlines(headlines, 78329)
    assert (before["confirmed_total"], after["confirmed_total"]) == (77143, 79819)
    low, high = human_cost.implied_total_range(65000, 45, 65)
    assert (low, high) == pytest.approx((100000, 144444.44), rel=1e-6)
    with pytest.raises(ValueError):
        human_cost.implied_total_range(1, 70, 60)


def test_per_km2_pairs_every_source():
    table = human_cost.per_km2_table({"a": 100.0, "b": 200.0}, {"x": 10.0, "y": 20.0})
    assert len(table) == 4
    assert table["per_km2"].min() == pytest.approx(5) and table["per_km2"].max() == pytest.approx(20)


def test_daily_rates_use_complete_months_only():
    monthly = pd.DataFrame(
        {
            "snapshot_date": pd.Timestamp("2024-03-01"),
            "month": pd.to_datetime(["2024-01-01", "2024-02-01"]),
            "deaths": [310, 50],
            "days_covered": [31, 10],
        }
    )
    rates = human_cost.daily_rates(monthly, "2024-03-01")
    assert list(rates["per_day"]) == [10.0]


def test_committed_counts_rise_across_snapshots():
    """The reporting lag in the committed data: a fixed period's count never falls in later snapshots."""
    periods = load("mz_period_counts")
    for _, rows in periods.groupby("period_id"):
        assert rows.sort_values("snapshot_date")["deaths"].is_monotonic_increasing
