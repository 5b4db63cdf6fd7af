"""The article's date, and the line between what was knowable then and hindsight.

The book checks an article dated in ``data/events.csv`` (event ``bbc_article_published``). Data
dated after it (a later snapshot, a month that ends after it, a count as known later) could not
be seen by the article's authors: every chart, table row and verdict that uses such data says so.
This module holds that one rule; chart builders take the cut date and mark what lies beyond it.
"""

from __future__ import annotations

import pandas as pd

from helpers.data.load import load, reads
from helpers.data.sourced import ARTICLE_EVENT, article_date_from, is_hindsight

__all__ = ["ARTICLE_EVENT", "article_date", "article_date_from", "is_hindsight", "mark", "when"]

KNOWN = "known by the article's date"
HINDSIGHT = "hindsight"


@reads("events", rows={"events": ("event_id", ARTICLE_EVENT)})
def article_date() -> pd.Timestamp:
    """The article's publication date: the cut between what was knowable and hindsight."""
    return article_date_from(load("events"))


def when(day, cut) -> str:
    """The label for data dated ``day``: known by the article's date, or hindsight."""
    return HINDSIGHT if is_hindsight(day, cut) else KNOWN


def mark(table: pd.DataFrame, dates, cut, column: str = "when") -> pd.DataFrame:
    """``table`` with a column saying, row by row, whether the row uses data after ``cut``.

    ``dates`` is the name of the column holding each row's latest data date, or a sequence of
    such dates in row order.
    """
    days = table[dates] if isinstance(dates, str) else pd.Series(list(dates), index=table.index)
    return table.assign(**{column: [when(d, cut) for d in days]})
