"""Chart text stays whole and inside the chart at any width, on the web and in print (the browser's
accessibility test checks the rendered pages with ``CUT_CHART_TEXT``; these check the specs)."""

from __future__ import annotations

import altair as alt
import pandas as pd

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
