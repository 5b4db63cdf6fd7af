"""The surge chapter's comparisons, on small tables with known answers and on the committed data."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.analysis import surge
from helpers.data.load import load


def changes_table():
    rows = []
    for stem, label, start, end, net, gained, lost in [
        ("window_a", "A", "2023-01-01", "2023-12-31", -100.0, 400.0, 500.0),
        ("window_b", "B", "2023-12-31", "2024-03-30", 900.0, 910.0, 10.0),
        ("month_2024_01", "January 2024", "2023-12-31", "2024-01-31", 30.0, 31.0, 1.0),
    ]:
        rows.append(
            {
                "change_id": f"{stem}_occupied",
                "kind": "month" if stem.startswith("month") else "window",
                "label": label,
                "definition": "occupied",
                "start_date": pd.Timestamp(start),
                "end_date": pd.Timestamp(end),
                "net_km2": net,
                "gained_km2": gained,
                "lost_km2": lost,
            }
        )
    return pd.DataFrame(rows)


def test_deepstate_change_and_rates():
    b = surge.deepstate_change(changes_table(), "window_b")
    assert (b.net, b.gained, b.lost, b.days) == (900.0, 910.0, 10.0, 90)
    assert b.net_per_day == pytest.approx(10.0)
    with pytest.raises(KeyError, match="window_c_occupied"):
        surge.deepstate_change(changes_table(), "window_c")


def test_ratio_is_withheld_when_the_base_is_a_loss():
    assert surge.ratio_if_meaningful(900, 450) == pytest.approx(2.0)
    assert surge.ratio_if_meaningful(900, -100) is None
    assert surge.ratio_if_meaningful(900, 0) is None
    table = surge.ratio_table({"net": (900.0, -100.0, "x"), "gross": (910.0, 400.0, "y"), "isw": (1.0, None, "z")})
    assert list(table["2024 ÷ 2023"]) == ["not meaningful (2023 was a net loss)", "2.3", "not available"]


def test_isw_change_needs_both_days():
    isw = pd.DataFrame({"date": pd.to_datetime(["2023-12-31", "2024-11-17"]), "assessed_control_km2": [100.0, 350.5]})
    assert surge.isw_change(isw, "2023-12-31", "2024-11-17").net == pytest.approx(250.5)
    with pytest.raises(KeyError, match="2024-11-18"):
        surge.isw_change(isw, "2023-12-31", "2024-11-18")


def test_monthly_rows_get_month_and_year():
    months = surge.monthly(changes_table())
    assert list(months["month"]) == ["2024-01"] and list(months["year"]) == ["2024"]


def test_comparison_table_formats_every_measurement():
    a = surge.deepstate_change(changes_table(), "window_a")
    table = surge.comparison_table({"A": ("about", 465.0)}, {"A": None}, {"A": a}, {"A": a})
    row = table.loc["A"]
    assert row["ISW, as reported"] == "about 465"
    assert row["ISW layers, net"] == "no data"
    assert row["DeepState net"] == "\u2212100"  # the minus sign, as in the charts
    assert row["DeepState regained by Ukraine"] == "500"


def test_committed_data_give_the_documented_2024_change():
    changes, isw = load("deepstate_changes"), load("isw_areas")
    ds = surge.deepstate_change(changes, "window_2024_to_17_nov")
    assert ds.start == pd.Timestamp("2023-12-31") and ds.end == pd.Timestamp("2024-11-17")
    assert ds.net == pytest.approx(ds.gained - ds.lost, abs=1)
    layers = surge.isw_change(isw, "2023-12-31", "2024-11-17")
    assert 2000 < layers.net < 3500  # same order as ISW's reported "about 2,700"


def test_cumulative_series_start_at_zero():
    series = surge.cumulative_since(load("deepstate_areas"), load("isw_areas"), "2023-12-31", "2024-12-31")
    first = series.sort_values("date").groupby("series").first()
    assert set(first.index) == {
        "DeepState: occupied",
        "DeepState: occupied or grey zone",
        "ISW layers (third-party areas)",
    }
    assert (first["change_km2"] == 0).all()


@pytest.mark.parametrize("rate, words", [(10.6, "below"), (15.0, "level with"), (17.3, "above")])
def test_pace_words(rate, words):
    assert surge.pace_words(rate, 15.2) == words
