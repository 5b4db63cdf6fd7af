"""Altair charts for the chapters: titled, described, with tooltips and units on the axes.

Every chart carries a title and a ``description`` (its text alternative) and takes its data
from a validated table, never from typed numbers.

Each chart builder returns a :class:`BookChart`, which displays itself the book's way (Altair's
global renderer is left alone: importing this module has no side effect). Its output carries an
interactive HTML version (for the web book) and a PNG rendered offline by vl-convert at twice
the default resolution (for the PDF book, whose LaTeX builder cannot use HTML). Altair's default HTML output
loads vega from a CDN, so a reader offline sees no chart; the book renderer compiles the
Vega-Lite spec to Vega here (vl-convert, offline), emits a container and a call to ``vega.View``,
and the book loads the pinned vega runtime once per page from ``_static/vendor/vega-runtime.js``
(see ``helpers.book.vendor``): compiling at execution time keeps the Vega-Lite compiler and
vega-embed (0.31 MB) out of every page. Tooltips are the browser's own (vega's default tooltip
handler sets the container's ``title``). The container's id is derived from
the chart's spec, so re-executing a notebook gives identical output and nbval compares the spec
(the numbers) rather than a random id.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import json
import math
import re

import altair as alt
import pandas as pd

from helpers.data.schemas import MAP_ORIENTATION_LAYERS
from helpers.data.sourced import is_hindsight
from helpers.present.text import (
    fmt_date,
    fmt_date_marked,
    fmt_list,
    fmt_month_span,
    fmt_months,
    hindsight_marked,
    signed,
)

WIDTH = 560  # the PDF's width; on the web a chart fills its container (see book_renderer)

#: Okabe and Ito's palette for colour-blind readers (2008), most distinct colours first; line
#: series also differ by dash (one legend shows both), so colour never carries a distinction alone.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442"]
#: Annotations (reported figures, event lines) take the page's text colour: dark on the light
#: theme, light on the dark one. The PNG for the PDF uses black.
INK = "currentColor"
DASHES = [[1, 0], [6, 3], [2, 2], [8, 3, 2, 3], [3, 4]]


#: Short labels of events for charts; the full wording is in data/events.csv.
EVENT_LABELS = {
    "kursk_incursion_start": "Incursion",
    "kursk_russian_recapture_reported": "Russian recapture (BBC)",
    "us_election_2024": "US election",
    "us_atacms_permission": "US allows ATACMS",
    "first_atacms_strike_in_russia": "First ATACMS strike",
    "us_mines_approval_reported": "US mines decision",
    "us_mines_announced": "Mines announced",
    "us_inauguration_2025": "Inauguration",
    "bbc_article_published": "BBC article",
}


def event_label(event_id: str, event: str) -> str:
    """An event's short label on a chart; an event without one is labelled in full (never cut
    mid-word, as "BBC News publishes the a" was)."""
    return EVENT_LABELS.get(event_id, event)


def _series(field: str, title: str, columns: int | None = None, sort=alt.Undefined) -> dict:
    """Colour and dash for a series field, with one legend below the chart showing both.

    ``sort`` orders the series by another field (``alt.SortField``), not by a list of values:
    Vega-Lite gives each channel sorted by a list its own sort index, so colour and dash no
    longer share a domain and the legend is drawn twice, once in black.
    """
    if isinstance(sort, list | tuple):
        raise TypeError(f"{title}: sort the series by a field, not a list of values (it splits the legend)")
    legend = alt.Legend(orient="bottom", columns=columns) if columns else alt.Legend(orient="bottom")
    return {
        "color": alt.Color(field, title=title, legend=legend, sort=sort),
        "strokeDash": alt.StrokeDash(field, title=title, legend=legend, sort=sort, scale=alt.Scale(range=DASHES)),
    }


def _away_from_the_right_edge(field: str, room_px: int) -> dict:
    """Text settings for a label placed at the date ``field``: it runs right from that date, or
    left where fewer than ``room_px`` pixels are left to the plot's right edge (the chart's width
    is known only as it is drawn, on a phone or a desktop)."""
    near_edge = f"width - scale('x', datum.{field}) < {room_px}"
    return {"align": alt.ExprRef(f"{near_edge} ? 'right' : 'left'"), "dx": alt.ExprRef(f"{near_edge} ? -3 : 3")}


#: Height of one row of event labels, in pixels.
EVENT_ROW_PX = 13
#: Name of the layer under event labels that hides the lines crossing them (its colour on the web
#: is the page's, set in _static/book.css for both themes).
EVENT_LABEL_HALO = "event_label_halo"


def _event_labels(marks: pd.DataFrame) -> list[alt.Chart]:
    """Labels for event lines, one row each above the plot, the earliest at the top, each joined
    to its line; they print in the PDF as well (no tooltip needed to read them).

    In four rows over the plot, five events within four days (17 to 20 November 2024) put two
    labels on top of each other, and labels covered the data. A label runs left from its line
    where the line is too near the right edge for it. Which lines then cross which labels depends
    on the chart's width (on a phone, an early event's line ran through later labels running
    left), so each label lies on a halo that hides the lines under its words.
    """
    labelled = marks.loc[marks["label"] != ""].sort_values("date").reset_index(drop=True)
    rows = len(labelled)
    labelled = labelled.assign(label_y=[-6 - EVENT_ROW_PX * (rows - 1 - i) for i in range(rows)])
    leaders = (
        alt.Chart(labelled)
        .mark_rule(strokeDash=[4, 3], color=INK, opacity=0.35)
        .encode(x="date:T", y=alt.Y("label_y:Q", scale=None), y2=alt.value(0))
    )
    text_settings = {**_away_from_the_right_edge("date", 130), "baseline": "middle", "fontSize": 10, "color": INK}
    encoding = {"x": "date:T", "y": alt.Y("label_y:Q", scale=None), "text": "label:N"}
    return [leaders, *_on_a_halo(labelled, EVENT_LABEL_HALO, text_settings, encoding)]


def _on_a_halo(data: pd.DataFrame, halo_name: str, settings: dict, encoding: dict) -> list[alt.Chart]:
    """Text drawn over a halo of the same text, stroked white (print; on the web the page's
    colour, set in _static/book.css for the layer named ``halo_name``), which hides the lines and
    marks under its words: the halo layer, then the text layer."""
    halo = (
        alt.Chart(data, name=halo_name)
        .mark_text(**settings, stroke="white", strokeWidth=4, strokeJoin="round")
        .encode(**encoding)
    )
    return [halo, alt.Chart(data).mark_text(**settings).encode(**encoding)]


def _events_described(marks: pd.DataFrame) -> str:
    """The event lines in a chart's description: the labels a reader sees on them, in date order."""
    labels = [label for label in marks.sort_values("date")["label"] if label]
    lines = "a dashed vertical line for each dated event"
    return f"with {lines}, labelled {fmt_list(labels)}" if labels else f"with {lines}"


#: How a chart marks data dated after the article (see helpers.analysis.hindsight).
HINDSIGHT_NAME = "hindsight"
#: Name of the layer under the hindsight band's label that keeps the data from running through
#: it (in the page's colour on the web, as the event labels' halo).
HINDSIGHT_LABEL_HALO = "hindsight_label_halo"


def hindsight_label(cut) -> str:
    return f"Hindsight: after the article ({fmt_date(cut)})"


def _hindsight_band(cut, end, height: int) -> tuple[list[alt.Chart], list[alt.Chart]]:
    """A shaded band over dates after ``cut``, to draw under the data, and its label at the band's
    foot, to draw over the data on a halo (nothing if ``end`` is not after ``cut``).

    Every time chart takes the article's date as ``cut`` and calls this, so data the article's
    authors could not see is marked on the web and in the PDF alike. Drawn under the data, the
    label had bars running through its words.
    """
    if not is_hindsight(end, cut):
        return [], []
    cut, end = pd.Timestamp(cut), pd.Timestamp(end)
    band = pd.DataFrame(
        {"start": [cut.strftime("%Y-%m-%d")], "end": [end.strftime("%Y-%m-%d")], "label": [hindsight_label(cut)]}
    )
    rect = (
        alt.Chart(band, name=HINDSIGHT_NAME)
        .mark_rect(color=INK, opacity=0.1)
        .encode(x="start:T", x2="end:T", tooltip=[alt.Tooltip("label:N", title="Shaded")])
    )
    # inside the band, from its start; where the band is too narrow for the label (a phone, a
    # short hindsight period), just before it, still pointing into it
    settings = {**_away_from_the_right_edge("start", 70), "baseline": "bottom", "dy": -3, "fontSize": 10, "color": INK}
    encoding = {"x": "start:T", "y": alt.value(height), "text": alt.value("Hindsight \u2192")}
    return [rect], _on_a_halo(band, HINDSIGHT_LABEL_HALO, settings, encoding)


def _latest(*dates) -> pd.Timestamp:
    return max(pd.Timestamp(pd.Series(d).max()) for d in dates)


#: Text that stays whole and inside the chart at any width, on the web and in print. Vega cuts a
#: legend label longer than 160 px to "…" (it hid the article's date in the hindsight label), lays
#: a bottom legend's entries and a chart's bottom legends side by side (on a phone the last ones
#: ran off the chart), and centres the last tick label of a time axis on its tick even at the
#: chart's right edge. Here legend labels are never cut, a narrow chart lists a legend's entries
#: one per line, bottom legends stack and end at the plot's right edge (so that a wide one can
#: reach under the y axis's labels), and a tick label within 40 px of an end is aligned flush.
#: Time axes write dates the book's way.
TEXT_FITS = {
    "legend": {
        "labelLimit": 0,
        "columns": {"expr": "width < 400 ? 1 : 8"},
        "layout": {"bottom": {"direction": "vertical", "anchor": "end"}},
    },
    "axisX": {"labelFlush": 40},
    # dates day first, as the book writes them ("4 August 2024"): a year's first day as the
    # year, a month's as the month and its year ("Feb 2025"), any other day as "4 Aug" (Vega's
    # default wrote "Aug 04" beside "September" on one axis). The first tick (``datum.index`` 0)
    # and every tick in January carry the year too ("4 Aug 2024", "19 Jan 2025"). Which labels
    # Vega leaves out for room depends on the width, so a month's label cannot count on the
    # year's first label being shown: an axis read "February 2024, June, October, February" with
    # its "2025" left out, and a weekly one "4 Aug 2024 … 22 Dec, 19 Jan".
    "axisTemporal": {
        "labelExpr": "timeFormat(datum.value, date(datum.value) == 1"
        " ? (month(datum.value) == 0 ? '%Y' : '%b %Y')"
        " : (datum.index == 0 || month(datum.value) == 0 ? '%-d %b %Y' : '%-d %b'))",
        "labelSeparation": 8,  # a tick label too close to the last one shown is left out
    },
    # a date a chart writes by itself (a mark's description, which screen readers read; a
    # tooltip without a format) as the prose does: "20 November 2024", not "Nov 20, 2024"
    "timeFormat": "%-d %B %Y",
}


def _with_config(config: dict, *layers: dict) -> dict:
    """``config`` with each of ``layers`` laid over it, one level deep (a chart's own legend
    settings add to the book's, instead of replacing them)."""
    merged = dict(config)
    for layer in layers:
        for key, value in layer.items():
            merged[key] = (
                {**merged[key], **value} if isinstance(value, dict) and isinstance(merged.get(key), dict) else value
            )
    return merged


def _web_config() -> dict:
    """Chart styling that follows the page: transparent background, text in the page's colour."""
    return {
        "background": "transparent",
        "range": {"category": PALETTE},
        "axis": {"labelColor": INK, "titleColor": INK, "domainColor": INK, "tickColor": INK, "gridColor": "#8884"},
        "legend": {"labelColor": INK, "titleColor": INK},
        "title": {"color": INK, "subtitleColor": INK},
        "view": {"stroke": "#8886"},
        "text": {"color": INK},
    }


def _print_spec(spec: dict) -> dict:
    """The spec as printed: black annotations and text, white background, the same palette."""
    text = json.dumps(spec).replace(json.dumps(INK), json.dumps("#000000"))
    printed = json.loads(text)
    config = _with_config(TEXT_FITS, printed.get("config", {}))
    config["background"] = "white"
    config["range"] = {"category": PALETTE}
    printed["config"] = config
    return printed


def _web_spec(spec: dict) -> dict:
    """The spec for the web book: fills its container's width, styled by _web_config."""
    web = dict(spec)
    web.pop("title", None)  # the figure's numbered caption names it; a long title is cut on a phone
    web["width"] = "container"
    web["autosize"] = {"type": "fit-x", "contains": "padding"}
    config = _with_config(_web_config(), TEXT_FITS, spec.get("config", {}))
    config["range"] = {"category": PALETTE}
    web["config"] = config
    return web


#: Rows shown at most in a chart's "View the data" table (the full tables are in the downloads).
DATA_TABLE_ROWS = 60


def _datasets(spec: dict) -> list[tuple[object, list[dict], list[dict]]]:
    """Each dataset a chart draws: (key, rows, tooltips), where the tooltips are the tooltip
    entries of the layers drawn from it. A named dataset is keyed by its name, inline values by
    their identity; a layer with no data of its own draws from its parent's."""
    named = spec.get("datasets", {})
    found: dict[object, tuple[list[dict], list[dict]]] = {name: (values, []) for name, values in named.items()}

    def walk(node, data):
        if isinstance(node, dict):
            source = node.get("data")
            if isinstance(source, dict) and isinstance(source.get("name"), str) and source["name"] in named:
                data = source["name"]
            elif (
                isinstance(source, dict)
                and isinstance(values := source.get("values"), list)
                and values
                and isinstance(values[0], dict)  # rows, or a map's GeoJSON features
            ):
                data = id(values)
                found.setdefault(data, (values, []))
            encoding = node.get("encoding")
            tooltip = encoding.get("tooltip") if isinstance(encoding, dict) else None
            entries = tooltip if isinstance(tooltip, list) else [tooltip] if isinstance(tooltip, dict) else []
            if data in found:
                found[data][1].extend(e for e in entries if isinstance(e, dict) and isinstance(e.get("field"), str))
            for key, value in node.items():
                if key != "data":
                    walk(value, data)
        elif isinstance(node, list):
            for value in node:
                walk(value, data)

    walk({k: v for k, v in spec.items() if k != "datasets"}, None)
    return [(key, values, tooltips) for key, (values, tooltips) in found.items()]


def _data_rows(spec: dict) -> tuple[list[dict], list[dict]]:
    """The rows a chart draws, for a reader who cannot see it, with the tooltips drawn from them:
    the largest dataset in the spec, or, for a map, the properties of its shapes (never the
    coordinates)."""

    def readable(values: list[dict]) -> list[dict]:
        if values[0].get("type") == "Feature":
            values = [f["properties"] for f in values if isinstance(f.get("properties"), dict)]
            values = [r for r in values if r.get("layer") not in (*MAP_ORIENTATION_LAYERS, "frame", "occupied")]
        return [{k: v for k, v in r.items() if k not in ("geometry", "layer", "label_y")} for r in values]

    candidates = [(readable(values), tooltips) for _, values, tooltips in _datasets(spec) if values]
    return max(candidates, key=lambda found: len(found[0])) if candidates else ([], [])


def _shown_columns(rows: list[dict], tooltips: list[dict]) -> list[tuple[str, str, str | None]]:
    """(column, header, format) for a chart's data table: the fields its tooltips show, under
    their titles and in their order, which is what a sighted reader gets by hovering (not the
    columns a chart only uses to draw, nor a second copy of a date); every column, if the chart
    has no tooltips on these rows."""
    present = {k for r in rows for k in r}
    shown: dict[str, tuple[str, str | None]] = {}
    for entry in tooltips:
        column = entry["field"].removeprefix("properties.")  # a map's shapes: their properties
        if column in present and column not in shown:
            title = entry.get("title")
            shown[column] = (title if isinstance(title, str) else _header(column), entry.get("format"))
    if not shown:
        return [(c, _header(c), None) for c in dict.fromkeys(k for r in rows for k in r)]
    return [(column, header, fmt) for column, (header, fmt) in shown.items()]


#: A date that Altair wrote as a timestamp at midnight, and d3's fixed-point number formats.
_MIDNIGHT = re.compile(r"(\d{4}-\d{2}-\d{2})T00:00:00")
_FIXED = re.compile(r"(,?)\.(\d+)f")


def _cell_text(value, fmt: str | None = None) -> str:
    """A value as the chart's tooltip shows it: in the tooltip's number format where it has one
    (with the minus sign, as d3's formats write it), a midnight timestamp as its date."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return signed(_written(value, fmt))
    return _written(value, fmt)


def _written(value, fmt: str | None) -> str:
    if isinstance(value, str):
        midnight = _MIDNIGHT.fullmatch(value)
        return midnight.group(1) if midnight else value
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, int | float) and fmt:
        fixed = _FIXED.fullmatch(fmt)
        if fixed:
            return f"{value:{fixed.group(1)}.{fixed.group(2)}f}"
        if fmt == ",":
            return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _header(column: str) -> str:
    """A column name as a reader reads it, as a tooltip's title would be: 'net_km2' -> 'Net km²'."""
    text = column.replace("km2", "km²").replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def data_table(spec: dict) -> str:
    """A collapsed HTML table of what the chart draws ("View the data"), for screen readers and
    anyone who prefers numbers to shapes; empty when the chart has no rows."""
    rows, tooltips = _data_rows(spec)
    if not rows:
        return ""
    columns = _shown_columns(rows, tooltips)
    head = "".join(f'<th scope="col">{html.escape(header)}</th>' for _, header, _ in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(_cell_text(r.get(c), fmt))}</td>" for c, _, fmt in columns) + "</tr>"
        for r in rows[:DATA_TABLE_ROWS]
    )
    more = len(rows) - DATA_TABLE_ROWS
    note = (
        f"<p>{more} more {'row is' if more == 1 else 'rows are'} in the chapter\u2019s downloads.</p>"
        if more > 0
        else ""
    )
    return (
        '<details class="chart-data"><summary>View the data</summary>'
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{note}</details>"
    )


#: Where a chart finds vega: the book's pages load it (``_static/vendor/vega-runtime.js``); in
#: JupyterLab or Jupyter Notebook, whose pages carry ``jupyter-config-data``, the chart loads the
#: same vendored file from the Jupyter server (``files/`` under the server's root, the project's
#: folder for ``make lab`` and on Binder), once per page, so charts render offline there too.
#: Anywhere else (a notebook viewer that runs no scripts) the chart says how to see it.
JUPYTER_RUNTIME_LOADER = """\
  if (typeof vega !== "undefined") { draw(); return; }
  var config = document.getElementById("jupyter-config-data");
  if (!config) { el.textContent = NO_RUNTIME; return; }
  if (!window.bookVegaRuntime) {
    window.bookVegaRuntime = new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = (JSON.parse(config.textContent).baseUrl || "/") + "files/_static/vendor/vega-runtime.js";
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }
  window.bookVegaRuntime.then(draw, function () { el.textContent = NO_RUNTIME; });
"""

NO_RUNTIME_MESSAGE = (
    "This chart is drawn by the vega runtime that the built book and JupyterLab load; build the book (make book) "
    "or open the notebook with make lab to see it."
)


#: An apostrophe between two letters ("the article's date", "Куп'янськ"): in a Vega expression
#: it can only be inside a string literal, which then still equals the data it is compared with.
_STRAIGHT_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")


def typeset(spec):
    """The spec with the prose's apostrophe (’) in every text it holds: titles, descriptions,
    labels and the data's own values (shown in legends, tooltips and "View the data"), as Sphinx
    sets the prose. Keys, field names and numbers are left alone."""
    if isinstance(spec, dict):
        return {key: typeset(value) for key, value in spec.items()}
    if isinstance(spec, list):
        return [typeset(value) for value in spec]
    if isinstance(spec, str):
        return _STRAIGHT_APOSTROPHE.sub("\u2019", spec)
    return spec


def book_renderer(spec: dict, **_metadata) -> dict:
    """Mimebundle for one chart: a described container and a call to the page's vega runtime.

    The web version fills the width of its container (so it fits a phone) and takes the page's
    text colour (so it reads in the dark theme); the PNG for the PDF has the fixed print width.
    """
    spec = typeset(spec)
    printed = _print_spec(spec)
    spec = _web_spec(spec)
    spec_json = json.dumps(spec, sort_keys=True, ensure_ascii=False)
    chart_id = "chart-" + hashlib.sha256(spec_json.encode("utf-8")).hexdigest()[:16]
    title = printed.get("title", "")
    title = title.get("text", "") if isinstance(title, dict) else title
    label = html.escape(f"{title}. {spec.get('description', '')}".strip(". "), quote=True)
    safe_spec = json.dumps(vega_spec(spec), sort_keys=True, ensure_ascii=False, separators=(",", ":")).replace(
        "</", "<\\/"
    )
    markup = (
        f'<div class="book-chart" id="{chart_id}" role="figure" aria-label="{label}" style="width: 100%"></div>\n'
        f'<script type="text/javascript">\n'
        f"(function () {{\n"
        f'  var el = document.getElementById("{chart_id}");\n'
        f"  var spec = {safe_spec};\n"
        "  function draw() {\n"
        '    new vega.View(vega.parse(spec), {"renderer": "svg", "container": el, "hover": true}).runAsync()\n'
        "      .catch(function (error) {\n"
        '        console.error(error); el.textContent = "Chart failed to render: " + error;\n'
        "      });\n"
        "  }\n"
        f"  var NO_RUNTIME = {json.dumps(NO_RUNTIME_MESSAGE)};\n"
        f"{JUPYTER_RUNTIME_LOADER}"
        f"}})();\n"
        f"</script>\n"
        f"{data_table(spec)}"
    )
    return {"text/html": markup, "image/png": static_png(printed), "text/plain": f"<chart: {title}>"}


def _vegalite_version(spec: dict) -> str | None:
    """The Vega-Lite version the spec was written for, if vl-convert bundles it (else its default)."""
    import vl_convert

    version = ".".join(spec.get("$schema", "v6.4").rsplit("/v", 1)[-1].split(".")[:2]).removesuffix(".json")
    return version if version in vl_convert.get_vegalite_versions() else None


def vega_spec(spec: dict) -> dict:
    """The Vega-Lite spec compiled to Vega (what the page's vega runtime draws), offline."""
    import vl_convert

    return vl_convert.vegalite_to_vega(spec, vl_version=_vegalite_version(spec))


def static_png(spec: dict, scale: float = 2.0) -> str:
    """The chart as a high-resolution PNG (base64), for the PDF book, rendered offline by vl-convert."""
    import vl_convert

    png = vl_convert.vegalite_to_png(spec, vl_version=_vegalite_version(spec), scale=scale)
    return base64.b64encode(png).decode("ascii")


class BookChart:
    """An Altair chart that shows itself the book's way (see :func:`book_renderer`) wherever it is
    displayed, without switching Altair's global renderer: importing this module changes nothing
    for other charts in the same kernel. ``chart`` is the Altair chart, to change or to save."""

    def __init__(self, chart: alt.TopLevelMixin) -> None:
        self.chart = chart

    def to_dict(self, *args, **kwargs) -> dict:
        return self.chart.to_dict(*args, **kwargs)

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        return book_renderer(self.chart.to_dict())


def _shown(function):
    """Wrap a chart builder so that its chart displays the book's way."""

    @functools.wraps(function)
    def build(*args, **kwargs) -> BookChart:
        return BookChart(function(*args, **kwargs))

    return build


@_shown
def monthly_net_change(months: pd.DataFrame, *, cut) -> alt.Chart:
    """Bars of net monthly change in Russian-held area, coloured by year; months that end after
    the article (``cut``) are drawn faint and labelled as hindsight."""
    columns = ["month", "year", "label", "start_date", "end_date", "net_km2", "gained_km2", "lost_km2"]
    data = months[columns].sort_values("month").reset_index(drop=True)
    first_day = pd.to_datetime(data["month"], format="%Y-%m")
    data["axis_month"] = first_day.dt.strftime("%b %Y")  # "Jan 2023", not "2023-01"
    covered = fmt_month_span(first_day) if len(data) else "(no months)"
    known = f"Known by {fmt_date(cut)}"
    data["when"] = [hindsight_label(cut) if is_hindsight(d, cut) else known for d in data["end_date"]]
    for column in ("start_date", "end_date"):
        data[column] = data[column].dt.strftime("%Y-%m-%d")
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("axis_month:O", title="Month", sort=None, axis=alt.Axis(labelAngle=-60)),  # data order
            y=alt.Y("net_km2:Q", title="Net change in Russian-held area (km²)"),
            color=alt.Color("year:N", title="Year", legend=alt.Legend(orient="bottom")),
            opacity=alt.Opacity(
                "when:N",
                title="",
                scale=alt.Scale(domain=[known, hindsight_label(cut)], range=[1.0, 0.35]),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("label:N", title="Month"),
                alt.Tooltip("when:N", title="Data"),
                alt.Tooltip("net_km2:Q", title="Net change (km²)", format=",.0f"),
                alt.Tooltip("gained_km2:Q", title="Taken by Russia (km²)", format=",.0f"),
                alt.Tooltip("lost_km2:Q", title="Regained by Ukraine (km²)", format=",.0f"),
                alt.Tooltip("start_date:N", title="From snapshot"),
                alt.Tooltip("end_date:N", title="To snapshot"),
            ],
        )
        .properties(
            width=WIDTH,
            height=300,
            title="Net monthly change in Russian-held area, DeepStateMap",
            description=(
                "Bar chart of the net change in the area of Ukraine held by Russia each month "
                f"{covered}, measured from DeepStateMap snapshots. Bars below zero "
                "are months in which Ukraine regained more than Russia took. Months ending after "
                f"the article ({fmt_date(cut)}) are drawn faint: hindsight."
            ),
        )
    )


@_shown
def cumulative_change(
    series: pd.DataFrame, start_label: str, reported: pd.DataFrame | None = None, *, cut
) -> alt.LayerChart:
    """Lines of change since a start date in each measurement, with reported figures as points."""
    data = series.assign(day=series["date"].dt.strftime("%Y-%m-%d"))
    shown = pd.concat([series["change_km2"], reported["value"] if reported is not None else pd.Series(dtype=float)])
    # Vega rounds the axis to its tick step: a dip of a few km² below the start ran it to -500.
    # It stops at the next hundred below the data and the next tick step above.
    domain = [min(0, math.floor(shown.min() / 100) * 100), max(500, math.ceil(shown.max() / 500) * 500)]
    lines = (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=alt.X("date:T", title="Date"),
            y=alt.Y(
                "change_km2:Q", title=f"Change since {start_label} (km²)", scale=alt.Scale(domain=domain, nice=False)
            ),
            **_series("series:N", "Measurement", columns=1),
            tooltip=[
                alt.Tooltip("series:N", title="Measurement"),
                alt.Tooltip("day:N", title="Date"),
                alt.Tooltip("change_km2:Q", title="Change (km²)", format=",.0f"),
            ],
        )
    )
    band, band_label = _hindsight_band(cut, series["date"].max(), 320)
    layers = [*band, lines]
    if reported is not None and len(reported):
        points = (
            alt.Chart(reported.assign(day=reported["date"].dt.strftime("%Y-%m-%d")))
            .mark_point(shape="diamond", size=120, filled=True, color=INK)
            .encode(
                x="date:T",
                y="value:Q",
                tooltip=[
                    alt.Tooltip("label:N", title="Reported"),
                    alt.Tooltip("day:N", title="Period ends"),
                    alt.Tooltip("value:Q", title="km²", format=",.0f"),
                ],
            )
        )
        layers.append(points)
    return alt.layer(*layers, *band_label).properties(
        width=WIDTH,
        height=320,
        title="Russian gains in 2024: three measurements and the reported figure",
        description=(
            f"Line chart of the cumulative change in Russian-held area since {start_label}, measured "
            "from DeepStateMap snapshots (with and without the grey zone) and from ISW map layers, each "
            "with its own colour and dash; a diamond marks the figure ISW reported to BBC News."
            + (
                f" Dates after the article ({fmt_date(cut)}) are shaded as hindsight."
                if is_hindsight(series["date"].max(), cut)
                else f" Every snapshot shown predates the article ({fmt_date(cut)})."
            )
        ),
    )


@_shown
def held_area_timeline(series: pd.DataFrame, events: pd.DataFrame, *, cut) -> alt.LayerChart:
    """Kursk area over time in two readings, with dated events as labelled vertical rules."""
    data = series.assign(day=series["date"].dt.strftime("%Y-%m-%d"))
    lines = (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=alt.X("date:T", title="Date"),
            y=alt.Y("area_km2:Q", title="Area in Kursk region (km²)"),
            **_series("reading:N", "DeepStateMap reading", columns=1),
            tooltip=[
                alt.Tooltip("reading:N", title="Reading"),
                alt.Tooltip("day:N", title="Snapshot"),
                alt.Tooltip("area_km2:Q", title="Area (km²)", format=",.0f"),
            ],
        )
    )
    marks = events.assign(day=events["date"].dt.strftime("%Y-%m-%d"))
    rules = (
        alt.Chart(marks)
        .mark_rule(strokeDash=[4, 3], color=INK, opacity=0.6)
        .encode(
            x="date:T",
            tooltip=[
                alt.Tooltip("day:N", title="Date"),
                alt.Tooltip("event:N", title="Event"),
                alt.Tooltip("source:N", title="Source"),
            ],
        )
    )
    band, band_label = _hindsight_band(cut, _latest(series["date"], events["date"]), 340)
    return alt.layer(*band, lines, rules, *_event_labels(marks), *band_label).properties(
        width=WIDTH,
        height=340,
        title="Area of Kursk region held by Ukraine, DeepStateMap",
        description=(
            "Line chart of the area of Russia's Kursk region that DeepStateMap marked as held by Ukraine, "
            f"and held or grey zone, {fmt_month_span(series['date'])}, {_events_described(marks)}. "
            f"Dates after the article ({fmt_date(cut)}) are shaded as hindsight."
        ),
    )


@_shown
def headline_totals(headlines: pd.DataFrame, reported: pd.DataFrame, *, cut) -> alt.LayerChart:
    """Mediazona's published totals as a step line, with reported figures as points."""
    data = headlines.assign(day=headlines["as_of"].dt.strftime("%Y-%m-%d"))
    line = (
        alt.Chart(data)
        .mark_line(interpolate="step-after")
        .encode(
            x=alt.X("as_of:T", title="Date published"),
            y=alt.Y("confirmed_total:Q", title="Deaths confirmed by name (people)"),
            tooltip=[
                alt.Tooltip("day:N", title="Published"),
                alt.Tooltip("confirmed_total:Q", title="Total", format=","),
            ],
        )
    )
    points = (
        alt.Chart(reported.assign(day=reported["as_of"].dt.strftime("%Y-%m-%d")))
        .mark_point(shape="diamond", size=120, filled=True, color=INK)
        .encode(
            x="as_of:T",
            y="value:Q",
            tooltip=[
                alt.Tooltip("label:N", title="Reported"),
                alt.Tooltip("day:N", title="As of"),
                alt.Tooltip("value:Q", title="People", format=","),
            ],
        )
    )
    band, band_label = _hindsight_band(cut, _latest(headlines["as_of"], reported["as_of"]), 300)
    return alt.layer(*band, line, points, *band_label).properties(
        width=WIDTH,
        height=300,
        title="Russian military deaths confirmed by name: published totals",
        description=(
            "Step line of Mediazona's published total of Russian military deaths confirmed by name, "
            f"with diamonds for the totals reported in the press in {fmt_months(reported['as_of'])}. "
            f"Dates after the article ({fmt_date(cut)}) are shaded as hindsight."
        ),
    )


@_shown
def deaths_per_day(rates: pd.DataFrame, *, cut) -> alt.Chart:
    """Lines of deaths per day by month of death, one per snapshot (``snapshot_date``) the count
    is as known on; a snapshot after the article (``cut``) is labelled as hindsight."""
    known_on = {d: fmt_date_marked(d, cut) for d in sorted(rates["snapshot_date"].unique())}
    snapshots = list(known_on.values())  # oldest first
    data = rates.assign(
        month_label=rates["month"].dt.strftime("%B %Y"),
        **{"as known on": rates["snapshot_date"].map(known_on)},
    )
    return (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=alt.X("month:T", title="Month of death"),
            y=alt.Y("per_day:Q", title="Deaths confirmed by name per day (people)"),
            **_series("as known on:N", "Count as known on", sort=alt.SortField("snapshot_date")),  # oldest first
            tooltip=[
                alt.Tooltip("month_label:N", title="Month"),
                alt.Tooltip("as known on:N"),
                alt.Tooltip("per_day:Q", title="Per day", format=",.0f"),
                alt.Tooltip("deaths:Q", title="In the month", format=","),
            ],
        )
        .properties(
            width=WIDTH,
            height=300,
            title="Deaths confirmed by name per day, by month of death",
            description=(
                "Line chart of Russian military deaths confirmed by name per day, by month of death, "
                f"as known on {' and on '.join(snapshots)}; the article is dated {fmt_date(cut)}. A later "
                "count is higher for recent months because names are added long after a death."
            ),
        )
    )


@_shown
def reporting_lag(lag: pd.DataFrame, *, cut) -> alt.LayerChart:
    """Lines of the count for fixed months of death across the snapshots that followed; snapshots
    after the article (``cut``) are shaded as hindsight."""
    data = lag.assign(snapshot=lag["snapshot_date"].dt.strftime("%Y-%m-%d"))
    lines = (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=alt.X("snapshot_date:T", title="Snapshot (count as known on this date)"),
            y=alt.Y("deaths:Q", title="Deaths confirmed by name in that month (people)"),
            **_series("month_label:N", "Month of death", sort=alt.SortField("month")),
            tooltip=[
                alt.Tooltip("month_label:N", title="Month of death"),
                alt.Tooltip("snapshot:N", title="As known on"),
                alt.Tooltip("deaths:Q", title="Deaths", format=","),
            ],
        )
    )
    band, band_label = _hindsight_band(cut, lag["snapshot_date"].max(), 300)
    return alt.layer(*band, lines, *band_label).properties(
        width=WIDTH,
        height=300,
        title="Reporting lag: the count for the same months kept rising",
        description=(
            "Line chart of the number of deaths confirmed by name for several fixed months of death, "
            "as known in each later Mediazona snapshot, showing counts rising for many months. "
            f"Snapshots after the article ({fmt_date(cut)}) are shaded as hindsight."
        ),
    )


@_shown
def general_staff_claims(claims: pd.DataFrame, *, cut) -> alt.LayerChart:
    """Bars of the General Staff's claimed losses per day by month, labelled as claims; months after
    the article (``cut``) are shaded as hindsight."""
    data = claims.assign(
        per_day=claims["claimed_in_month"] / claims["days_covered"],
        month_label=claims["month"].dt.strftime("%B %Y"),
    )
    end = (claims["month"].max() + pd.offsets.MonthEnd(0)) if len(claims) else cut
    bars = (
        alt.Chart(data)
        .mark_bar(color=PALETTE[1])
        .encode(
            x=alt.X("month:T", title="Month"),
            y=alt.Y("per_day:Q", title="Claimed Russian losses per day, killed and wounded (people)"),
            tooltip=[
                alt.Tooltip("month_label:N", title="Month"),
                alt.Tooltip("per_day:Q", title="Claimed per day", format=",.0f"),
                alt.Tooltip("claimed_in_month:Q", title="Claimed in month", format=","),
            ],
        )
    )
    band, band_label = _hindsight_band(cut, end, 260)
    return alt.layer(*band, bars, *band_label).properties(
        width=WIDTH,
        height=260,
        title="Claimed by Ukraine's General Staff: Russian personnel losses per day (killed and wounded)",
        description=(
            "Bar chart of the Russian personnel losses, killed and wounded together, that Ukraine's "
            "General Staff claimed per day in each month. A claim by one side of the war, not a count. "
            f"Dates after the article ({fmt_date(cut)}) are shaded as hindsight."
        ),
    )


@_shown
def control_share(shares: pd.DataFrame, *, start, cut) -> alt.LayerChart:
    """Line of the change, in percentage points, of the share of Ukraine held by Russia since
    ``start``: the level (nearly a fifth) is in the text; a chart from zero would hide the change."""
    start = pd.Timestamp(start)
    base = shares.loc[shares["date"] <= start].sort_values("date").iloc[-1]
    data = shares.loc[shares["date"] >= base["date"], ["date", "total_pct"]].copy()
    data["change_pp"] = data["total_pct"] - base["total_pct"]
    data["day"] = data["date"].dt.strftime("%Y-%m-%d")
    line = (
        alt.Chart(data)
        .mark_line(point=True, color=PALETTE[0])
        .encode(
            x=alt.X("date:T", title="Date"),
            y=alt.Y("change_pp:Q", title=f"Change since {fmt_date(base['date'])} (percentage points)"),
            tooltip=[
                alt.Tooltip("day:N", title="Snapshot"),
                alt.Tooltip("total_pct:Q", title="Share held (%)", format=".2f"),
                alt.Tooltip("change_pp:Q", title="Change (points)", format="+.2f"),
            ],
        )
    )
    band, band_label = _hindsight_band(cut, data["date"].max(), 280)
    return alt.layer(*band, line, *band_label).properties(
        width=WIDTH,
        height=280,
        title="Change in the share of Ukraine held by Russia, DeepStateMap",
        description=(
            "Line chart of the change, in percentage points, in the share of Ukraine's internationally "
            f"recognised area held by Russia since {fmt_date(base['date'])}, from DeepStateMap snapshots. "
            f"Dates after the article ({fmt_date(cut)}) are shaded as hindsight."
        ),
    )


@_shown
def weekly_change_with_events(weekly: pd.DataFrame, events: pd.DataFrame, *, cut) -> alt.LayerChart:
    """Bars of Russian net gain per day between snapshots, with dated decisions as rules."""
    data = weekly.assign(span=weekly["from"].dt.strftime("%Y-%m-%d") + " to " + weekly["to"].dt.strftime("%Y-%m-%d"))
    bars = (
        alt.Chart(data)
        .mark_bar(color=PALETTE[1])
        .encode(
            x=alt.X("from:T", title="Date"),
            x2="to:T",
            y=alt.Y("per_day:Q", title="Net change in occupied area per day (km²)"),
            y2=alt.datum(0),
            tooltip=[
                alt.Tooltip("span:N", title="Snapshots"),
                alt.Tooltip("per_day:Q", title="km² a day", format=",.1f"),
                alt.Tooltip("change_km2:Q", title="km² in all", format=",.0f"),
            ],
        )
    )
    marks = events.assign(
        day=events["date"].dt.strftime("%Y-%m-%d"),
        label=[event_label(i, e) for i, e in zip(events["event_id"], events["event"], strict=True)],
    )
    rules = (
        alt.Chart(marks)
        .mark_rule(strokeDash=[4, 3], color=INK)
        .encode(x="date:T", tooltip=[alt.Tooltip("day:N", title="Date"), alt.Tooltip("event:N", title="Event")])
    )
    band, band_label = _hindsight_band(cut, _latest(weekly["to"], events["date"]), 280)
    return alt.layer(*band, bars, rules, *_event_labels(marks), *band_label).properties(
        width=WIDTH,
        height=280,
        title="Russian gains between snapshots, and the decisions of November 2024",
        description=(
            "Bar chart of the net change per day in the area of Ukraine held by Russia between consecutive "
            f"DeepStateMap snapshots {fmt_month_span(pd.concat([weekly['from'], weekly['to']]))}, "
            f"{_events_described(marks)}. "
            f"Dates after the article ({fmt_date(cut)}) are shaded as hindsight."
        ),
    )


VERDICT_ORDER = ["consistent", "depends on definition", "not supported by the data", "contradicted", "not checkable"]


@_shown
def verdict_summary(audit: pd.DataFrame, *, cut) -> alt.LayerChart:
    """Counts of verdicts, as knowable when each claim was published and with hindsight, side by
    side and labelled with their counts (no colour needed to read them)."""
    then_label = "As knowable when published"
    now_label = f"{hindsight_label(cut).split(':')[0]}: all data"
    counts = pd.concat(
        [
            audit["verdict then"]
            .value_counts()
            .rename_axis("verdict")
            .reset_index(name="claims")
            .assign(when=then_label),
            audit["verdict"].value_counts().rename_axis("verdict").reset_index(name="claims").assign(when=now_label),
        ],
        ignore_index=True,
    )
    base = alt.Chart(counts).encode(
        y=alt.Y("verdict:N", title=None, sort=VERDICT_ORDER, axis=alt.Axis(labelLimit=220)),
        yOffset=alt.YOffset("when:N", sort=[then_label, now_label]),
        x=alt.X("claims:Q", title="Claims", axis=alt.Axis(tickMinStep=1)),
        tooltip=[alt.Tooltip("verdict:N"), alt.Tooltip("when:N", title="Data used"), alt.Tooltip("claims:Q")],
    )
    bars = base.mark_bar().encode(
        color=alt.Color(
            "when:N",
            title=None,
            sort=[then_label, now_label],
            scale=alt.Scale(range=PALETTE[:2]),
            legend=alt.Legend(orient="bottom"),
        ),
    )
    labels = base.mark_text(align="left", dx=3, fontSize=10, color=INK).encode(text="claims:Q")
    return alt.layer(bars, labels).properties(
        width=WIDTH,
        height=alt.Step(12),
        title="Verdicts on the claims, when published and with hindsight",
        description=(
            f"Bar chart counting the {len(audit)} claims by verdict, twice: with only the data published by the "
            "day each claim appeared, and with all data (hindsight, including data after the article of "
            f"{fmt_date(cut)}). Each bar is labelled with its count."
        ),
    )


@_shown
def claims_overview(audit: pd.DataFrame, *, cut) -> alt.LayerChart:
    """Each graded area claim's measurements as a percentage of the stated figure, with the range
    the tolerance rule accepts: where the sources' figures stand against the map."""
    rows = audit.loc[
        audit["strict value"].notna() & audit["stated value"].notna() & audit["stated"].str.contains("km²")
    ]
    long = []
    for _, row in rows.iterrows():
        # a figure reported after the article is hindsight, whatever the date of its measurement
        label = f"{row['short']}: {hindsight_marked(row['stated'], row['published'], cut)}"
        high = 100 * row["high"] / row["stated value"] if pd.notna(row["high"]) else None  # None: a floor
        for name, column in (("Strict reading (held, or net)", "strict value"), ("Wide reading", "wide value")):
            if pd.isna(row[column]):
                continue
            long.append(
                {
                    "claim": label,
                    "reading": hindsight_marked(name, row["data end"], cut),
                    "percent": 100 * row[column] / row["stated value"],
                    "low": 100 * row["low"] / row["stated value"],
                    "high": high,
                    "up_to": f"{high:.0f}" if high is not None else "no upper limit (a floor)",
                    "verdict": row["verdict"],
                    "data": hindsight_marked(f"to {fmt_date(row['data end'])}", row["data end"], cut),
                }
            )
    data = pd.DataFrame(long)
    data["high_shown"] = data["high"].fillna(data[["percent", "low", "high"]].max().max())  # a floor: to the edge
    # each label on two lines, the figure as stated on the second: on one line the longest was
    # cut to "more than 1,0…" at the axis's width limit, and left a phone little room for the dots
    two_lines = (
        "[substring(datum.label, 0, lastindexof(datum.label, ': ') + 1), "
        "substring(datum.label, lastindexof(datum.label, ': ') + 2)]"
    )
    y = alt.Y("claim:N", title=None, sort=None, axis=alt.Axis(labelExpr=two_lines, labelLimit=240))
    ranges = (
        alt.Chart(data.drop_duplicates("claim"))
        .mark_bar(color=INK, opacity=0.15, height=10)
        .encode(
            y=y,
            x=alt.X("low:Q", title=["Measured, as % of", "the stated figure"]),
            x2="high_shown:Q",
            tooltip=[alt.Tooltip("claim:N"), alt.Tooltip("low:Q", title="Accepted from (%)", format=".0f")],
        )
    )
    stated = alt.Chart(pd.DataFrame({"x": [100]})).mark_rule(color=INK, strokeDash=[4, 3]).encode(x="x:Q")
    points = (
        alt.Chart(data)
        .mark_point(size=90, filled=True)
        .encode(
            y=y,
            x="percent:Q",
            color=alt.Color(
                "reading:N",
                title=None,
                scale=alt.Scale(range=PALETTE),
                legend=alt.Legend(orient="bottom", columns=1),
            ),
            shape=alt.Shape("reading:N", title=None, legend=alt.Legend(orient="bottom", columns=1)),
            tooltip=[
                alt.Tooltip("claim:N"),
                alt.Tooltip("reading:N"),
                alt.Tooltip("percent:Q", title="% of stated", format=".0f"),
                alt.Tooltip("low:Q", title="Accepted from (%)", format=".0f"),
                alt.Tooltip("up_to:N", title="Accepted up to (%)"),
                alt.Tooltip("verdict:N"),
                alt.Tooltip("data:N", title="Data"),
            ],
        )
    )
    return alt.layer(ranges, stated, points).properties(
        width=WIDTH,
        height=alt.Step(32),
        title="The sources' area figures against the map",
        description=(
            "Dot plot: for each area figure the sources stated, DeepStateMap's strict and wide measurements as a "
            "percentage of it, over a grey band showing the range the book's tolerance rule accepts; the dashed "
            "line is the stated figure (100%). Points whose data run past the article "
            f"({fmt_date(cut)}), and figures reported after it, are labelled hindsight. "
            + "; ".join(f"{r['claim']}: {r['verdict']}" for _, r in data.drop_duplicates("claim").iterrows())
            + "."
        ),
    )


#: Equal-area projection centred on Ukraine, for every map (areas on the page compare honestly).
MAP_PROJECTION = {"type": "conicEqualArea", "parallels": [45, 52], "rotate": [-32, 0, 0]}
KM_PER_DEGREE_LAT = 111.32


def _features(rows: pd.DataFrame, clip=None, **extra) -> list[dict]:
    """GeoJSON features from map_layers rows (optionally clipped to a lon/lat box), with properties."""
    import shapely
    from shapely.geometry import mapping, shape

    features = []
    for _, row in rows.iterrows():
        geometry = shape(json.loads(row["geometry"]))
        if clip is not None:
            geometry = shapely.clip_by_rect(geometry, *clip)
        if geometry.is_empty:
            continue
        geometry = _clockwise(geometry)
        properties = {"label": row["label"], "layer": row["layer"], "km2": round(float(row["area_km2"]))}
        properties.update({k: (v(row) if callable(v) else v) for k, v in extra.items()})
        features.append({"type": "Feature", "geometry": mapping(geometry), "properties": properties})
    return features


def _clockwise(geometry):
    """Polygons with clockwise outer rings: the winding d3-geo (and so Vega) reads as 'inside'
    (the other winding fills the whole globe but the shape)."""
    import shapely
    from shapely.geometry.polygon import orient

    parts = [orient(p, sign=-1.0) for p in shapely.get_parts(geometry) if p.geom_type == "Polygon"]
    return shapely.MultiPolygon(parts) if len(parts) > 1 else parts[0]


#: A neighbouring country is named on a map when its part of the map is at least this large
#: (square degrees of longitude and latitude), so that a sliver at the edge carries no label.
COUNTRY_LABEL_MIN_DEG2 = 1.0


def _countries(layers: pd.DataFrame, box, named: bool = True) -> list[alt.Chart]:
    """Ukraine's neighbours within ``box``, for orientation: a faint tint (no outline, so the
    map's edge draws no line; Ukraine's border is its regions' outline), and their names in
    italics where enough of the country is on the map."""
    from shapely.geometry import shape

    features = _features(layers.loc[layers["layer"] == "country"], clip=box)
    if not features:
        return []
    outlines = (
        alt.Chart(alt.Data(values=features))
        .mark_geoshape(fill=INK, fillOpacity=0.05, stroke=None)
        .encode(tooltip=[alt.Tooltip("properties.label:N", title="Country")])
    )
    if not named:
        return [outlines]
    points = [
        (f["properties"]["label"], shape(f["geometry"]).representative_point())
        for f in features
        if shape(f["geometry"]).area >= COUNTRY_LABEL_MIN_DEG2
    ]
    names = pd.DataFrame(
        {"name": [n for n, _ in points], "lon": [p.x for _, p in points], "lat": [p.y for _, p in points]}
    )
    labels = (
        alt.Chart(names)
        .mark_text(fontSize=12, fontStyle="italic", color=INK, opacity=0.75)
        .encode(longitude="lon:Q", latitude="lat:Q", text="name:N")
    )
    return [outlines, labels]


def _extent(rows: pd.DataFrame, margin: float) -> tuple[float, float, float, float]:
    """Longitude/latitude box around some map_layers rows, with a margin in degrees."""
    from shapely.geometry import shape

    bounds = [shape(json.loads(g)).bounds for g in rows["geometry"] if json.loads(g)["coordinates"]]
    return (
        min(b[0] for b in bounds) - margin,
        min(b[1] for b in bounds) - margin,
        max(b[2] for b in bounds) + margin,
        max(b[3] for b in bounds) + margin,
    )


def _scale_bar(box, km: int = 50) -> list[alt.Chart]:
    """A line of ``km`` kilometres in the map's lower left corner, labelled, to read distances by."""
    import math

    lat = box[1] + 0.12 * (box[3] - box[1])
    lon = box[0] + 0.05 * (box[2] - box[0])
    span = km / (KM_PER_DEGREE_LAT * math.cos(math.radians(lat)))
    bar = pd.DataFrame({"lon": [lon], "lat": [lat], "lon2": [lon + span], "label": [f"{km} km"]})
    line = (
        alt.Chart(bar)
        .mark_rule(color=INK, strokeWidth=2)
        .encode(longitude="lon:Q", latitude="lat:Q", longitude2="lon2:Q", latitude2="lat:Q")
    )
    text = (
        alt.Chart(bar)
        .mark_text(align="left", dy=-8, fontSize=10, color=INK)
        .encode(longitude="lon:Q", latitude="lat:Q", text="label:N")
    )
    return [line, text]


@_shown
def gains_map(layers: pd.DataFrame, places: pd.DataFrame, *, cut, finding: str = "") -> alt.LayerChart:
    """Where Russia advanced in 2024: ground taken in each period, the Russian-held area on the
    article's date, the regions, and the places the article names. The period after the article
    is labelled hindsight."""
    periods = layers.loc[(layers["layer"] == "taken") & (layers["period"] != "2023")].sort_values("end_date")
    box = _extent(periods, 0.35)
    bar_km = 50
    label = {row["period"]: hindsight_marked(row["label"], row["end_date"], cut) for _, row in periods.iterrows()}
    order = [label[p] for p in periods["period"]]
    regions = (
        alt.Chart(alt.Data(values=_features(layers.loc[layers["layer"] == "region"], clip=box)))
        .mark_geoshape(fill="transparent", stroke=INK, strokeOpacity=0.35, strokeWidth=0.7)
        .encode(tooltip=[alt.Tooltip("properties.label:N", title="Region")])
    )
    held = (
        alt.Chart(alt.Data(values=_features(layers.loc[layers["layer"] == "occupied"], clip=box)))
        .mark_geoshape(fill=INK, fillOpacity=0.12, stroke=None)
        .encode(tooltip=[alt.Tooltip("properties.label:N", title="Area")])
    )
    taken = (
        alt.Chart(alt.Data(values=_features(periods, clip=box, period=lambda r: label[r["period"]])))
        .mark_geoshape(stroke=None)
        .encode(
            color=alt.Color(
                "properties.period:N",
                title="Taken by Russia",
                sort=order,
                scale=alt.Scale(domain=order, range=[PALETTE[0], PALETTE[2], PALETTE[4], PALETTE[1]]),
                legend=alt.Legend(orient="bottom", columns=1),
            ),
            tooltip=[
                alt.Tooltip("properties.period:N", title="Taken"),
                alt.Tooltip("properties.km2:Q", title="km² in the period (all fronts)", format=","),
            ],
        )
    )
    towns = places.assign(label=places["name"])
    points = (
        alt.Chart(towns)
        .mark_point(shape="circle", size=40, filled=True, color=INK)
        .encode(longitude="longitude:Q", latitude="latitude:Q", tooltip=[alt.Tooltip("name:N", title="Place")])
    )
    names = (
        alt.Chart(towns)
        .mark_text(align="left", dx=6, dy=-4, fontSize=11, fontWeight="bold", color=INK)
        .encode(longitude="longitude:Q", latitude="latitude:Q", text="label:N")
    )
    return (
        alt.layer(*_countries(layers, box), regions, held, taken, points, names, *_scale_bar(box, km=bar_km))
        .project(**MAP_PROJECTION)
        .properties(
            width=WIDTH,
            height=460,
            title="Where Russia advanced in 2024, DeepStateMap",
            description=(
                "Map of eastern Ukraine with the ground Russia took in each period of 2024, coloured by period, "
                f"over the area it held on the article's date ({fmt_date(cut)}) in light grey, with region "
                "borders, neighbouring countries faintly tinted and named, and the places the article names. "
                "The period after the article is labelled hindsight. "
                f"Equal-area projection; the bar shows {bar_km} km. " + finding
            ),
        )
    )


@_shown
def kursk_map(layers: pd.DataFrame, *, cut, finding: str = "") -> alt.LayerChart:
    """Ukraine's hold in Kursk region on key dates: the held area's outline on each date (colour
    and dash), the area held on the article's date filled, Ukraine's Sumy region for orientation."""
    held = layers.loc[layers["layer"] == "kursk_held"].sort_values("end_date")
    box = _extent(held, 0.12)
    bar_km = 20

    def when(row) -> str:
        day = pd.Timestamp(row["end_date"])
        text = fmt_date(day) + (
            "" if row["label"] == fmt_date(day) else f", {row['label'][0].lower()}{row['label'][1:]}"
        )
        return hindsight_marked(text, day, cut)

    order = [when(r) for _, r in held.iterrows()]
    sumy = (
        alt.Chart(
            alt.Data(
                values=_features(layers.loc[(layers["layer"] == "region") & (layers["label"] == "Sumy")], clip=box)
            )
        )
        .mark_geoshape(fill=INK, fillOpacity=0.06, stroke=INK, strokeOpacity=0.5, strokeWidth=0.7)
        .encode(tooltip=[alt.Tooltip("properties.label:N", title="Ukraine, region")])
    )
    on_the_day = (
        alt.Chart(alt.Data(values=_features(held.loc[held["period"] == "article"], when=when)))
        .mark_geoshape(fill=PALETTE[0], fillOpacity=0.18, stroke=None)
        .encode(tooltip=[alt.Tooltip("properties.when:N", title="Shaded: held on")])
    )
    outlines = (
        alt.Chart(alt.Data(values=_features(held, when=when)))
        .mark_geoshape(fill=None, filled=False, strokeWidth=1.6)
        .encode(
            stroke=alt.Stroke(
                "properties.when:N",
                title="Held by Ukraine on",
                sort=order,
                scale=alt.Scale(domain=order, range=PALETTE[: len(order)]),
                legend=alt.Legend(orient="bottom", columns=1),
            ),
            strokeDash=alt.StrokeDash(
                "properties.when:N", sort=order, scale=alt.Scale(domain=order, range=DASHES), legend=None
            ),
            tooltip=[
                alt.Tooltip("properties.when:N", title="Held on"),
                alt.Tooltip("properties.km2:Q", title="km²", format=","),
            ],
        )
    )
    from shapely.geometry import shape

    inside = shape(sumy.data.values[0]["geometry"]).representative_point() if sumy.data.values else None
    names = pd.DataFrame(
        {
            "lon": [box[0] + 0.55 * (box[2] - box[0])] + ([inside.x] if inside is not None else []),
            "lat": [box[1] + 0.9 * (box[3] - box[1])] + ([inside.y] if inside is not None else []),
            "name": ["Russia: Kursk region"] + (["Ukraine: Sumy region"] if inside is not None else []),
        }
    )
    countries = (
        alt.Chart(names)
        .mark_text(fontSize=12, fontStyle="italic", color=INK, opacity=0.8)
        .encode(longitude="lon:Q", latitude="lat:Q", text="name:N")
    )
    return (
        alt.layer(sumy, on_the_day, outlines, countries, *_scale_bar(box, km=bar_km))
        .project(**MAP_PROJECTION)
        .properties(
            width=WIDTH,
            height=400,
            title="Ukraine's hold in Russia's Kursk region on key dates, DeepStateMap",
            description=(
                "Map of the part of Russia's Kursk region held by Ukraine, drawn as an outline in its own "
                f"colour and dash on each of these dates: {'; '.join(order)}. The area held on the article's "
                f"date ({fmt_date(cut)}) is shaded, and Ukraine's Sumy region to the south-west is shown for "
                f"orientation; the bar shows {bar_km} km. " + finding
            ),
        )
    )
