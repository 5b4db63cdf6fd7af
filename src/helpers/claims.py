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

from dataclasses import dataclass
from typing import Callable

import pandas as pd

from helpers import kursk
from helpers.figures import Figure, figure
from helpers.text import fmt_date, fmt_int

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


def meets(stated: float, qualifier: str, measured: float, tolerance_percent: float) -> bool:
    """Whether ``measured`` agrees with a figure stated as ``qualifier stated``."""
    slack = stated * tolerance_percent / 100
    if qualifier in ("more than", "at least"):
        return measured >= stated - slack
    return abs(measured - stated) <= slack


def grade(stated: Figure, strict: float, wide: float, tolerance: float) -> str:
    if meets(stated.value, stated.qualifier, strict, tolerance):
        return "consistent"
    if meets(stated.value, stated.qualifier, wide, tolerance):
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
    (day_strict, strict), (day_wide, wide) = kursk.peak(ctx.areas, kursk.HELD), kursk.peak(ctx.areas, kursk.HELD_OR_GREY)
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
        return Evidence("consistent", measured, f"No Kursk polygons up to {fmt_date(seen.last_without)}; first on {fmt_date(seen.first_with)}")
    if stated >= seen.first_snapshot:
        return Evidence(
            "contradicted",
            measured,
            f"Snapshots from {fmt_date(seen.first_snapshot)} to {fmt_date(seen.last_without)} show no Kursk polygons",
        )
    return Evidence("not checkable", measured, "The archive starts after the stated date")


def check_not_checkable(claim: pd.Series, ctx: Context) -> Evidence:
    return Evidence("not checkable", "", claim["note"] if isinstance(claim["note"], str) else "")


CHECKS: dict[str, Callable[[pd.Series, Context], Evidence]] = {
    "kursk_area_on": check_kursk_area_on,
    "kursk_peak": check_kursk_peak,
    "kursk_loss_since_peak": check_kursk_loss_since_peak,
    "kursk_retaken_since": check_kursk_retaken_since,
    "kursk_start_date": check_kursk_start_date,
    "not_checkable": check_not_checkable,
}


def stated_text(claim: pd.Series, ctx: Context) -> str:
    if isinstance(claim["figure_id"], str):
        fig = figure(ctx.figures, claim["figure_id"])
        unit = {"km2": " km²", "people": " people", "settlements": " settlements"}.get(fig.unit, f" {fig.unit}")
        qualifier = "" if fig.qualifier == "unqualified" else f"{fig.qualifier} "
        return f"{qualifier}{fmt_int(fig.value)}{unit}"
    day = pd.Timestamp(claim["stated_date"])
    return f"{day:%B %Y}" if day.day == 1 else fmt_date(day)  # a first of the month stands for the month


def audit(claims: pd.DataFrame, ctx: Context, chapter: str | None = None) -> pd.DataFrame:
    """One row per claim: what it states, what the data show, the verdict and why."""
    rows = []
    selected = claims if chapter is None else claims.loc[claims["chapter"] == chapter]
    for _, claim in selected.iterrows():
        if claim["check"] not in CHECKS:
            raise KeyError(f"claim {claim['claim_id']}: no check named {claim['check']!r} in helpers.claims")
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
