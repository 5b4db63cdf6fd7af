"""Data dated after the article is marked as hindsight in every chart and table that uses it."""

from __future__ import annotations

import functools
import inspect
import json
import re

import pandas as pd
import pytest

from helpers.analysis import claims, hindsight, human_cost, kursk, negotiation, surge
from helpers.data.load import load
from helpers.present import charts

CUT = pd.Timestamp("2024-11-20")
# a text Vega left out for room is drawn with opacity="0": it is not read, so not matched
SVG_TEXT = re.compile(r"<text(?![^>]*opacity=\"0\")[^>]*>([^<>]+)</text>")


def svg_texts(svg: str, role: str) -> list[list[str]]:
    """The texts shown in each mark group of ``role`` (``axis-label``, ``legend-title``,
    ``legend-label``) in a chart Vega drew as SVG, in drawing order; labels it left out for room
    are not shown, so not returned."""
    groups = re.findall(rf'<g class="mark-text role-{role}"[^>]*>(.*?)</g>', svg, re.S)
    return [SVG_TEXT.findall(group) for group in groups]


def builders() -> dict:
    """Every chart builder in helpers.present.charts (they are all wrapped by ``_shown``)."""
    return {
        name: fn
        for name, fn in vars(charts).items()
        if callable(fn) and hasattr(fn, "__wrapped__") and fn.__module__ == charts.__name__
    }


def test_the_article_date_comes_from_the_events_table():
    assert hindsight.article_date() == CUT
    events = load("events")
    with pytest.raises(KeyError, match="bbc_article_published"):
        hindsight.article_date_from(events.loc[events["event_id"] != hindsight.ARTICLE_EVENT])


def test_the_article_day_is_knowable_and_the_next_is_hindsight():
    assert hindsight.when("2024-11-20", CUT) == hindsight.KNOWN
    assert hindsight.when("2024-11-21", CUT) == hindsight.HINDSIGHT
    table = hindsight.mark(pd.DataFrame({"end": pd.to_datetime(["2024-11-17", "2024-12-31"])}), "end", CUT)
    assert list(table["when"]) == [hindsight.KNOWN, hindsight.HINDSIGHT]


@pytest.mark.parametrize("name", sorted(builders()))
def test_every_chart_builder_requires_the_cut(name):
    parameter = inspect.signature(builders()[name].__wrapped__).parameters.get("cut")
    assert parameter is not None, f"charts.{name} must take the article's date as cut="
    assert parameter.kind is inspect.Parameter.KEYWORD_ONLY and parameter.default is inspect.Parameter.empty


def _chapter_charts() -> dict:
    """Each builder, called on the tables its chapter passes it (all running past the cut); drawn
    once per test process, as many tests read them (a chart is only read, through ``to_dict``)."""
    return dict(_drawn_chapter_charts())


@functools.cache
def _drawn_chapter_charts() -> dict:
    areas, changes, isw, events = load("deepstate_areas"), load("deepstate_changes"), load("isw_areas"), load("events")
    monthly, headlines, gs = load("mz_monthly"), load("mz_headline_totals"), load("gs_monthly_claims")
    latest = human_cost.latest_snapshot(monthly)
    reported = pd.DataFrame({"date": [pd.Timestamp("2024-11-18")], "value": [2700.0], "label": ["reported"]})
    totals = pd.DataFrame({"as_of": [pd.Timestamp("2024-11-15")], "value": [78329.0], "label": ["reported"]})
    shares = negotiation.control_shares(areas, 603628.0)
    audit = claims.audit(load("claims"), claims.default_context())
    layers, places = load("map_layers"), load("places")
    return {
        "gains_map": charts.gains_map(layers, places, cut=CUT),
        "kursk_map": charts.kursk_map(layers, cut=CUT),
        "verdict_summary": charts.verdict_summary(audit, cut=CUT),
        "claims_overview": charts.claims_overview(audit, cut=CUT),
        "monthly_net_change": charts.monthly_net_change(surge.monthly(changes), cut=CUT),
        "cumulative_change": charts.cumulative_change(
            surge.cumulative_since(areas, isw, "2023-12-31", "2024-12-31"), "31 December 2023", reported, cut=CUT
        ),
        "held_area_timeline": charts.held_area_timeline(
            kursk.long_series(areas, "2024-08-01", "2025-01-31"), kursk.timeline(events, areas), cut=CUT
        ),
        "headline_totals": charts.headline_totals(headlines, totals, cut=CUT),
        "deaths_per_day": charts.deaths_per_day(
            pd.concat([human_cost.daily_rates(monthly, "2024-11-15"), human_cost.daily_rates(monthly, latest)]),
            cut=CUT,
        ),
        "reporting_lag": charts.reporting_lag(human_cost.lag_series(monthly, ["2024-09-01"]), cut=CUT),
        "general_staff_claims": charts.general_staff_claims(gs, cut=CUT),
        "control_share": charts.control_share(shares, start="2023-12-31", cut=CUT),
        "weekly_change_with_events": charts.weekly_change_with_events(
            negotiation.weekly_change(areas, "2024-09-01", "2025-01-20"), events, cut=CUT
        ),
    }


def _marks_hindsight(spec: dict) -> bool:
    """A layer named 'hindsight' (a shaded band), or data rows labelled as hindsight."""
    text = json.dumps(spec)
    return f'"name": "{charts.HINDSIGHT_NAME}"' in text or "Hindsight" in text or "(hindsight)" in text


def test_every_chart_is_tested_here():
    assert set(_chapter_charts()) == set(builders())


@pytest.mark.parametrize("name", sorted(builders()))
def test_charts_running_past_the_article_mark_hindsight(name):
    spec = _chapter_charts()[name].to_dict()
    assert _marks_hindsight(spec), f"charts.{name} shows data after {CUT.date()} without a hindsight mark"
    assert "hindsight" in spec["description"].lower(), f"charts.{name}'s text alternative must say so"


def test_a_chart_that_ends_before_the_cut_has_no_band():
    areas, isw = load("deepstate_areas"), load("isw_areas")
    spec = charts.cumulative_change(
        surge.cumulative_since(areas, isw, "2023-12-31", "2024-11-17"), "31 December 2023", cut=CUT
    ).to_dict()
    assert f'"name": "{charts.HINDSIGHT_NAME}"' not in json.dumps(spec)


def test_a_later_snapshot_is_labelled_hindsight_in_the_series():
    monthly = load("mz_monthly")
    latest = human_cost.latest_snapshot(monthly)
    rates = pd.concat([human_cost.daily_rates(monthly, "2024-11-15"), human_cost.daily_rates(monthly, latest)])
    values = charts.deaths_per_day(rates, cut=CUT).to_dict()
    labels = {row["as known on"] for data in values["datasets"].values() for row in data}
    assert labels == {"15 November 2024", f"{latest.day} {latest:%B %Y} (hindsight)"}


def test_the_snapshots_are_listed_oldest_first():
    # the legend listed "12 February 2026 (hindsight)" before "15 November 2024": label order,
    # not date order, put the later count first and gave it the first colour
    monthly = load("mz_monthly")
    latest = human_cost.latest_snapshot(monthly)
    rates = pd.concat([human_cost.daily_rates(monthly, latest), human_cost.daily_rates(monthly, "2024-11-15")])
    import vl_convert

    svg = vl_convert.vegalite_to_svg(charts.deaths_per_day(rates, cut=CUT).to_dict())
    shown = [text for label in svg_texts(svg, "legend-label") for text in label]
    assert shown == ["15 November 2024", f"{latest.day} {latest:%B %Y} (hindsight)"]


def test_months_ending_after_the_article_are_faint():
    months = surge.monthly(load("deepstate_changes"))
    spec = charts.monthly_net_change(months, cut=CUT).to_dict()
    rows = next(iter(spec["datasets"].values()))
    by_month = {row["label"]: row["when"] for row in rows}
    assert by_month["October 2024"].startswith("Known")
    assert by_month["November 2024"].startswith("Hindsight")  # it ends on 30 November


def test_the_places_table_marks_later_snapshots_as_hindsight():
    table = surge.places_against_front(load("places"), load("place_status"), CUT)
    assert "20 November 2024" in table.columns
    later = [c for c in table.columns if c != "20 November 2024"]
    assert later and all(c.endswith("(hindsight)") for c in later)
    kurakhove = table.loc["Kurakhove (Donetsk region)"]
    assert kurakhove["20 November 2024"].startswith("held by Ukraine, 1.6 km")
    assert kurakhove.iloc[-1] == "occupied"


def test_the_regions_table_marks_the_window_after_the_article():
    table = surge.gains_by_region(load("gains_by_oblast"), CUT)
    assert table.index[0] == "Donetsk"  # where most ground was taken
    later = [c for c in table.columns if "hindsight" in c]
    assert later == ["20 November 2024 to 20 January 2025 (hindsight)"]
    assert all("hindsight" not in c for c in table.columns if "2023" in c or "3 November" in c)


def test_the_article_date_rests_on_its_own_row_alone():
    """``article_date`` declares one row of the events table (the ledger lists that row's source
    alone): no other row changes it, and that row does."""
    from helpers.data.load import ROW_READERS

    assert ROW_READERS["article_date"] == {"events": ("event_id", hindsight.ARTICLE_EVENT)}
    events = load("events")
    others = events["event_id"] != hindsight.ARTICLE_EVENT
    shifted = events.assign(date=events["date"].where(~others, events["date"] + pd.Timedelta(days=400)))
    assert hindsight.article_date_from(shifted) == hindsight.article_date_from(events)
    moved = events.assign(date=events["date"].where(others, events["date"] + pd.Timedelta(days=1)))
    assert hindsight.article_date_from(moved) == hindsight.article_date_from(events) + pd.Timedelta(days=1)


def test_a_figure_published_after_the_article_is_marked_in_the_claims_overview():
    # its measurement may be dated before the article (the Kursk peak, 6 September 2024) while
    # the figure it is set against was reported after it (Reuters, 23 November)
    audit = claims.audit(load("claims"), claims.default_context()).set_index("short")
    shown = _chapter_charts()["claims_overview"].chart.layer[0].data["claim"]
    assert len(shown) > 3
    for label in shown:
        short = label.split(": ")[0]
        later = hindsight.is_hindsight(audit.loc[short, "published"], CUT)
        assert label.endswith("(hindsight)") == later, label
    assert any(label.endswith("(hindsight)") for label in shown)
