"""Pandera models, one per table in ``data/``: the rules a sourced figure must satisfy.

All figure tables (territory, kursk, casualties) share one model, :class:`SourcedFigure`: a row is
one figure as a source stated it, with its unit, its qualifier ("about", "more than") and the
period it covers, kept apart from who produced the number (``originator``, e.g. ISW) and who
published the text we read it in (``reported_by``, e.g. BBC News). Tables of other shapes
(events) keep the same provenance columns and naming style.

``helpers.load`` parses the CSV text strictly into the dtypes declared here and then validates
with ``lazy=True`` so every failure in a file is reported at once. The check that a
``source_key`` exists in the bibliography reads the bibliography of the data directory being
loaded (see :data:`BIBLIOGRAPHY_KEYS`).
"""

from __future__ import annotations

from contextvars import ContextVar

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from helpers import bibliography

EARLIEST_DATE = pd.Timestamp("2014-01-01")
LATEST_DATE = pd.Timestamp("2026-12-31")

UNITS = ("km2", "people", "people_per_day", "people_per_km2", "percent", "ratio", "settlements")
QUALIFIERS = ("about", "nearly", "more than", "at least", "exactly", "unqualified")
REGIONS = ("Ukraine", "Kursk region", "Ukraine and Russia")

#: Keys of the bibliography the current load validates against; ``None`` means the default
#: ``data/references.bib``. Set by ``helpers.load`` when loading from another directory.
BIBLIOGRAPHY_KEYS: ContextVar[frozenset[str] | None] = ContextVar("BIBLIOGRAPHY_KEYS", default=None)

SOURCE_KEY_RULE = "source_key_in_bibliography"


def _known_keys() -> frozenset[str]:
    known = BIBLIOGRAPHY_KEYS.get()
    return known if known is not None else bibliography.keys()


def _date_field(description: str, nullable: bool = False):
    return pa.Field(ge=EARLIEST_DATE, le=LATEST_DATE, nullable=nullable, description=description)


class Provenance(pa.DataFrameModel):
    """Columns every sourced row carries, whatever its table."""

    source_key: Series[str] = pa.Field(
        description="BibTeX key in data/references.bib of the text the figure was read from"
    )
    originator: Series[str] = pa.Field(
        str_length={"min_value": 1}, description="Who produced the figure (e.g. ISW, Mediazona)"
    )
    reported_by: Series[str] = pa.Field(
        str_length={"min_value": 1}, description="Who published the text it was read in (e.g. BBC News)"
    )
    published: Series[pd.Timestamp] = _date_field("Publication date of that text")
    note: Series[str] = pa.Field(nullable=True, description="Caveats: estimated dates, wording, disagreements")

    # Named by the method, not by ``name=``: pandera 0.35 keeps a custom name only for the first
    # model that inherits the check.
    @pa.check("source_key")
    def source_key_in_bibliography(cls, series: Series[str]) -> Series[bool]:
        return series.isin(_known_keys())

    class Config:
        strict = True
        coerce = False


class _FigureFields(pa.DataFrameModel):
    """The figure columns of :class:`SourcedFigure`, in file order."""

    figure_id: Series[str] = pa.Field(
        unique=True, str_matches=r"^[a-z0-9_]+$", description="Stable identifier, snake_case"
    )
    quantity: Series[str] = pa.Field(str_length={"min_value": 3}, description="What is counted or measured")
    value: Series[float] = pa.Field(ge=0, description="The number as stated (counts and areas are never negative)")
    unit: Series[str] = pa.Field(isin=UNITS, description="Unit of value")
    qualifier: Series[str] = pa.Field(
        isin=QUALIFIERS, description="How the source hedged the number; 'unqualified' if it did not"
    )
    period_start: Series[pd.Timestamp] = _date_field("First day the figure covers (empty for a stock)", True)
    period_end: Series[pd.Timestamp] = _date_field("Last day the figure covers (empty for a stock)", True)
    as_of: Series[pd.Timestamp] = _date_field("Date the figure describes")
    region: Series[str] = pa.Field(isin=REGIONS, description="Where the figure applies")


class SourcedFigure(Provenance, _FigureFields):
    """One figure as a source stated it (tables territory, kursk, casualties).

    Listing :class:`Provenance` first in the bases puts its columns last, as in the CSV files.
    """

    @pa.dataframe_check(name="period_start and period_end both set or both empty")
    def _period_complete(cls, df: pd.DataFrame) -> Series[bool]:
        return df["period_start"].isna() == df["period_end"].isna()

    @pa.dataframe_check(name="period_start <= period_end")
    def _period_ordered(cls, df: pd.DataFrame) -> Series[bool]:
        return df["period_start"].isna() | df["period_end"].isna() | (df["period_start"] <= df["period_end"])

    @pa.dataframe_check(name="as_of >= period_end")
    def _as_of_after_period(cls, df: pd.DataFrame) -> Series[bool]:
        return df["period_end"].isna() | (df["as_of"] >= df["period_end"])

    @pa.dataframe_check(name="published >= as_of")
    def _published_after_as_of(cls, df: pd.DataFrame) -> Series[bool]:
        return df["published"] >= df["as_of"]

    @pa.dataframe_check(name="value <= 100 where unit is percent")
    def _percent_bounded(cls, df: pd.DataFrame) -> Series[bool]:
        return (df["unit"] != "percent") | (df["value"] <= 100)


class _EventFields(pa.DataFrameModel):
    """The event columns of :class:`Event`, in file order."""

    event_id: Series[str] = pa.Field(
        unique=True, str_matches=r"^[a-z0-9_]+$", description="Stable identifier, snake_case"
    )
    date: Series[pd.Timestamp] = _date_field("Day the event happened (or is scheduled)")
    event: Series[str] = pa.Field(str_length={"min_value": 3}, description="What happened, in the book's words")
    actor: Series[str] = pa.Field(str_length={"min_value": 1}, description="Who acted")


class Event(Provenance, _EventFields):
    """A dated event on the timeline (table events)."""


#: Every table in ``data/``: name -> (model, one-line description for the data package).
TABLES: dict[str, tuple[type[pa.DataFrameModel], str]] = {
    "territory": (SourcedFigure, "Sourced figures on territory taken or held in Ukraine"),
    "kursk": (SourcedFigure, "Sourced figures on Ukraine's incursion into Russia's Kursk region"),
    "casualties": (SourcedFigure, "Sourced figures on Russian military deaths"),
    "events": (Event, "Dated events for the timelines"),
}


def model_for(table: str) -> type[pa.DataFrameModel]:
    try:
        return TABLES[table][0]
    except KeyError:
        raise KeyError(f"unknown table {table!r}; known tables: {', '.join(sorted(TABLES))}") from None


def field_kinds(model: type[pa.DataFrameModel]) -> dict[str, str]:
    """Column -> parse kind ('text', 'number', 'integer' or 'date'), from the model's dtypes."""
    kinds = {}
    for name, column in model.to_schema().columns.items():
        dtype = str(column.dtype)
        if dtype.startswith("datetime64"):
            kinds[name] = "date"
        elif dtype.startswith("float"):
            kinds[name] = "number"
        elif dtype.startswith("int"):
            kinds[name] = "integer"
        else:
            kinds[name] = "text"
    return kinds


def nullable_columns(model: type[pa.DataFrameModel]) -> set[str]:
    return {name for name, column in model.to_schema().columns.items() if column.nullable}
