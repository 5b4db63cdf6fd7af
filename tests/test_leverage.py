"""Leverage arithmetic on small tables with known answers, and on the committed data."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.analysis import negotiation
from helpers.data.load import load

AREAS = pd.DataFrame(
    {
        "snapshot_date": pd.to_datetime(["2024-01-01", "2024-01-08", "2024-01-15"]),
        "occupied_km2": [1000.0, 1070.0, 1210.0],
        "occupied_before_2022_km2": [400.0, 400.0, 400.0],
        "kursk_ukraine_held_km2": [0.0, 35.0, 70.0],
        "kursk_held_or_grey_km2": [0.0, 50.0, 100.0],
    }
)


def test_control_shares_split_before_and_since():
    shares = negotiation.control_shares(AREAS, 10000.0)
    assert list(shares["before_2022_pct"]) == [4.0, 4.0, 4.0]
    assert list(shares["since_2022_pct"]) == pytest.approx([6.0, 6.7, 8.1])
    assert list(shares["total_pct"]) == pytest.approx([10.0, 10.7, 12.1])


def test_bargaining_ratio():
    ratios = negotiation.bargaining_ratios(AREAS, "2024-01-01", ["2024-01-08", "2024-01-15"])
    assert list(ratios["ratio_held"]) == pytest.approx([0.5, 1 / 3])
    assert list(ratios["russian_gain_km2"]) == [70.0, 210.0]
    held, occupied = ratios["kursk_held_km2"], ratios["occupied_km2"]
    assert list(ratios["share_of_occupied_pct"]) == pytest.approx(list(100 * held / occupied))
    with pytest.raises(KeyError):
        negotiation.bargaining_ratios(AREAS, "2024-01-02", ["2024-01-08"])


def test_projection_is_a_straight_line():
    p = negotiation.Projection("x", pd.Timestamp("2024-11-17"), 1000.0, 10.0, pd.Timestamp("2025-01-20"))
    assert p.days == 64 and p.projected_km2 == pytest.approx(1640.0)


def test_weekly_change_per_day():
    weekly = negotiation.weekly_change(AREAS, "2024-01-01", "2024-01-31")
    assert list(weekly["per_day"]) == pytest.approx([10.0, 20.0])


def test_committed_shares_are_plausible():
    area = load("territory").set_index("figure_id").loc["ukraine_area_official", "value"]
    shares = negotiation.control_shares(load("deepstate_areas"), area)
    assert shares["total_pct"].between(15, 25).all()  # a fifth of Ukraine, give or take
    assert (shares["total_pct"] - shares["before_2022_pct"] - shares["since_2022_pct"]).abs().max() < 1e-9
