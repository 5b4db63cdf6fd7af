"""Sourced figures by id, and the simple figures the book derives from them.

Derivations live here rather than in notebooks so they are tested, and so the same number is
computed the same way wherever a chapter shows it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Figure:
    """One row of a figure table, with Python types."""

    figure_id: str
    value: float
    unit: str
    qualifier: str
    period_start: pd.Timestamp | None
    period_end: pd.Timestamp | None
    as_of: pd.Timestamp
    source_key: str
    originator: str
    reported_by: str
    published: pd.Timestamp | None = None

    @property
    def known_on(self) -> pd.Timestamp:
        """The first day the figure could be known: the later of the day it describes and the
        day it was published (if recorded). Hindsight, after the article, is judged by it."""
        return max(self.as_of, self.published) if self.published is not None else self.as_of

    @property
    def days(self) -> int:
        """Days the period covers, both ends included."""
        if self.period_start is None or self.period_end is None:
            raise ValueError(f"{self.figure_id} has no period")
        return (self.period_end - self.period_start).days + 1


def figure(table: pd.DataFrame, figure_id: str) -> Figure:
    """The row ``figure_id`` of a validated figure table; KeyError naming the file if absent."""
    rows = table.loc[table["figure_id"] == figure_id]
    if len(rows) != 1:
        where = table.attrs.get("source_file", "the table")
        raise KeyError(f"figure_id {figure_id!r} not found in {where}")
    row = rows.iloc[0]

    def day(value):
        return None if pd.isna(value) else pd.Timestamp(value)

    return Figure(
        figure_id=figure_id,
        value=float(row["value"]),
        unit=str(row["unit"]),
        qualifier=str(row["qualifier"]),
        period_start=day(row["period_start"]),
        period_end=day(row["period_end"]),
        as_of=pd.Timestamp(row["as_of"]),
        source_key=str(row["source_key"]),
        originator=str(row["originator"]),
        reported_by=str(row["reported_by"]),
        published=day(row["published"]) if "published" in row.index else None,
    )


#: The event in data/events.csv that dates the article the book checks.
ARTICLE_EVENT = "bbc_article_published"


def event_date(events: pd.DataFrame, event_id: str) -> pd.Timestamp:
    """The date of one event of a validated events table. Called with a literal ``event_id``,
    the ledger lists that event's source alone behind the value (``helpers.book.ledger``)."""
    rows = events.loc[events["event_id"] == event_id, "date"]
    if len(rows) != 1:
        raise KeyError(f"data/events.csv: no single row with event_id {event_id!r}")
    return pd.Timestamp(rows.iloc[0])


def article_date_from(events: pd.DataFrame) -> pd.Timestamp:
    """The article's publication date, from a validated events table: the line between what
    was knowable when it appeared and hindsight."""
    return event_date(events, ARTICLE_EVENT)


def is_hindsight(day, cut) -> bool:
    """Whether data dated ``day`` came after the article dated ``cut`` (its own day is knowable):
    the one rule every chart, table and verdict marks hindsight by."""
    return pd.Timestamp(day) > pd.Timestamp(cut)


def ratio(numerator: Figure, denominator: Figure) -> float:
    """numerator / denominator, refusing to divide figures of different units."""
    if numerator.unit != denominator.unit:
        raise ValueError(f"cannot divide {numerator.unit} by {denominator.unit}")
    if denominator.value == 0:
        raise ZeroDivisionError(f"{denominator.figure_id} is zero")
    return numerator.value / denominator.value


def per_day(fig: Figure) -> float:
    """Average per day over the figure's period."""
    return fig.value / fig.days


def share_of(part: Figure, whole: Figure) -> float:
    """part as a percentage of whole (same unit; part's period must lie inside whole's)."""
    if part.period_start < whole.period_start or part.period_end > whole.period_end:
        raise ValueError(f"{part.figure_id}'s period is not inside {whole.figure_id}'s")
    return 100.0 * ratio(part, whole)


def implied_total(count: Figure, coverage_percent: Figure) -> float:
    """The total a partial count implies if it captures ``coverage_percent`` of all cases."""
    if coverage_percent.unit != "percent":
        raise ValueError(f"{coverage_percent.figure_id} is not a percentage")
    if not 0 < coverage_percent.value <= 100:
        raise ValueError(f"coverage must be in (0, 100], got {coverage_percent.value}")
    return count.value / (coverage_percent.value / 100.0)
