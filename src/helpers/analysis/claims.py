"""Claims audit: each statement of fact in the source texts, tested by code under one rule.

A claim (a row of ``data/claims.csv``) names the sourced figure that states it, or the date it
states, and the check that tests it. A check measures the same quantity in open data under a
strict and a wide definition and returns a verdict:

* **consistent**: the strict measurement is within the tolerance of the stated value;
* **depends on definition**: only another definition's measurement is, or the stated value lies
  between what the definitions give (the source does not say which it used);
* **not supported by the data**: neither is;
* **contradicted**: the data rule the statement out (a date before anything was mapped);
* **not checkable**: the book has no data that measure it (or, as knowable at publication, none
  had been published yet).

**The tolerance rule** is stated once, here, and no row of data sets its own. Two maps of the
same front differ (ISW's layers and DeepStateMap disagree by several per cent on 2024's gains),
so a figure read from a map is met by a measurement within :data:`MAP_AREA_PERCENT` of it. A
ratio of two map areas carries both areas' uncertainty (twice the share); a figure the source
computed as the difference of two figures it states carries both figures' tolerances, added
(:data:`DIFFERENCE_OF`). "About", "nearly" and "almost" add the rounding the stated value shows
(half its last non-zero digit's place: 2,700 gives 50); "more than" and "at least" set only a
floor. :func:`sensitivity` recomputes every verdict with the share halved and doubled.

Each claim gets two verdicts: as knowable on the day its text was published (only data dated by
then: snapshots, counts as known then, events reported by then) and with hindsight (all data).
Verdicts are computed at build time, never typed.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

import pandas as pd

from helpers.analysis import kursk
from helpers.data.load import load, load_columns, reads
from helpers.data.schemas import FIGURE_TABLES
from helpers.data.sourced import Figure, figure
from helpers.present.prose_checks import prose_holds
from helpers.present.text import (
    FLOOR_QUALIFIERS,
    ROUNDED_QUALIFIERS,
    fmt_count,
    fmt_date,
    fmt_int,
    fmt_number,
)

VERDICTS = ("consistent", "depends on definition", "not supported by the data", "contradicted", "not checkable")

#: The one tolerance of the rule: how far (percent) a map-read area may lie from a stated one.
MAP_AREA_PERCENT = 10.0
#: A year is a stalemate on the map when its net change is at most this share (percent) of the
#: ground that changed hands in it (taken plus regained): the line moved, but not on balance.
STALEMATE_PERCENT = 25.0
#: A town is "in the area" of an advance when the Russian-held area is within this distance (km)
#: of it: the front's reach in artillery and drone range, not a town's own extent.
PLACE_RADIUS_KM = 10.0
#: Days an event may lie from a stated day (reports differ by a day across time zones and deadlines).
EVENT_DAY_SLACK = 1
#: The regions the book counts as Ukraine's north-east (bordering Russia north of the Donbas).
NORTH_EAST = ("Chernihiv", "Sumy", "Kharkiv")
#: Gains were "in" a part of the country when that part holds more than this share (percent) of
#: the ground taken in the window.
REGION_MAJORITY_PERCENT = 50.0
#: Figures the source computed from two figures it also states (value = first - second).
DIFFERENCE_OF = {"kursk_ua_area_lost_2024": ("kursk_ua_peak_area_2024", "kursk_ua_area_nov_2024")}
#: What each check measures, which decides its tolerance.
KIND_OF_CHECK = {
    "kursk_area_on": "map area",
    "kursk_peak": "map area",
    "kursk_retaken_since": "map area",
    "surge_gain": "map area",
    "kursk_loss_since_peak": "map area",
    "surge_ratio": "ratio of map areas",
    "stalemate_year": "share of ground",
    "place_near_front": "distance",
    "gains_in_north_east": "share of ground",
}


class NoData(LookupError):
    """The data a check needs were not published by the date it is asked for."""


@dataclass(frozen=True)
class Evidence:
    verdict: str
    measured: str  # what the data show, as text
    explanation: str
    tolerance: str = ""  # the accepted range, as text
    strict: float | None = None  # the strict measurement, for charts
    wide: float | None = None  # the widest other measurement, for charts
    data_end: pd.Timestamp | None = None  # the latest date of the data the measurement used
    low: float | None = None  # the accepted range, for charts
    high: float | None = None


@dataclass(frozen=True)
class Context:
    """The validated tables the checks read, optionally cut to what was known on one day."""

    figures: pd.DataFrame  # all figure tables concatenated
    areas: pd.DataFrame  # deepstate_areas
    changes: pd.DataFrame | None = None  # deepstate_changes
    isw: pd.DataFrame | None = None  # isw_areas
    headlines: pd.DataFrame | None = None  # mz_headline_totals
    periods: pd.DataFrame | None = None  # mz_period_counts
    events: pd.DataFrame | None = None  # events
    places: pd.DataFrame | None = None  # place_status
    place_names: dict[str, str] | None = None  # places: place_id -> name
    by_oblast: pd.DataFrame | None = None  # gains_by_oblast
    known_on: pd.Timestamp | None = None  # None: everything (hindsight)
    scale: float = 1.0  # multiplies every tolerance of the rule (sensitivity)

    def as_known_on(self, day) -> Context:
        """Only the data dated on or before ``day``: what could be seen then."""
        day = pd.Timestamp(day)

        def upto(table, column):
            return None if table is None else table.loc[table[column] <= day]

        return replace(
            self,
            areas=upto(self.areas, "snapshot_date"),
            changes=upto(self.changes, "end_date"),
            isw=upto(self.isw, "date"),
            headlines=upto(self.headlines, "as_of"),
            periods=upto(self.periods, "snapshot_date"),
            events=upto(self.events, "published"),
            places=upto(self.places, "snapshot_date"),
            by_oblast=upto(self.by_oblast, "end_date"),
            known_on=day,
        )


CONTEXT_TABLES = (
    *FIGURE_TABLES,
    "deepstate_areas",
    "deepstate_changes",
    "isw_areas",
    "mz_headline_totals",
    "mz_period_counts",
    "events",
    "place_status",
    "places",
    "gains_by_oblast",
)


@reads(*CONTEXT_TABLES)
def default_context() -> Context:
    """Every table the checks use, loaded and validated."""
    figures = pd.concat([load(t) for t in FIGURE_TABLES], ignore_index=True)
    return Context(
        figures,
        load("deepstate_areas"),
        load("deepstate_changes"),
        load("isw_areas"),
        load("mz_headline_totals"),
        load("mz_period_counts"),
        load("events"),
        load("place_status"),
        load_columns("places", ("place_id", "name")).set_index("place_id")["name"].to_dict(),
        load("gains_by_oblast"),
    )


def rounding_step(value: float) -> float:
    """Half the place of the last non-zero digit: 2,700 -> 50, 593 -> 0.5, 5.8 -> 0.05."""
    if value == 0:
        return 0.0
    text = f"{abs(value):.6f}".rstrip("0").rstrip(".")
    if "." in text:
        return 0.5 * 10 ** -len(text.split(".")[1])
    digits = text.rstrip("0")
    return 0.5 * 10 ** (len(text) - len(digits))


def stated_range(fig: Figure) -> tuple[float, float]:
    """What a stated figure means by its qualifier alone, with no map tolerance: "about 2,700" is
    2,650 to 2,750 (its rounding), "more than 1,000" anything from 1,000 up, an unqualified
    figure itself. For prose that compares a measurement with the figure
    (:func:`helpers.present.text.fmt_size_against`), and the part of :func:`tolerance` that the
    qualifier sets."""
    if fig.qualifier in FLOOR_QUALIFIERS:
        return fig.value, math.inf
    step = rounding_step(fig.value) if fig.qualifier in ROUNDED_QUALIFIERS else 0.0
    return fig.value - step, fig.value + step


@dataclass(frozen=True)
class Tolerance:
    """The measurements that meet a stated figure: from ``low`` to ``high`` (None: no ceiling)."""

    low: float
    high: float | None
    why: str

    def admits(self, measured: float | None) -> bool:
        if measured is None:
            return False
        return measured >= self.low and (self.high is None or measured <= self.high)

    def text(self, unit: str = "") -> str:
        show = fmt_int if max(abs(self.low), abs(self.high or 0)) >= 100 else (lambda v: fmt_number(v, 2))
        span = (
            f"{show(self.low)}{unit} or more" if self.high is None else f"{show(self.low)} to {show(self.high)}{unit}"
        )
        return f"{span} ({self.why})"


def tolerance(fig: Figure, kind: str, figures: pd.DataFrame, scale: float = 1.0) -> Tolerance:
    """The range of measurements that meet ``fig``, by the rule in the module's docstring."""
    share = MAP_AREA_PERCENT * scale / 100
    if fig.figure_id in DIFFERENCE_OF:
        parts = [figure(figures, p) for p in DIFFERENCE_OF[fig.figure_id]]
        slack = sum(share * p.value for p in parts)
        why = f"{MAP_AREA_PERCENT * scale:g}% of each of the two figures it is the difference of"
    elif kind == "ratio of map areas":
        slack = 2 * share * fig.value
        why = f"{2 * MAP_AREA_PERCENT * scale:g}%, twice a map area's {MAP_AREA_PERCENT * scale:g}%"
    elif kind == "map area":
        slack = share * fig.value
        why = f"{MAP_AREA_PERCENT * scale:g}% for a map-read area"
    else:
        raise KeyError(f"no tolerance rule for a {kind!r} check")
    low, high = stated_range(fig)  # the qualifier's part: rounding, or a floor
    if fig.qualifier in ROUNDED_QUALIFIERS:
        why += f", plus rounding for '{fig.qualifier}'"
    if fig.qualifier in FLOOR_QUALIFIERS:
        return Tolerance(low - slack, None, why + f"; '{fig.qualifier}' sets a floor only")
    return Tolerance(low - slack, high + slack, why)


def grade(stated: float, tol: Tolerance, strict: float, alternatives: list[float | None]) -> str:
    """Consistent if the strict measurement is admitted; depends on definition if another is, or
    if the stated value lies between the definitions' measurements; otherwise not supported."""
    if tol.admits(strict):
        return "consistent"
    others = [a for a in alternatives if a is not None]
    if any(tol.admits(a) for a in others):
        return "depends on definition"
    every = [strict, *others]
    if len(every) > 1 and min(every) <= stated <= max(every):
        return "depends on definition"
    return "not supported by the data"


def _tolerance_for(claim: pd.Series, ctx: Context, fig: Figure) -> Tolerance:
    return tolerance(fig, KIND_OF_CHECK[claim["check"]], ctx.figures, ctx.scale)


def _graded(claim, ctx, fig, strict, alternatives, measured, explanation, data_end) -> Evidence:
    tol = _tolerance_for(claim, ctx, fig)
    unit = " km²" if fig.unit == "km2" else ""
    others = [a for a in alternatives if a is not None]
    return Evidence(
        grade(fig.value, tol, strict, alternatives),
        measured,
        explanation,
        tol.text(unit),
        strict=float(strict),
        wide=float(others[0]) if others else None,
        data_end=pd.Timestamp(data_end),
        low=tol.low,
        high=tol.high,
    )


def _measured(strict: float, wide: float) -> str:
    return f"{fmt_int(strict)} km² held; {fmt_int(wide)} km² with grey zone"


def _nearest(areas: pd.DataFrame, day) -> pd.Series:
    try:
        return kursk.nearest(areas, day)
    except LookupError as missing:
        raise NoData(f"no DeepStateMap snapshot near {fmt_date(pd.Timestamp(day))}") from missing


def check_kursk_area_on(claim: pd.Series, ctx: Context) -> Evidence:
    fig = figure(ctx.figures, claim["figure_id"])
    snap = _nearest(ctx.areas, fig.as_of)
    strict, wide = float(snap[kursk.HELD]), float(snap[kursk.HELD_OR_GREY])
    return _graded(
        claim,
        ctx,
        fig,
        strict,
        [wide],
        _measured(strict, wide),
        f"DeepStateMap snapshot of {fmt_date(snap['date'])}, nearest to {fmt_date(fig.as_of)}",
        snap["date"],
    )


def _peaks(areas: pd.DataFrame):
    if areas.empty or areas[kursk.HELD].max() <= 0:
        raise NoData("no Kursk polygons mapped yet")
    return kursk.peak(areas, kursk.HELD), kursk.peak(areas, kursk.HELD_OR_GREY)


def check_kursk_peak(claim: pd.Series, ctx: Context) -> Evidence:
    fig = figure(ctx.figures, claim["figure_id"])
    (day_strict, strict), (day_wide, wide) = _peaks(ctx.areas)
    return _graded(
        claim,
        ctx,
        fig,
        strict,
        [wide],
        _measured(strict, wide),
        f"Largest areas in any snapshot: held on {fmt_date(day_strict)}, with grey zone on {fmt_date(day_wide)}",
        max(day_strict, day_wide),
    )


def check_kursk_loss_since_peak(claim: pd.Series, ctx: Context) -> Evidence:
    fig = figure(ctx.figures, claim["figure_id"])
    snap = _nearest(ctx.areas, fig.as_of)
    (_, peak_strict), (_, peak_wide) = _peaks(ctx.areas)
    strict = peak_strict - float(snap[kursk.HELD])
    wide = peak_wide - float(snap[kursk.HELD_OR_GREY])
    return _graded(
        claim,
        ctx,
        fig,
        strict,
        [wide],
        _measured(strict, wide),
        f"Peak minus the snapshot of {fmt_date(snap['date'])}",
        snap["date"],
    )


def check_kursk_retaken_since(claim: pd.Series, ctx: Context) -> Evidence:
    fig = figure(ctx.figures, claim["figure_id"])
    start, end = _nearest(ctx.areas, fig.period_start), _nearest(ctx.areas, fig.as_of)
    strict, wide = kursk.decrease(start, end)
    return _graded(
        claim,
        ctx,
        fig,
        strict,
        [wide],
        _measured(strict, wide),
        f"Decrease between the snapshots of {fmt_date(start['date'])} and {fmt_date(end['date'])}",
        end["date"],
    )


def stated_period(claim: pd.Series) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The first and last day a claim's stated date can mean: the day itself, or the whole month
    or year its text gives (its ``stated_precision``; a month or a year is recorded as its first
    day)."""
    first = pd.Timestamp(claim["stated_date"])
    precision = claim["stated_precision"]
    if precision == "day":
        return first, first
    if precision == "month":
        return first, first + pd.offsets.MonthEnd(0)
    if precision == "year":
        return first, first + pd.offsets.YearEnd(0)
    raise ValueError(f"claim {claim['claim_id']}: stated_precision {precision!r} is not day, month or year")


def check_kursk_start_date(claim: pd.Series, ctx: Context) -> Evidence:
    """Consistent if the first mapped polygons follow the stated start within the mapping lag
    (a stated month or year: any day of it).

    Contradicted if a snapshot shows no polygons though it was taken the mapping lag or more
    after the latest day the stated start can mean: an operation begun then, and still under
    way when the claim was made, would be on it. Without such a snapshot (a gap in the archive,
    or an archive that starts later) the date cannot be checked.
    """
    first_day, last_day = stated_period(claim)
    if ctx.areas.empty or ctx.areas[kursk.HELD_OR_GREY].max() <= 0:
        raise NoData("no Kursk polygons mapped yet")
    seen = kursk.first_appearance(ctx.areas)
    measured = f"first mapped {fmt_date(seen.first_with)}"
    if first_day > seen.first_with:
        return Evidence("not supported by the data", measured, "Kursk polygons were mapped before the stated start")
    due = last_day + pd.Timedelta(days=kursk.MAPPING_LAG_DAYS)
    if seen.first_with <= due:
        lag = (seen.first_with - first_day).days
        after = (
            f"{fmt_count(lag, 'day')} after the stated date"
            if first_day == last_day
            else f"within the mapping lag of the stated {claim['stated_precision']}"
        )
        return Evidence(
            "consistent",
            f"{measured}, {after}" if seen.first_with > first_day else f"{measured}, on the stated date",
            f"No Kursk polygons up to {fmt_date(seen.last_without)}; first on {fmt_date(seen.first_with)}",
            f"first polygons within {fmt_count(kursk.MAPPING_LAG_DAYS, 'day')} of the stated date",
        )
    dates = kursk.series(ctx.areas)["date"]
    empty_though_due = dates.loc[(dates >= due) & (dates < seen.first_with)]
    if empty_though_due.empty:
        return Evidence(
            "not checkable",
            measured,
            f"No snapshot between {fmt_date(due)} and {fmt_date(seen.first_with)} could show the stated start",
        )
    return Evidence(
        "contradicted",
        measured,
        f"Snapshots from {fmt_date(seen.first_snapshot)} to {fmt_date(seen.last_without)} show no Kursk polygons",
    )


#: Which DeepState window measures each ISW territorial figure.
SURGE_WINDOWS = {
    "isw_russian_gain_2024_ytd": ("window_2024_to_17_nov", ("2023-12-31", "2024-11-17")),
    "isw_russian_gain_2023": ("window_2023", None),
    "isw_russian_gain_sep_nov_2024": ("window_2024_1_sep_to_3_nov", ("2024-08-31", "2024-11-03")),
}


def _window(ctx: Context, stem: str, definition: str = "occupied"):
    from helpers.analysis import surge

    try:
        return surge.deepstate_change(ctx.changes, stem, definition)
    except KeyError as missing:
        raise NoData(f"no DeepStateMap window {stem} yet") from missing


def check_surge_gain(claim: pd.Series, ctx: Context) -> Evidence:
    """Strict: DeepState net change. Alternatives: with grey zone, gross taken, ISW layers."""
    from helpers.analysis import surge

    fig = figure(ctx.figures, claim["figure_id"])
    stem, isw_days = SURGE_WINDOWS[claim["figure_id"]]
    net, grey = _window(ctx, stem), _window(ctx, stem, "occupied_or_grey")
    layers = surge.isw_change(ctx.isw, *isw_days).net if isw_days else None
    measured = (
        f"DeepState net {fmt_int(net.net)} km², taken {fmt_int(net.gained)}, net with grey zone {fmt_int(grey.net)}"
    )
    measured += f"; ISW layers {fmt_int(layers)} km²" if layers is not None else "; no ISW-layer data"
    return _graded(
        claim,
        ctx,
        fig,
        net.net,
        [grey.net, net.gained, layers],
        measured,
        f"DeepState snapshots of {fmt_date(net.start)} and {fmt_date(net.end)}",
        net.end,
    )


#: ISW's two reported figures whose ratio is the alternative reading of a ratio of gains.
ISW_RATIO_FIGURES = ("isw_russian_gain_2024_ytd", "isw_russian_gain_2023")


def check_surge_ratio(claim: pd.Series, ctx: Context) -> Evidence:
    """Strict: ratio of DeepState gross gains; alternative: the ratio of ISW's own two figures."""
    from helpers.data.sourced import ratio

    fig = figure(ctx.figures, claim["figure_id"])
    a, b = _window(ctx, "window_2024_to_17_nov"), _window(ctx, "window_2023")
    strict = a.gained / b.gained
    isw_ratio = ratio(*(figure(ctx.figures, f) for f in ISW_RATIO_FIGURES))
    return _graded(
        claim,
        ctx,
        fig,
        strict,
        [isw_ratio],
        f"{fmt_number(strict, 1)} from DeepState's gross gains; {fmt_number(isw_ratio, 1)} from ISW's reported figures",
        "A net ratio is not meaningful: on DeepState 2023 was a net loss for Russia",
        a.end,
    )


def check_stalemate_year(claim: pd.Series, ctx: Context) -> Evidence:
    """A stalemate in the stated year: net change small against the ground that changed hands."""
    year = pd.Timestamp(claim["stated_date"]).year
    change = _window(ctx, f"window_{year}")
    moved = change.gained + change.lost
    share = 100 * abs(change.net) / moved
    limit = STALEMATE_PERCENT * ctx.scale
    return Evidence(
        "consistent" if share <= limit else "not supported by the data",
        f"net {fmt_int(change.net)} km² of {fmt_int(moved)} km² that changed hands ({fmt_number(share, 0)}%)",
        f"DeepState snapshots of {fmt_date(change.start)} and {fmt_date(change.end)}: Russia took "
        f"{fmt_int(change.gained)} km², Ukraine regained {fmt_int(change.lost)} km²",
        f"net change at most {limit:g}% of the ground that changed hands",
    )


def check_place_near_front(claim: pd.Series, ctx: Context) -> Evidence:
    """The place within PLACE_RADIUS_KM of the Russian-held area on the day the claim was published
    (the same snapshot in both verdicts); with hindsight, what became of it later is added."""
    rows = ctx.places.loc[ctx.places["place_id"] == claim["place_id"]].sort_values("snapshot_date")
    on_day = rows.loc[rows["snapshot_date"] <= pd.Timestamp(claim["published"])]
    if on_day.empty:
        raise NoData(f"no snapshot of {claim['place_id']} by then")
    then = on_day.iloc[-1]
    limit = PLACE_RADIUS_KM * ctx.scale
    measured = (
        f"{fmt_number(then['distance_km'], 1)} km from the Russian-held area on {fmt_date(then['snapshot_date'])}"
    )
    later = rows.loc[rows["snapshot_date"] > then["snapshot_date"]]
    if not later.empty:
        last = later.iloc[-1]
        changed = later.loc[later["status"] != then["status"]]
        if not changed.empty:
            first = changed.iloc[0]
            measured += f"; {first['status']} by {fmt_date(first['snapshot_date'])}"
        measured += f"; {last['status']} on {fmt_date(last['snapshot_date'])}"
    return Evidence(
        "consistent" if then["distance_km"] <= limit else "not supported by the data",
        measured,
        f"DeepStateMap snapshot of {fmt_date(then['snapshot_date'])}: the town was {then['status']}",
        f"within {limit:g} km of the Russian-held area",
    )


def check_gains_in_north_east(claim: pd.Series, ctx: Context) -> Evidence:
    """The figure's window: the share of the ground taken that lies in the north-eastern regions."""
    stem = SURGE_WINDOWS[claim["figure_id"]][0].removeprefix("window_")
    rows = ctx.by_oblast.loc[ctx.by_oblast["window"] == stem]
    if rows.empty:
        raise NoData(f"no regional split of the window {stem} yet")
    taken = rows.set_index("oblast")["taken_km2"]
    north_east = float(taken.reindex(list(NORTH_EAST)).fillna(0).sum())
    share = 100 * north_east / float(taken.sum())
    top = taken.idxmax()
    limit = REGION_MAJORITY_PERCENT * ctx.scale
    return Evidence(
        "consistent" if share > limit else "not supported by the data",
        f"{fmt_number(share, 0)}% of the ground taken was in the north-east ({', '.join(NORTH_EAST)}); "
        f"{fmt_number(100 * taken[top] / taken.sum(), 0)}% in {top} region",
        f"DeepStateMap snapshots of {fmt_date(rows['start_date'].iloc[0])} and {fmt_date(rows['end_date'].iloc[0])}, "
        "split by Natural Earth's regions",
        f"more than {limit:g}% of the ground taken in the north-east",
    )


def check_named_total_bracket(claim: pd.Series, ctx: Context) -> Evidence:
    """Consistent if Mediazona's published totals bracket the figure in value and date."""
    from helpers.analysis import human_cost

    fig = figure(ctx.figures, claim["figure_id"])
    if ctx.headlines.empty or ctx.headlines["confirmed_total"].max() < fig.value:
        raise NoData("no published Mediazona total had reached the figure yet")
    before, after = human_cost.bracketing_headlines(ctx.headlines, fig.value)
    in_dates = before["as_of"] <= fig.as_of <= after["as_of"]
    return Evidence(
        "consistent" if in_dates else "not supported by the data",
        f"between {fmt_int(before['confirmed_total'])} ({fmt_date(before['as_of'])}) and "
        f"{fmt_int(after['confirmed_total'])} ({fmt_date(after['as_of'])})",
        "Mediazona's published headline totals on either side of the figure",
        "a published total below it before its date and one at or above it after",
    )


#: The like-for-like window the autumn comparison uses in every snapshot (the November 2024
#: snapshot's data end on 7 November).
AUTUMN_PERIODS = ("sep_1_nov_7_2024", "sep_1_nov_7_2023")


def check_autumn_heavier(claim: pd.Series, ctx: Context) -> Evidence:
    """Deaths dated 1 Sep to 7 Nov 2024 against the same days of 2023, in the latest snapshot known."""
    from helpers.analysis import human_cost

    periods = ctx.periods.loc[ctx.periods["period_id"] == AUTUMN_PERIODS[0]]
    if periods.empty:
        raise NoData("no snapshot counts the autumn of 2024 yet")
    snapshot = human_cost.latest_snapshot(periods)
    now, before = (human_cost.period_count(ctx.periods, p, snapshot) for p in AUTUMN_PERIODS)
    ratio = now["deaths"] / before["deaths"]
    return Evidence(
        "consistent" if ratio > 1 else "not supported by the data",
        f"{fmt_int(now['deaths'])} against {fmt_int(before['deaths'])}: 2024 ÷ 2023 = {fmt_number(ratio, 2)}, "
        f"as known on {fmt_date(snapshot)}",
        f"Deaths confirmed by name, dated {now['label'].replace(' 2024', '')} of each year, in the Mediazona "
        f"snapshot of {fmt_date(snapshot)}",
        "heavier means a ratio above 1",
    )


def check_event_recorded(claim: pd.Series, ctx: Context) -> Evidence:
    """The event is in data/events.csv within the stated month or year, or within a day of the
    stated day."""
    events = ctx.events.set_index("event_id")
    event_id = claim["event_id"]
    if not isinstance(event_id, str):
        return Evidence("not checkable", "", "no matching event in data/events.csv")
    if event_id not in events.index:
        raise NoData(f"{event_id} not reported yet")
    day = events.at[event_id, "date"]
    first_day, last_day = stated_period(claim)
    slack = pd.Timedelta(days=EVENT_DAY_SLACK) if first_day == last_day else pd.Timedelta(0)
    same = first_day - slack <= day <= last_day + slack
    return Evidence(
        "consistent" if same else "not supported by the data",
        f"{events.at[event_id, 'event']}: {fmt_date(day)}",
        f"Recorded in the events table from {events.at[event_id, 'reported_by']}",
        f"the stated month or year, or within {fmt_count(EVENT_DAY_SLACK, 'day')} of the stated day",
    )


def check_not_checkable(claim: pd.Series, ctx: Context) -> Evidence:
    return Evidence("not checkable", "", claim["note"] if isinstance(claim["note"], str) else "")


#: The table behind each field of :class:`Context` a check may read (the figures it reads are
#: named by figure id, in :func:`reads_of`).
CONTEXT_FIELD_TABLES = {
    "areas": ("deepstate_areas",),
    "changes": ("deepstate_changes",),
    "isw": ("isw_areas",),
    "headlines": ("mz_headline_totals",),
    "periods": ("mz_period_counts",),
    "events": ("events",),
    "places": ("place_status",),
    "place_names": ("places",),
    "by_oblast": ("gains_by_oblast",),
}

#: The tables each check reads, besides the claim's own row and its figures (a test runs every
#: committed claim and compares what its check reads with :func:`reads_of`).
CHECK_READS: dict[str, frozenset[str]] = {
    "kursk_area_on": frozenset({"deepstate_areas"}),
    "kursk_peak": frozenset({"deepstate_areas"}),
    "kursk_loss_since_peak": frozenset({"deepstate_areas"}),
    "kursk_retaken_since": frozenset({"deepstate_areas"}),
    "kursk_start_date": frozenset({"deepstate_areas"}),
    "surge_gain": frozenset({"deepstate_changes", "isw_areas"}),
    "surge_ratio": frozenset({"deepstate_changes"}),
    "stalemate_year": frozenset({"deepstate_changes"}),
    "place_near_front": frozenset({"place_status"}),
    "gains_in_north_east": frozenset({"gains_by_oblast"}),
    "named_total_bracket": frozenset({"mz_headline_totals"}),
    "autumn_heavier": frozenset({"mz_period_counts"}),
    "event_recorded": frozenset({"events"}),
    "not_checkable": frozenset(),
}

#: Figures a check compares whatever the claim: a ratio is also set against ISW's own two figures.
CHECK_FIGURES = {"surge_ratio": ISW_RATIO_FIGURES}


@dataclass(frozen=True)
class Reads:
    """What one claim's verdict rests on (see :func:`reads_of`)."""

    tables: frozenset[str]
    figure_ids: frozenset[str]
    event_id: str | None  # the one row of the events table it reads, if any


def reads_of(claim) -> Reads:
    """The tables one claim's check reads, the figures it compares (the claim's own, the parts of
    a difference, a check's fixed ones) and the event it looks up: what the ledger lists behind
    that claim's glued verdict (:func:`verdict_of`), instead of every table the audit reads."""
    figure_ids = set(CHECK_FIGURES.get(claim["check"], ()))
    if isinstance(claim["figure_id"], str):
        figure_ids |= {claim["figure_id"], *DIFFERENCE_OF.get(claim["figure_id"], ())}
    tables = CHECK_READS[claim["check"]]
    if claim["check"] == "surge_gain" and SURGE_WINDOWS[claim["figure_id"]][1] is None:
        tables = tables - {"isw_areas"}  # ISW's layers do not cover that window (see SURGE_WINDOWS)
    looks_up_event = "events" in tables and isinstance(claim["event_id"], str)
    return Reads(tables, frozenset(figure_ids), claim["event_id"] if looks_up_event else None)


def verdict_of(audit: pd.DataFrame, claim_id: str, column: str = "verdict") -> str:
    """One claim's verdict (``column``: "verdict", with hindsight, or "verdict then") from
    :func:`audit`, for a chapter to glue. The ledger traces a value glued from this call, with
    a literal ``claim_id``, to that claim alone (:func:`reads_of`)."""
    return str(audit.at[claim_id, column])


def require_verdicts(audit: pd.DataFrame, said: dict[str, tuple[str, str]], column: str = "verdict") -> None:
    """Stop the build if a verdict the prose restates in words is no longer the audit's.

    ``said`` maps a claim id to the verdict a sentence assumes and the sentence ("The size of
    Russia's 2024 advance holds up" assumes "consistent"); see
    :func:`helpers.present.prose_checks.prose_holds`.
    """
    for claim_id, (verdict, sentence) in said.items():
        found = verdict_of(audit, claim_id, column)
        prose_holds(found == verdict, sentence, f"the {column} {verdict!r} on {claim_id!r}; the audit gives {found!r}")


CHECKS: dict[str, Callable[[pd.Series, Context], Evidence]] = {
    "kursk_area_on": check_kursk_area_on,
    "kursk_peak": check_kursk_peak,
    "kursk_loss_since_peak": check_kursk_loss_since_peak,
    "kursk_retaken_since": check_kursk_retaken_since,
    "kursk_start_date": check_kursk_start_date,
    "surge_gain": check_surge_gain,
    "surge_ratio": check_surge_ratio,
    "stalemate_year": check_stalemate_year,
    "place_near_front": check_place_near_front,
    "gains_in_north_east": check_gains_in_north_east,
    "named_total_bracket": check_named_total_bracket,
    "autumn_heavier": check_autumn_heavier,
    "event_recorded": check_event_recorded,
    "not_checkable": check_not_checkable,
}


def stated_text(claim: pd.Series, ctx: Context) -> str:
    """What the claim states, with its qualifier, in the book's words."""
    if claim["check"] == "gains_in_north_east":
        return "in the north-east"
    if isinstance(claim["figure_id"], str):
        fig = figure(ctx.figures, claim["figure_id"])
        unit = {"km2": " km²", "people": " people", "settlements": " settlements", "ratio": " times"}.get(
            fig.unit, f" {fig.unit}"
        )
        qualifier = "" if fig.qualifier == "unqualified" else f"{fig.qualifier} "
        value = fmt_int(fig.value) if float(fig.value).is_integer() else f"{fig.value:g}"
        return f"{qualifier}{value}{unit}"
    if isinstance(claim["place_id"], str):
        return f"the area of {(ctx.place_names or {}).get(claim['place_id'], claim['place_id'])}"
    if pd.isna(claim["stated_date"]):
        return "no figure" if claim["check"] == "not_checkable" else "a comparison"
    day = pd.Timestamp(claim["stated_date"])
    if claim["check"] == "stalemate_year":
        return f"a stalemate in {day.year}"
    return {"day": fmt_date(day), "month": f"{day:%B %Y}", "year": f"{day.year}"}[claim["stated_precision"]]


def _quantity(claim: pd.Series, ctx: Context) -> str:
    """The claim's short name, else what its figure measures (its row's ``quantity``), else the claim."""
    if isinstance(claim.get("short"), str) and claim["short"]:
        return claim["short"]
    if not isinstance(claim["figure_id"], str):
        return claim["claim"]
    return str(ctx.figures.set_index("figure_id").at[claim["figure_id"], "quantity"])


def evidence(claim: pd.Series, ctx: Context) -> Evidence:
    """The check's evidence, or 'not checkable' when its data had not been published by then."""
    if claim["check"] not in CHECKS:
        raise KeyError(f"claim {claim['claim_id']}: no check named {claim['check']!r} in helpers.analysis.claims")
    try:
        return CHECKS[claim["check"]](claim, ctx)
    except NoData as missing:
        if ctx.known_on is None:
            raise
        return Evidence("not checkable", "", f"As known on {fmt_date(ctx.known_on)}: {missing}")


def audit(claims: pd.DataFrame, ctx: Context, chapter: str | None = None) -> pd.DataFrame:
    """One row per claim: what it states, what the data show, and two verdicts (at publication
    and with hindsight), with the tolerance and evidence behind the hindsight one."""
    rows = []
    selected = claims if chapter is None else claims.loc[claims["chapter"] == chapter]
    for _, claim in selected.iterrows():
        now = evidence(claim, ctx)
        then = evidence(claim, ctx.as_known_on(claim["published"]))
        rows.append(
            {
                "claim_id": claim["claim_id"],
                "claim": claim["claim"],
                "text": claim["text"],
                "source": claim["source_key"],
                "published": claim["published"],
                "stated": stated_text(claim, ctx),
                "short": _quantity(claim, ctx),
                "measured then": then.measured,
                "verdict then": then.verdict,
                "measured": now.measured,
                "tolerance": now.tolerance,
                "verdict": now.verdict,
                "evidence": now.explanation,
                "hindsight changes it": then.verdict != now.verdict,
                "stated value": figure(ctx.figures, claim["figure_id"]).value
                if isinstance(claim["figure_id"], str)
                else None,
                "strict value": now.strict,
                "wide value": now.wide,
                "low": now.low,
                "high": now.high,
                "data end": now.data_end,
            }
        )
    return pd.DataFrame(rows).set_index("claim_id")


def verdict_label(row: pd.Series) -> str:
    """One cell for readers: the verdict, and the one as knowable at publication if it differs."""
    if not row["hindsight changes it"]:
        return row["verdict"]
    return f"{row['verdict']} (with hindsight); {row['verdict then']} (as knowable on {fmt_date(row['published'])})"


#: The factors by which the sensitivity table scales every tolerance of the rule.
SCALES = {"halved": 0.5, "as stated": 1.0, "doubled": 2.0}


def sensitivity(claims: pd.DataFrame, ctx: Context) -> pd.DataFrame:
    """Each claim's verdict (with hindsight) with every tolerance halved, as stated, and doubled;
    only claims whose check has a tolerance, and a column saying whether any verdict changes."""
    rows = []
    for _, claim in claims.loc[claims["check"].isin(KIND_OF_CHECK)].iterrows():
        verdicts = {name: evidence(claim, replace(ctx, scale=s)).verdict for name, s in SCALES.items()}
        rows.append({"claim_id": claim["claim_id"], "claim": claim["claim"], **verdicts})
    table = pd.DataFrame(rows).set_index("claim_id")
    table["changes"] = table[list(SCALES)].nunique(axis=1) > 1
    return table
