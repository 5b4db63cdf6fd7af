"""Formatting and glue: what a reader sees must be a plain, correctly formatted string."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from helpers.present import text


@pytest.mark.parametrize(
    "value, shown",
    [(78329, "78,329"), (np.int64(2700), "2,700"), (np.float64(120506.9), "120,507"), (0, "0"), (2.5, "2")],
)
def test_fmt_int(value, shown):
    assert text.fmt_int(value) == shown


def test_fmt_number_and_percent():
    assert text.fmt_number(2700 / 465, 1) == "5.8"
    assert text.fmt_number(np.float64(1234.567), 2) == "1,234.57"
    assert text.fmt_percent(100 * 1000 / 2700) == "37%"
    assert text.fmt_percent(41.86, 1) == "41.9%"


@pytest.mark.parametrize(
    "value", [dt.date(2024, 8, 6), pd.Timestamp("2024-08-06"), "2024-08-06", dt.datetime(2024, 8, 6, 12)]
)
def test_fmt_date(value):
    assert text.fmt_date(value) == "6 August 2024"


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), np.bool_(True), True, "12", None])
def test_numbers_refuse_what_they_cannot_show(bad):
    with pytest.raises((TypeError, ValueError)):
        text.fmt_int(bad)


def test_fmt_date_refuses_missing():
    with pytest.raises(TypeError):
        text.fmt_date(pd.NaT)


def test_to_builtin_unwraps_numpy():
    assert type(text.to_builtin(np.int64(3))) is int
    assert type(text.to_builtin(np.float32(0.5))) is float


def test_glue_text_takes_only_formatted_strings(monkeypatch):
    glued = {}
    monkeypatch.setattr("myst_nb.glue", lambda key, value, display=True: glued.update({key: value}))
    monkeypatch.setattr(text, "GLUED", {})
    assert text.glue_text("answer", "2,700") is None
    assert glued == {"answer": "2,700"}
    with pytest.raises(TypeError):
        text.glue_text("raw", np.float64(5.8))
    with pytest.raises(ValueError, match="already holds"):
        text.glue_text("answer", "2,800")
    text.glue_text("other", "1")
    assert list(text.glued_table()["shown as"]) == ["2,700", "1"]


def test_tables_are_numbered_myst_tables_with_row_labels():
    from helpers.present import docs

    frame = pd.DataFrame({"2023": ["465", "a|b"]}, index=["ISW", "DeepState"])
    markdown = docs.table(frame, "A caption.", "tbl-x").data
    assert markdown.startswith("```{table} A caption.\n:name: tbl-x")
    assert "|  | 2023 |" in markdown and "| ISW | 465 |" in markdown and "a\\|b" in markdown


def test_negative_numbers_take_the_minus_sign_and_zero_has_none():
    """A hyphen stood for minus ("net with grey zone -108") while the charts' tooltips write "−";
    a change rounded to zero read "-0.00" in the negotiation chart's data table."""
    from helpers.present import charts

    assert text.fmt_int(-108) == "\u2212108" and text.fmt_int(-1234.4) == "\u22121,234"
    assert text.fmt_number(-0.001, 2) == "0.00" and text.fmt_number(-5.25, 1) == "\u22125.2"
    assert text.fmt_percent(-3.2) == "\u22123%" and text.fmt_percent(-0.2) == "0%"
    assert text.fmt_int(0) == "0" and text.fmt_number(2.5, 1) == "2.5"
    assert charts._cell_text(-0.001, ",.2f") == "0.00" and charts._cell_text(-3, ",") == "\u22123"
    assert charts._cell_text(-185.0) == "\u2212185" and charts._cell_text(-0.004) == "0.00"


def test_lists_and_months_read_as_prose():
    from helpers.present.text import fmt_list, fmt_month_span, fmt_months

    assert [fmt_list(items) for items in (["a"], ["a", "b"], ["a", "b", "c"])] == ["a", "a and b", "a, b and c"]
    days = pd.to_datetime(["2024-11-15", "2024-10-03", "2024-10-20"])
    assert fmt_months(days) == "October and November 2024"
    assert fmt_months(pd.to_datetime(["2024-12-01", "2025-01-31"])) == "December 2024 and January 2025"
    assert fmt_month_span(days) == "from October 2024 to November 2024"
    assert fmt_month_span(days[:1]) == "in November 2024"
    with pytest.raises(ValueError, match="no dates"):
        fmt_month_span([])


@pytest.mark.parametrize(
    "value, noun, shown",
    [
        (4, "date", "four dates"),
        (np.int64(1), "day", "one day"),
        (2, "day", "two days"),
        (0, "month", "no months"),
        (9, "decimal place", "nine decimal places"),
        (10, "day", "10 days"),
        (1200, "claim", "1,200 claims"),
        (3, "child", "three children"),
    ],
)
def test_a_count_reads_as_words_under_ten_and_figures_from_ten(value, noun, shown):
    plural = "children" if noun == "child" else None
    assert text.fmt_count(value, noun, plural) == shown


@pytest.mark.parametrize("bad", [2.5, -1, np.float64(3.0), True, "4", float("nan")])
def test_a_count_is_a_whole_number_not_below_zero(bad):
    with pytest.raises((TypeError, ValueError)):
        text.fmt_count(bad, "date")


@pytest.mark.parametrize(
    "percent, shown",
    [
        (18.41, "nearly a fifth"),
        (np.float64(20.1), "a fifth"),
        (27, "more than a quarter"),
        (49, "nearly half"),
        (51, "more than half"),
        (66.7, "two thirds"),
        (9.5, "nearly a tenth"),
    ],
)
def test_a_share_reads_as_the_nearest_simple_fraction(percent, shown):
    assert text.fmt_fraction(percent) == shown


@pytest.mark.parametrize("bad", [0, 100, -5, float("nan"), "18%"])
def test_a_fraction_is_of_a_share_strictly_between_none_and_all(bad):
    with pytest.raises((TypeError, ValueError)):
        text.fmt_fraction(bad)


def test_a_size_comparison_follows_every_reading():
    assert text.fmt_size_against([909, np.float64(1253)], 1376) == "smaller than"
    assert text.fmt_size_against(2554, 605) == "larger than"
    assert text.fmt_size_against([605, 882], 700) == "smaller or larger, depending on the reading, than"
    assert text.fmt_size_against([700], 700) == "the same as"
    assert text.fmt_size_against([189, 277], (592.5, 593.5)) == "smaller than"  # nearly 593
    assert text.fmt_size_against(593, (592.5, 593.5)) == "about the same as"
    assert text.fmt_size_against(1200, (1000, float("inf"))) == "about the same as"  # more than 1,000
    with pytest.raises(ValueError):
        text.fmt_size_against([], 700)


def test_only_text_for_data_after_the_article_says_hindsight():
    cut = pd.Timestamp("2024-11-20")
    assert text.hindsight_marked("20 November 2024", "2024-11-20", cut) == "20 November 2024"  # its day is knowable
    assert text.hindsight_marked("21 November 2024", "2024-11-21", cut) == "21 November 2024 (hindsight)"
    assert text.hindsight_marked("the latest snapshot", pd.Timestamp("2026-02-12"), cut).endswith("(hindsight)")


def test_a_date_is_marked_by_the_day_it_could_be_known():
    cut = pd.Timestamp("2024-11-20")
    assert text.fmt_date_marked(pd.Timestamp("2024-11-24"), cut) == "24 November 2024 (hindsight)"
    assert text.fmt_date_marked(pd.Timestamp("2024-11-15"), cut) == "15 November 2024"
    # a figure about the 15th, published on the 23rd, was not known by the article's date
    published = pd.Timestamp("2024-11-23")
    assert text.fmt_date_marked(pd.Timestamp("2024-11-15"), cut, published) == "15 November 2024 (hindsight)"
