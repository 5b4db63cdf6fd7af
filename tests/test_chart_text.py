"""Chart text stays whole and inside the chart at any width, on the web and in print (the browser's
accessibility test checks the rendered pages with ``CUT_CHART_TEXT``; these check the specs)."""

from __future__ import annotations

import functools
import json
import re

import altair as alt
import pandas as pd

from helpers.paths import PROJECT_ROOT
from helpers.present import charts

CUT = pd.Timestamp("2024-11-20")
#: A year as a tick label writes it.
YEAR = re.compile(r"\b(19|20)\d{2}\b")


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
    _band, (_halo, text) = charts._hindsight_band(pd.Timestamp("2024-11-20"), pd.Timestamp("2025-01-31"), 300)
    mark = text.to_dict()["mark"]
    assert "scale('x', datum.start)" in mark["align"]["expr"] and "'right'" in mark["align"]["expr"]
    assert "scale('x', datum.start)" in mark["dx"]["expr"]


def test_time_axes_write_dates_day_first():
    """A time axis wrote "Aug 04" beside "September" (Vega's default); the book writes dates day
    first ("4 August 2024"), so a week's tick reads "4 Aug", a month's "Sep 2024", a year's "2025"."""
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


def test_chart_text_has_the_books_apostrophes():
    """Chart titles, legends, tooltips and "View the data" tables showed straight apostrophes
    ("the article's date") beside the prose's curly ones; an expression comparing with such a
    value must still match it."""
    data = pd.DataFrame({"x": [1, 2], "y": [3, 4], "when": ["the article's date", "hindsight"]})
    chart = (
        alt.Chart(data, title="Ukraine's hold")
        .mark_point()
        .encode(x="x:Q", y="y:Q", color="when:N", tooltip=["when:N"])
        .transform_filter('datum.when === "the article\'s date"')
    )
    spec = charts.typeset(chart.to_dict())
    assert "the article\u2019s date" in json.dumps(spec, ensure_ascii=False)
    assert spec["transform"][0]["filter"] == 'datum.when === "the article\u2019s date"'
    assert spec["encoding"]["x"] == {"field": "x", "type": "quantitative"}  # names are left alone
    bundle = charts.book_renderer(chart.to_dict())
    assert not re.search(r"\w'\w", bundle["text/html"] + bundle["text/plain"]), bundle["text/plain"]
    assert "Ukraine\u2019s hold" in bundle["text/plain"]


def test_the_chapters_charts_have_the_books_apostrophes():
    """What the chapters show, data from the tables included ("Ukraine's General Staff")."""
    import nbformat

    for path in sorted([PROJECT_ROOT / "index.ipynb", *(PROJECT_ROOT / "chapters").glob("*.ipynb")]):
        for cell in nbformat.read(path, as_version=4).cells:
            for output in cell.get("outputs", []):
                markup = output.get("data", {}).get("text/html", "")
                if "book-chart" in markup:
                    found = re.search(r".{0,40}\w'\w.{0,20}", markup)
                    assert not found, f"{path.name}: {found.group(0)}"


def test_the_data_tables_note_counts_the_rows_it_leaves_out():
    rows = [{"x": i, "y": i} for i in range(charts.DATA_TABLE_ROWS + 1)]
    spec = alt.Chart(pd.DataFrame(rows)).mark_point().encode(x="x:Q", y="y:Q").to_dict()
    assert "<p>1 more row is in the chapter\u2019s downloads.</p>" in charts.data_table(spec)


def test_dates_a_chart_writes_itself_are_day_first():
    """Vega-Lite's own date format wrote "Nov 20, 2024" in the descriptions screen readers read
    for each mark (the hindsight band's, for one), where the book writes "20 November 2024"."""
    (band,), _label = charts._hindsight_band(pd.Timestamp("2024-11-20"), pd.Timestamp("2025-01-31"), 300)
    for spec in (charts._web_spec(band.to_dict()), charts._print_spec(band.to_dict())):
        compiled = json.dumps(charts.vega_spec(spec))
        assert "%b %d, %Y" not in compiled and "%-d %B %Y" in compiled


@functools.cache
def _rendered_chapter_charts() -> tuple[tuple[str, str], ...]:
    """Each chapter chart as Vega draws it, in print and on the web: (name, SVG)."""
    import vl_convert

    from test_hindsight import _chapter_charts

    return tuple(
        (name, vl_convert.vegalite_to_svg(spec(chart.to_dict())))
        for name, chart in _chapter_charts().items()
        for spec in (charts._print_spec, charts._web_spec)
    )


def _time_axis_labels(svg: str) -> list[list[str]]:
    """The labels of each time axis in a chart's SVG, left to right as drawn."""
    from test_hindsight import svg_texts

    found = []
    for axis in re.finditer(r'<g class="mark-group role-axis" [^>]*aria-label="[^"]*time scale[^"]*"', svg):
        labels = svg_texts(svg[axis.end() :], "axis-label")
        found.append(labels[0] if labels else [])
    return found


def test_every_time_axis_says_which_year_it_starts_in():
    """The human cost chart's axis read "February, April, … December, February" with no year
    anywhere (its January tick, "2025", was left out for room): the first label names its year,
    and on a weekly axis every tick in January names it too ("19 Jan 2025")."""
    checked = 0
    for name, svg in _rendered_chapter_charts():
        for labels in _time_axis_labels(svg):
            checked += 1
            assert labels and YEAR.search(labels[0]), (name, labels)
            weekly = [label for label in labels if re.fullmatch(r"\d{1,2} [A-Z][a-z]{2}( \d{4})?", label)]
            assert all(YEAR.search(label) for label in weekly if " Jan" in label), (name, labels)
    assert checked >= 10


MONTH_OF = {
    m: i for i, m in enumerate(["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"])
}


def silent_year_changes(labels: list[str]) -> list[str]:
    """The labels of a time axis, in order, that lie in a later year than the label before them
    without naming it ("February 2024, June, October, February": the last February)."""
    silent, last = [], None
    for label in labels:
        named = YEAR.search(label)
        month = next((i for name, i in MONTH_OF.items() if re.search(rf"\b{name}", label)), 0 if named else None)
        if month is None:
            continue
        if not named and last is not None and month < last:
            silent.append(label)
        last = month
    return silent


def test_a_time_axis_names_the_year_wherever_it_changes():
    """At most widths, the human cost totals chart read "February 2024, June, October, February":
    its January tick, which named 2025, was left out for room. Wherever Vega leaves labels out, a
    label in a new year must still say so, at every width the book is read at."""
    import vl_convert

    assert silent_year_changes(["February 2024", "June", "October", "February"]) == ["February"]
    assert silent_year_changes(["4 Aug 2024", "September", "29 Dec", "5 Jan 2025", "February"]) == []
    from test_hindsight import _chapter_charts

    checked = 0
    for name, chart in _chapter_charts().items():
        for width in (320, 420, 560, 700, 860):
            spec = charts._print_spec(chart.to_dict())
            spec["width"] = width
            for labels in _time_axis_labels(vl_convert.vegalite_to_svg(spec)):
                checked += 1
                assert not silent_year_changes(labels), (name, width, labels)
    assert checked >= 40


def _labels_by_the_rule(ticks: list[tuple[str, bool]]) -> list[str]:
    """What the book's time-axis label expression writes for each (day, first tick?), rendered by
    Vega itself: a text mark per tick, ``datum.index`` 0 at the first tick as on an axis."""
    import vl_convert

    rows = [
        {"y": int(day[:4]), "m": int(day[5:7]) - 1, "d": int(day[8:]), "index": 0 if first else 0.5, "i": i}
        for i, (day, first) in enumerate(ticks)
    ]
    spec = {
        "$schema": "https://vega.github.io/schema/vega/v5.json",
        "width": 200,
        "height": 20 * len(rows),
        "data": [
            {
                "name": "ticks",
                "values": rows,
                "transform": [{"type": "formula", "expr": "datetime(datum.y, datum.m, datum.d)", "as": "value"}],
            }
        ],
        "marks": [
            {
                "type": "text",
                "from": {"data": "ticks"},
                "encode": {
                    "enter": {
                        "text": {"signal": charts.TEXT_FITS["axisTemporal"]["labelExpr"]},
                        "y": {"signal": "datum.i * 20 + 15"},
                    }
                },
            }
        ],
    }
    return re.findall(r"<text[^>]*>([^<>]+)</text>", vl_convert.vega_to_svg(spec))


def test_a_time_axis_label_names_the_year_at_its_first_tick_and_its_years_first_days():
    cases = {
        ("2024-02-01", True): "Feb 2024",
        ("2024-04-01", False): "Apr 2024",
        ("2025-01-01", False): "2025",
        ("2025-01-01", True): "2025",
        ("2024-08-04", True): "4 Aug 2024",
        ("2024-08-11", False): "11 Aug",
        ("2025-01-05", False): "5 Jan 2025",
        ("2025-01-12", False): "12 Jan 2025",
        ("2024-12-29", False): "29 Dec",
    }
    assert _labels_by_the_rule(list(cases)) == list(cases.values())


def test_each_legend_is_shown_once():
    """The deaths-per-day chart showed its legend twice, once in colour and once in black: colour
    and dash, sorted by a list of values, made two legends where one was meant to show both."""
    from test_hindsight import svg_texts

    for name, svg in _rendered_chapter_charts():
        titles = [" ".join(title) for title in svg_texts(svg, "legend-title")]
        assert len(titles) == len(set(titles)), (name, titles)


def test_a_series_sorted_by_a_list_of_values_is_refused():
    import pytest

    with pytest.raises(TypeError, match="sort the series by a field"):
        charts._series("s:N", "Series", sort=["b", "a"])
    assert set(charts._series("s:N", "Series", sort=alt.SortField("when"))) == {"color", "strokeDash"}


def test_the_monthly_bars_name_each_month_in_words_in_order():
    """The monthly bars were labelled "2023-01", "2023-02", …: a reader's axis says "Jan 2023"."""
    import vl_convert

    from helpers.analysis import surge
    from helpers.data.load import load
    from test_hindsight import svg_texts

    months = surge.monthly(load("deepstate_changes"))
    svg = vl_convert.vegalite_to_svg(charts._print_spec(charts.monthly_net_change(months, cut=CUT).to_dict()))
    shown = [text for group in svg_texts(svg, "axis-label") for text in group]
    expected = [f"{pd.Timestamp(m):%b %Y}" for m in sorted(months["month"])]
    assert [text for text in shown if text in expected] == expected


def test_a_chart_description_names_the_months_its_data_covers():
    """The monthly chart's description (what a screen reader reads) said "January 2023 to January
    2025" whatever the data held."""
    from helpers.analysis import surge
    from helpers.data.load import load

    months = surge.monthly(load("deepstate_changes"))
    later = months.loc[months["month"] >= "2024-03"]
    description = charts.monthly_net_change(later, cut=CUT).to_dict()["description"]
    assert f"from March 2024 to {pd.Timestamp(later['month'].max()):%B %Y}" in description
    assert "2023" not in description


def test_the_cumulative_chart_does_not_run_far_below_its_lowest_value():
    """One early DeepStateMap week is 3 km² below the start; Vega's rounding ran the axis to −500,
    an empty seventh of the chart. The axis now stops at the next hundred below the data."""
    import vl_convert

    from helpers.analysis import surge
    from helpers.data.load import load
    from test_hindsight import svg_texts

    series = surge.cumulative_since(load("deepstate_areas"), load("isw_areas"), "2023-12-31", "2024-11-17")
    assert -100 < series["change_km2"].min() < 0
    chart = charts.cumulative_change(series, "31 December 2023", cut=CUT)
    svg = vl_convert.vegalite_to_svg(charts._print_spec(chart.to_dict()))
    values = [int(t.replace(",", "").replace("\u2212", "-")) for t in svg_texts(svg, "axis-label")[1]]
    assert min(values) == 0 and max(values) >= series["change_km2"].max()


def test_the_hindsight_label_lies_over_the_data_on_a_halo():
    """ "Hindsight →" was drawn under the data, so a bar in the General Staff chart ran through its
    words (in print and on a phone). It is now drawn last, on a halo like the event labels'."""
    from test_hindsight import _chapter_charts

    css = (PROJECT_ROOT / "_static" / "book.css").read_text(encoding="utf-8")
    assert f"g.{charts.HINDSIGHT_LABEL_HALO}_marks text" in css
    checked = 0
    for name, chart in _chapter_charts().items():
        layers = chart.to_dict().get("layer", [])
        labelled = [i for i, layer in enumerate(layers) if "Hindsight \u2192" in json.dumps(layer, ensure_ascii=False)]
        if not labelled:
            continue
        checked += 1
        assert len(labelled) == 2 and labelled[1] == len(layers) - 1, name  # the halo, then the label, last
        halo, text = layers[-2], layers[-1]
        assert halo["name"] == charts.HINDSIGHT_LABEL_HALO and halo["mark"]["stroke"] == "white", name
        assert halo["encoding"] == text["encoding"] and "stroke" not in text["mark"], name
    assert checked >= 7  # every time chart that runs past the article
