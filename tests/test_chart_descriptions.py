"""A chart's description (its text alternative, what a screen reader reads) names only the months
its data hold: descriptions typed "from September 2024 to January 2025" or "five dates" whatever
the chart was given. Each chart is checked on the chapter's tables and on a shorter span of them."""

from __future__ import annotations

import functools
import json
import re

import pandas as pd
import pytest

from helpers.analysis import human_cost, kursk, negotiation
from helpers.data.load import load
from helpers.present import charts
from test_hindsight import CUT, _chapter_charts, builders

MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
MONTH_LIST = re.compile(rf"((?:{MONTHS})(?:(?:, | and )(?:{MONTHS}))*) (\d{{4}})")
ISO_DAY = re.compile(r"\b(\d{4})-(\d{2})-\d{2}")


def months_named(description: str) -> set[str]:
    """Each month a description names, as "YYYY-MM" ("October and November 2024" names two)."""
    return {
        f"{pd.Timestamp(f'1 {name} {year}'):%Y-%m}"
        for names, year in MONTH_LIST.findall(description)
        for name in re.findall(MONTHS, names)
    }


def months_in_data(spec: dict) -> set[str]:
    """The months of every date in a chart's data (ISO days and days written out), besides its
    title and description."""
    rest = {k: v for k, v in spec.items() if k not in ("description", "title")}
    text = json.dumps(rest, ensure_ascii=False)
    found = {f"{year}-{month}" for year, month in ISO_DAY.findall(text)}
    for match in re.finditer(rf"\b((?:{MONTHS}) \d{{4}})\b", text):
        found.add(f"{pd.Timestamp('1 ' + match.group(1)):%Y-%m}")
    return found


#: The charts drawn again on a shorter span (named here, not drawn, to collect the tests).
SHORTER = ["deaths_per_day", "headline_totals", "held_area_timeline", "kursk_map", "weekly_change_with_events"]


@functools.cache
def _shorter_spans() -> dict:
    """Charts the chapters draw, given less than the chapters give them."""
    areas, events, monthly = load("deepstate_areas"), load("events"), load("mz_monthly")
    layers = load("map_layers")
    latest = human_cost.latest_snapshot(monthly)
    totals = pd.DataFrame({"as_of": [pd.Timestamp("2024-11-15")], "value": [78329.0], "label": ["reported"]})
    return {
        "held_area_timeline": charts.held_area_timeline(
            kursk.long_series(areas, "2024-08-01", "2024-12-31"),
            kursk.timeline(events, areas, end="2024-12-31"),
            cut=CUT,
        ),
        "headline_totals": charts.headline_totals(load("mz_headline_totals"), totals, cut=CUT),
        "deaths_per_day": charts.deaths_per_day(
            pd.concat([human_cost.daily_rates(monthly, "2024-10-01"), human_cost.daily_rates(monthly, latest)]),
            cut=CUT,
        ),
        "weekly_change_with_events": charts.weekly_change_with_events(
            negotiation.weekly_change(areas, "2024-10-01", "2024-12-31"),
            events.loc[events["date"] <= pd.Timestamp("2024-12-31")],
            cut=CUT,
        ),
        "kursk_map": charts.kursk_map(
            layers.loc[~((layers["layer"] == "kursk_held") & (layers["period"] == "1_oct_2024"))], cut=CUT
        ),
    }


def test_every_shorter_span_is_tested():
    assert sorted(_shorter_spans()) == SHORTER


def test_the_description_reader_reads_months_out():
    assert months_named("totals reported in October and November 2024, from 4 August 2024") == {
        "2024-10",
        "2024-11",
        "2024-08",
    }


@pytest.mark.parametrize("name", sorted(builders()))
def test_a_chart_description_names_only_months_in_its_data(name):
    spec = _chapter_charts()[name].to_dict()
    named = months_named(spec["description"]) - {f"{CUT:%Y-%m}"}
    assert named <= months_in_data(spec), (name, sorted(named - months_in_data(spec)), spec["description"])


@pytest.mark.parametrize("name", SHORTER)
def test_a_chart_given_a_shorter_span_describes_that_span(name):
    spec = _shorter_spans()[name].to_dict()
    named = months_named(spec["description"]) - {f"{CUT:%Y-%m}"}
    assert named <= months_in_data(spec), (name, sorted(named - months_in_data(spec)), spec["description"])


def test_the_kursk_map_describes_the_outlines_it_draws():
    layers = load("map_layers")
    fewer = layers.loc[~((layers["layer"] == "kursk_held") & (layers["period"] == "1_oct_2024"))]
    description = charts.kursk_map(fewer, cut=CUT).to_dict()["description"]
    assert "1 October 2024" not in description and "five" not in description
    assert "20 January 2025" in description and "hindsight" in description


def test_the_totals_chart_names_the_months_of_the_totals_reported():
    totals = pd.DataFrame({"as_of": [pd.Timestamp("2024-11-15")], "value": [78329.0], "label": ["reported"]})
    description = charts.headline_totals(load("mz_headline_totals"), totals, cut=CUT).to_dict()["description"]
    assert "reported in the press in November 2024" in description and "October" not in description


def test_the_deaths_per_day_chart_names_the_snapshots_it_compares():
    monthly = load("mz_monthly")
    latest = human_cost.latest_snapshot(monthly)
    rates = pd.concat([human_cost.daily_rates(monthly, "2024-10-01"), human_cost.daily_rates(monthly, latest)])
    description = charts.deaths_per_day(rates, cut=CUT).to_dict()["description"]
    assert f"as known on 1 October 2024 and on {latest.day} {latest:%B %Y} (hindsight" in description
    assert "November 2024 and" not in description
