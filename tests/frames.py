"""Small hand-made tables for unit tests, shaped like the validated figure tables."""

from __future__ import annotations

import pandas as pd

FIGURE_COLUMNS = [
    "figure_id",
    "value",
    "unit",
    "qualifier",
    "period_start",
    "period_end",
    "as_of",
    "source_key",
    "originator",
    "reported_by",
]


def figure_frame(*rows) -> pd.DataFrame:
    """A figure table from tuples in FIGURE_COLUMNS order, with dates parsed."""
    frame = pd.DataFrame([dict(zip(FIGURE_COLUMNS, row, strict=False)) for row in rows])
    for column in ("period_start", "period_end", "as_of"):
        frame[column] = pd.to_datetime(frame[column])
    return frame
