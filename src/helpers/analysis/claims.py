"""Claims audit: each checkable statement in the source texts, tested by code with a tolerance.

A claim (a row of ``data/claims.csv``) names the sourced figure that states it, or the date it
states, and the check that tests it. A check measures the same quantity in open data under a
strict and a wide definition and returns a verdict:

* **consistent** — the strict measurement is within the tolerance of the stated value;
* **depends on definition** — only the wide measurement is;
* **not supported by the data** — neither is;
* **contradicted** — the data rule the statement out (a date before anything was mapped);
* **not checkable** — the book has no data that measure it.

Qualifiers count: "more than" or "at least" X is met by anything from X (less the tolerance)
upwards; "about", "nearly" and unqualified figures must lie within the tolerance either side.
Verdicts are computed at build time, never typed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from helpers.analysis import kursk
from helpers.data.load import load, reads
from helpers.data.schemas import FIGURE_TABLES
from helpers.data.sourced import Figure, figure
from helpers.present.text import fmt_date, fmt_int

VERDICTS = ("consistent", "depends on definition", "not supported by the data", "contradicted", "not checkable")


@dataclass(frozen=True)
class Evidence:
    verdict: str
    measured: str  # what the data show, as text
    explanation: str


@dataclass(frozen=True)
class Context:
    """The validated tables the checks read."""

    figures: pd.DataFrame  # all figure tables concatenated
    areas: pd.DataFrame  # deepstate_areas
    changes: pd.DataFrame | None = None  # deepstate_changes
    isw: pd.DataFrame | None = None  # isw_areas
    headlines: pd.DataFrame | None = None  # mz_headline_totals
    periods: pd.DataFrame | None = None  # mz_period_counts
    events: pd.DataFrame | None = None  # events


CONTEXT_TABLES = (
    *FIGURE_TABLES,
    "deepstate_areas",
    "deepstate_changes",
    "isw_areas",
    "mz_headline_totals",
    "mz_period_counts",
    "events",
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
    )


def meets(stated: float, qualifier: str, measured: float, tolerance_percent: float) -> bool:
    """Whether ``measured`` agrees with a figure stated as ``qualifier stated``."""
    slack = stated * tolerance_percent / 100
    if qualifier in ("more than", "at least"):
        return measured >= stated - slack
    return abs(measured - stated) <= slack


def grade(stated: Figure, strict: float, wide: float | list[float], tolerance: float) -> str:
    """Consistent if the strict measurement agrees; depends on definition if only another does."""
    if meets(stated.value, stated.qualifier, strict, tolerance):
        return "consistent"
    alternatives = wide if isinstance(wide, list) else [wide]
    if any(meets(stated.value, stated.qualifier, w, tolerance) for w in alternatives if w is not None):
        return "depends on definition"
    return "not supported by the data"


def _measured(strict: float, wide: float) -> str:
    return f"{fmt_int(strict)} km² held; {fmt_int(wide)} km² with grey zone"


def check_kursk_area_on(claim: pd.Series, ctx: Context) -> Evidence:
    fig = figure(ctx.figures, claim["figure_id"])
    snap = kursk.nearest(ctx.areas, fig.as_of)
    strict, wide = float(snap[kursk.HELD]), float(snap[kursk.HELD_OR_GREY])
    return Evidence(
        grade(fig, strict, wide, claim["tolerance_percent"]),
        _measured(strict, wide),
        f"DeepStateMap snapshot of {fmt_date(snap['date'])}, nearest to {fmt_date(fig.as_of)}",
    )


def check_kursk_peak(claim: pd.Series, ctx: Context) -> Evidence:
    fig = figure(ctx.figures, claim["figure_id"])
    (day_strict, strict), (day_wide, wide) = (
        kursk.peak(ctx.areas, kursk.HELD),
        kursk.peak(ctx.areas, kursk.HELD_OR_GREY),
    )
    return Evidence(
        grade(fig, strict, wide, claim["tolerance_percent"]),
        _measured(strict, wide),
        f"Largest areas in any snapshot: held on {fmt_date(day_strict)}, with grey zone on {fmt_date(day_wide)}",
    )


def check_kursk_loss_since_peak(claim: pd.Series, ctx: Context) -> Evidence:
    fig = figure(ctx.figures, claim["figure_id"])
    snap = kursk.nearest(ctx.areas, fig.as_of)
    strict = kursk.peak(ctx.areas, kursk.HELD)[1] - float(snap[kursk.HELD])
    wide = kursk.peak(ctx.areas, kursk.HELD_OR_GREY)[1] - float(snap[kursk.HELD_OR_GREY])
    return Evidence(
        grade(fig, strict, wide, claim["tolerance_percent"]),
        f"{fmt_int(strict)} km² held; {fmt_int(wide)} km² with grey zone",
        f"Peak minus the snapshot of {fmt_date(snap['date'])}",
    )


def check_kursk_retaken_since(claim: pd.Series, ctx: Context) -> Evidence:
    fig = figure(ctx.figures, claim["figure_id"])
    strict = -kursk.change(ctx.areas, fig.period_start, fig.as_of, kursk.HELD)
    wide = -kursk.change(ctx.areas, fig.period_start, fig.as_of, kursk.HELD_OR_GREY)
    start, end = kursk.nearest(ctx.areas, fig.period_start)["date"], kursk.nearest(ctx.areas, fig.as_of)["date"]
    return Evidence(
        grade(fig, strict, wide, claim["tolerance_percent"]),
        f"{fmt_int(strict)} km² held; {fmt_int(wide)} km² with grey zone",
        f"Decrease between the snapshots of {fmt_date(start)} and {fmt_date(end)}",
    )


def check_kursk_start_date(claim: pd.Series, ctx: Context) -> Evidence:
    stated = pd.Timestamp(claim["stated_date"])
    seen = kursk.first_appearance(ctx.areas)
    measured = f"first mapped {fmt_date(seen.first_with)}"
    if stated > seen.first_with:
        return Evidence("not supported by the data", measured, "Kursk polygons were mapped before the stated start")
    if stated >= seen.first_with - pd.Timedelta(days=kursk.MAPPING_LAG_DAYS):
        return Evidence(
            "consistent",
            measured,
            f"No Kursk polygons up to {fmt_date(seen.last_without)}; first on {fmt_date(seen.first_with)}",
        )
    if stated >= seen.first_snapshot:
        return Evidence(
            "contradicted",
            measured,
            f"Snapshots from {fmt_date(seen.first_snapshot)} to {fmt_date(seen.last_without)} show no Kursk polygons",
        )
    return Evidence("not checkable", measured, "The archive starts after the stated date")


#: Which DeepState window measures each ISW territorial figure.
SURGE_WINDOWS = {
    "isw_russian_gain_2024_ytd": ("window_2024_to_17_nov", ("2023-12-31", "2024-11-17")),
    "isw_russian_gain_2023": ("window_2023", None),
    "isw_russian_gain_sep_nov_2024": ("window_2024_1_sep_to_3_nov", ("2024-08-31", "2024-11-03")),
}


def check_surge_gain(claim: pd.Series, ctx: Context) -> Evidence:
    """Strict: DeepState net change. Alternatives: with grey zone, gross taken, ISW layers."""
    from helpers.analysis import surge

    fig = figure(ctx.figures, claim["figure_id"])
    stem, isw_days = SURGE_WINDOWS[claim["figure_id"]]
    net = surge.deepstate_change(ctx.changes, stem)
    grey = surge.deepstate_change(ctx.changes, stem, "occupied_or_grey")
    layers = surge.isw_change(ctx.isw, *isw_days).net if isw_days else None
    measured = (
        f"DeepState net {fmt_int(net.net)} km², taken {fmt_int(net.gained)}, net with grey zone {fmt_int(grey.net)}"
    )
    measured += f"; ISW layers {fmt_int(layers)} km²" if layers is not None else "; no ISW-layer data"
    return Evidence(
        grade(fig, net.net, [grey.net, net.gained, layers], claim["tolerance_percent"]),
        measured,
        f"DeepState snapshots of {fmt_date(net.start)} and {fmt_date(net.end)}",
    )


def check_surge_ratio(claim: pd.Series, ctx: Context) -> Evidence:
    """Strict: ratio of DeepState gross gains; alternative: the ratio of ISW's own two figures."""
    from helpers.analysis import surge
    from helpers.data.sourced import ratio

    fig = figure(ctx.figures, claim["figure_id"])
    a, b = (
        surge.deepstate_change(ctx.changes, "window_2024_to_17_nov"),
        surge.deepstate_change(ctx.changes, "window_2023"),
    )
    strict = a.gained / b.gained
    isw_ratio = ratio(figure(ctx.figures, "isw_russian_gain_2024_ytd"), figure(ctx.figures, "isw_russian_gain_2023"))
    return Evidence(
        grade(fig, strict, [isw_ratio], claim["tolerance_percent"]),
        f"{strict:.1f} from DeepState's gross gains; {isw_ratio:.1f} from ISW's reported figures",
        "A net ratio is not meaningful: on DeepState 2023 was a net loss for Russia",
    )


def check_named_total_bracket(claim: pd.Series, ctx: Context) -> Evidence:
    """Consistent if Mediazona's published totals bracket the figure in value and date."""
    from helpers.analysis import human_cost

    fig = figure(ctx.figures, claim["figure_id"])
    before, after = human_cost.bracketing_headlines(ctx.headlines, fig.value)
    in_dates = before["as_of"] <= fig.as_of <= after["as_of"]
    return Evidence(
        "consistent" if in_dates else "not supported by the data",
        f"between {fmt_int(before['confirmed_total'])} ({fmt_date(before['as_of'])}) and "
        f"{fmt_int(after['confirmed_total'])} ({fmt_date(after['as_of'])})",
        "Mediazona's published headline totals on either side of the figure",
    )


def check_autumn_heavier(claim: pd.Series, ctx: Context) -> Evidence:
    """Deaths dated September to November 2024 against 2023, as known now and as known then."""
    from helpers.analysis import human_cost

    latest = human_cost.latest_snapshot(ctx.periods)
    now = (
        human_cost.period_count(ctx.periods, "sep_nov_2024", latest)["deaths"]
        / human_cost.period_count(ctx.periods, "sep_nov_2023", latest)["deaths"]
    )
    then = (
        human_cost.period_count(ctx.periods, "sep_1_nov_7_2024", "2024-11-15")["deaths"]
        / human_cost.period_count(ctx.periods, "sep_1_nov_7_2023", "2024-11-15")["deaths"]
    )
    return Evidence(
        "consistent" if now > 1 else "not supported by the data",
        f"2024 ÷ 2023 = {now:.2f} as known in {fmt_date(latest)}; {then:.2f} as known in November 2024",
        "Deaths confirmed by name by date of death; the November 2024 data had not yet caught up",
    )


def check_event_recorded(claim: pd.Series, ctx: Context) -> Evidence:
    """The event is in data/events.csv on the stated day (or month, when only a month is stated)."""
    events = ctx.events.set_index("event_id")
    event_id = claim["event_id"]
    if not isinstance(event_id, str) or event_id not in events.index:
        return Evidence("not checkable", "", "no matching event in data/events.csv")
    day, stated = events.at[event_id, "date"], pd.Timestamp(claim["stated_date"])
    same = (day.year, day.month) == (stated.year, stated.month) if stated.day == 1 else abs((day - stated).days) <= 1
    return Evidence(
        "consistent" if same else "not supported by the data",
        f"{event_id} on {fmt_date(day)}",
        f"Recorded in data/events.csv from {events.at[event_id, 'source_key']}",
    )


def check_not_checkable(claim: pd.Series, ctx: Context) -> Evidence:
    return Evidence("not checkable", "", claim["note"] if isinstance(claim["note"], str) else "")


CHECKS: dict[str, Callable[[pd.Series, Context], Evidence]] = {
    "kursk_area_on": check_kursk_area_on,
    "kursk_peak": check_kursk_peak,
    "kursk_loss_since_peak": check_kursk_loss_since_peak,
    "kursk_retaken_since": check_kursk_retaken_since,
    "kursk_start_date": check_kursk_start_date,
    "surge_gain": check_surge_gain,
    "surge_ratio": check_surge_ratio,
    "named_total_bracket": check_named_total_bracket,
    "autumn_heavier": check_autumn_heavier,
    "event_recorded": check_event_recorded,
    "not_checkable": check_not_checkable,
}


def stated_text(claim: pd.Series, ctx: Context) -> str:
    if not isinstance(claim["figure_id"], str) and pd.isna(claim["stated_date"]):
        return "(no figure)"
    if isinstance(claim["figure_id"], str):
        fig = figure(ctx.figures, claim["figure_id"])
        unit = {"km2": " km²", "people": " people", "settlements": " settlements", "ratio": " times"}.get(
            fig.unit, f" {fig.unit}"
        )
        qualifier = "" if fig.qualifier == "unqualified" else f"{fig.qualifier} "
        value = fmt_int(fig.value) if float(fig.value).is_integer() else f"{fig.value:g}"
        return f"{qualifier}{value}{unit}"
    day = pd.Timestamp(claim["stated_date"])
    return f"{day:%B %Y}" if day.day == 1 else fmt_date(day)  # a first of the month stands for the month


def audit(claims: pd.DataFrame, ctx: Context, chapter: str | None = None) -> pd.DataFrame:
    """One row per claim: what it states, what the data show, the verdict and why."""
    rows = []
    selected = claims if chapter is None else claims.loc[claims["chapter"] == chapter]
    for _, claim in selected.iterrows():
        if claim["check"] not in CHECKS:
            raise KeyError(f"claim {claim['claim_id']}: no check named {claim['check']!r} in helpers.analysis.claims")
        evidence = CHECKS[claim["check"]](claim, ctx)
        tolerance = claim["tolerance_percent"]
        rows.append(
            {
                "claim_id": claim["claim_id"],
                "claim": claim["claim"],
                "text": claim["text"],
                "source": claim["source_key"],
                "stated": stated_text(claim, ctx),
                "measured": evidence.measured,
                "tolerance": "" if pd.isna(tolerance) else f"±{fmt_int(tolerance)}%",
                "verdict": evidence.verdict,
                "evidence": evidence.explanation,
            }
        )
    return pd.DataFrame(rows).set_index("claim_id")
