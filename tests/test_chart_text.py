"""Chart text stays whole and inside the chart at any width, on the web and in print (the browser's
accessibility test checks the rendered pages with ``CUT_CHART_TEXT``; these check the specs)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from helpers.paths import PROJECT_ROOT
from helpers.present import charts


def _chart_with_its_own_legend_settings() -> dict:
    data = pd.DataFrame({"x": [1, 2], "y": [3, 4], "series": ["a long series name", "another"]})
    chart = alt.Chart(data).mark_line().encode(x="x:Q", y="y:Q", color=alt.Color("series:N"))
    return chart.configure_legend(titleFontSize=13).to_dict()


def test_web_and_print_specs_keep_legend_labels_whole_and_stacked():
    spec = _chart_with_its_own_legend_settings()
    for config in (charts._web_spec(spec)["config"], charts._print_spec(spec)["config"]):
        assert config["legend"]["labelLimit"] == 0  # never "…"
        assert config["legend"]["layout"]["bottom"]["direction"] == "vertical"
        assert config["axisX"]["labelFlush"] == charts.TEXT_FITS["axisX"]["labelFlush"]
        assert config["legend"]["titleFontSize"] == 13  # the chart's own setting is kept


def test_a_charts_own_legend_settings_add_to_the_books_colours():
    web = charts._web_spec(_chart_with_its_own_legend_settings())["config"]["legend"]
    assert web["labelColor"] == charts.INK and web["titleColor"] == charts.INK  # follows the dark theme


def test_the_hindsight_label_moves_before_a_band_too_narrow_for_it():
    _band, text = charts._hindsight_band(pd.Timestamp("2024-11-20"), pd.Timestamp("2025-01-31"), 300)
    mark = text.to_dict()["mark"]
    assert "scale('x', datum.start)" in mark["align"]["expr"] and "'right'" in mark["align"]["expr"]
    assert "scale('x', datum.start)" in mark["dx"]["expr"]


def test_time_axes_write_dates_day_first():
    """A time axis wrote "Aug 04" beside "September" (Vega's default); the book writes dates day
    first ("4 August 2024"), so a week's tick reads "4 Aug", a month's "September", a year's "2025"."""
    import re

    import vl_convert

    from test_hindsight import _chapter_charts

    found = _chapter_charts()
    for name in ("held_area_timeline", "weekly_change_with_events"):  # weekly ticks at print width
        svg = vl_convert.vegalite_to_svg(charts._print_spec(found[name].to_dict()))
        labels = re.findall(r"<text[^>]*>([^<>]+)</text>", svg)
        assert not [label for label in labels if re.fullmatch(r"[A-Z][a-z]{2} \d{2}", label)], (name, labels)
        assert [label for label in labels if re.fullmatch(r"\d{1,2} [A-Z][a-z]{2}", label)], (name, labels)


def test_event_labels_lie_on_a_halo_over_the_lines_they_cross():
    """On a phone, the line joining an early event's label to its date ran through later labels
    running left from near the right edge. Each label now lies on a halo, drawn after the lines and
    before the label, in white for print and in the page's colour on the web (``_static/book.css``)."""
    marks = pd.DataFrame(
        {"date": pd.to_datetime(["2024-11-05", "2024-11-20"]), "label": ["US election", "Mines announced"]}
    )
    leaders, halo, text = (layer.to_dict() for layer in charts._event_labels(marks))
    assert leaders["mark"]["type"] == "rule"
    assert halo["name"] == charts.EVENT_LABEL_HALO
    assert halo["mark"]["stroke"] == "white" and halo["mark"]["strokeWidth"] >= 3
    assert {k: v for k, v in halo["mark"].items() if not k.startswith("stroke")} == text["mark"]
    assert halo["encoding"] == text["encoding"] and "stroke" not in text["mark"]
    css = (PROJECT_ROOT / "_static" / "book.css").read_text(encoding="utf-8")
    assert f"g.{charts.EVENT_LABEL_HALO}_marks text" in css and "var(--pst-color-background" in css
