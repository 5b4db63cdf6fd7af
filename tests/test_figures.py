"""Derived figures on small hand-made tables with known answers."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from frames import figure_frame
from helpers.data.load import load
from helpers.data.sourced import figure, implied_total, per_day, ratio, share_of

T = figure_frame(
    ("year", 365.0, "km2", "about", "2023-01-01", "2023-12-31", "2023-12-31", "k", "o", "r"),
    ("march", 62.0, "km2", "more than", "2023-03-01", "2023-03-31", "2023-03-31", "k", "o", "r"),
    ("deaths", 1000.0, "people", "at least", None, None, "2023-12-31", "k", "o", "r"),
    ("share", 40.0, "percent", "unqualified", None, None, "2023-12-31", "k", "o", "r"),
    ("april", 60.0, "km2", "about", "2023-04-01", "2024-01-31", "2024-01-31", "k", "o", "r"),
)


def test_days_include_both_ends():
    assert figure(T, "year").days == 365
    assert figure(T, "march").days == 31


def test_a_figure_is_known_from_its_publication_or_the_day_it_describes():
    deaths = figure(T, "deaths")
    assert deaths.published is None and deaths.known_on == deaths.as_of
    later = dataclasses.replace(deaths, published=pd.Timestamp("2024-02-01"))
    assert later.known_on == pd.Timestamp("2024-02-01")  # reported a month after the day it counts
    assert dataclasses.replace(deaths, published=pd.Timestamp("2023-12-31")).known_on == deaths.as_of


def test_per_day_and_ratio():
    assert per_day(figure(T, "march")) == pytest.approx(2.0)
    assert ratio(figure(T, "year"), figure(T, "march")) == pytest.approx(365 / 62)


def test_ratio_refuses_mixed_units():
    with pytest.raises(ValueError, match="cannot divide"):
        ratio(figure(T, "year"), figure(T, "deaths"))


def test_share_of_requires_nested_periods():
    assert share_of(figure(T, "march"), figure(T, "year")) == pytest.approx(100 * 62 / 365)
    with pytest.raises(ValueError, match="not inside"):
        share_of(figure(T, "april"), figure(T, "year"))


def test_implied_total():
    assert implied_total(figure(T, "deaths"), figure(T, "share")) == pytest.approx(2500)
    with pytest.raises(ValueError):
        implied_total(figure(T, "deaths"), figure(T, "year"))


def test_stock_has_no_period():
    with pytest.raises(ValueError, match="no period"):
        _ = figure(T, "deaths").days


def test_unknown_figure_names_the_file():
    with pytest.raises(KeyError, match=r"data/territory\.csv"):
        figure(load("territory"), "no_such_figure")


def test_isw_ratio_from_the_committed_data():
    territory = load("territory")
    value = ratio(figure(territory, "isw_russian_gain_2024_ytd"), figure(territory, "isw_russian_gain_2023"))
    assert value == pytest.approx(2700 / 465)
