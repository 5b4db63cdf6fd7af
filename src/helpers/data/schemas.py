"""Pandera models, one per table in ``data/``: the rules a sourced figure must satisfy.

All figure tables (territory, kursk, casualties) share one model, :class:`SourcedFigure`: a row is
one figure as a source stated it, with its unit, its qualifier ("about", "more than") and the
period it covers, kept apart from who produced the number (``originator``, e.g. ISW) and who
published the text we read it in (``reported_by``, e.g. BBC News). Tables of other shapes
(events) keep the same provenance columns and naming style.

``helpers.data.load`` parses the CSV text strictly into the dtypes declared here and then validates
with ``lazy=True`` so every failure in a file is reported at once. The check that a
``source_key`` exists in the bibliography reads the bibliography of the data directory being
loaded (see :data:`BIBLIOGRAPHY_KEYS`).
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from helpers import toc
from helpers.data import bibliography
from helpers.data.pandera_import import Series, pa
from helpers.paths import PROJECT_ROOT

EARLIEST_DATE = pd.Timestamp("2014-01-01")
LATEST_DATE = pd.Timestamp("2026-12-31")

UNITS = ("km2", "people", "people_per_day", "people_per_km2", "percent", "ratio", "settlements")
QUALIFIERS = ("about", "nearly", "more than", "at least", "exactly", "unqualified")
REGIONS = ("Ukraine", "Kursk region", "Ukraine and Russia")

#: Keys of the bibliography the current load validates against; ``None`` means the default
#: ``data/references.bib``. Set by ``helpers.data.load`` when loading from another directory.
BIBLIOGRAPHY_KEYS: ContextVar[frozenset[str] | None] = ContextVar("BIBLIOGRAPHY_KEYS", default=None)

SOURCE_KEY_RULE = "source_key in references.bib"
MENTIONED_IN_RULE = "mentioned_in in references.bib"

# Text patterns, each with the description a reader sees when a cell breaks it. Every pattern
# matches a whole value (^...$), as Table Schema's ``pattern`` does.
IDENTIFIER = r"^[a-z0-9_]+$"
CHECK_NAME = r"^[a-z_]+$"
HTTPS_URL = r"^https://\S+$"
GEOJSON_POLYGON = r'^\{"type":"(Polygon|MultiPolygon)","coordinates":\[.*\]\}$'
SHA256 = r"^[0-9a-f]{64}( [0-9a-f]{64})*$"  # one or more, space-separated
GIT_COMMIT = r"^[0-9a-f]{40}$"
KYIV_TIME = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}[+-]\d{2}:\d{2}$"
SNAPSHOT_FILE = r"^\d+\.geojson$"
GIT_SHA256_ONE = r"^[0-9a-f]{64}$"
RELATIVE_PATH = r"^[A-Za-z0-9_][A-Za-z0-9_./-]*$"
PATTERNS = {
    GIT_SHA256_ONE: "a SHA-256 hash: 64 lowercase hex digits",
    RELATIVE_PATH: "a relative path: letters, digits, _ . / - (no spaces, not absolute)",
    IDENTIFIER: "an identifier: lowercase letters, digits and _",
    CHECK_NAME: "a check name: lowercase letters and _",
    HTTPS_URL: "an https:// address without spaces",
    SHA256: "SHA-256 hashes: 64 lowercase hex digits each, separated by one space",
    GIT_COMMIT: "a full git commit hash: 40 lowercase hex digits",
    KYIV_TIME: "a local time YYYY-MM-DDTHH:MM+HH:MM",
    SNAPSHOT_FILE: "a snapshot file name: digits then .geojson",
    GEOJSON_POLYGON: "a GeoJSON Polygon or MultiPolygon, compact",
}

#: Pandera's own validations (not checks of ours), as a person fixing the file reads them.
CORE_RULES = {
    "not_nullable": "required (not empty)",
    "field_uniqueness": "unique (no duplicate ids)",
    "multiple_fields_uniqueness": "unique combination of the key columns",
    "column_in_dataframe": "required column present",
}


def _value_text(value) -> str:
    return value.date().isoformat() if isinstance(value, pd.Timestamp) else str(value)


def describe(check) -> str:
    """The reader-facing description of one check of a model.

    Our own checks carry theirs where they are defined (``error=`` or a ``name=`` that is the
    rule in words); built-in checks are described from their declared values (bounds, allowed
    values, patterns from :data:`PATTERNS`). Raises ``KeyError`` for a check with no
    description, which a test turns into a failure, so no message ever falls back to pandera's
    internal name.
    """
    stats = check.statistics or {}
    builtin: dict = {
        "greater_than_or_equal_to": lambda: ">= " + _value_text(stats["min_value"]),
        "less_than_or_equal_to": lambda: "<= " + _value_text(stats["max_value"]),
        "isin": lambda: "one of " + ", ".join(map(str, stats["allowed_values"])),
        "str_matches": lambda: PATTERNS[getattr(stats["pattern"], "pattern", stats["pattern"])],
        "str_length": lambda: (
            "not empty" if (stats.get("min_value") or 0) <= 1 else f"at least {stats['min_value']} characters"
        ),
    }
    if check.name in builtin:
        return builtin[check.name]()
    if check.error:  # a column check of ours: @pa.check(column, error="...")
        return check.error
    if check.name:  # a row check of ours: @pa.dataframe_check(name="the rule in words")
        return check.name
    raise KeyError(f"check {check!r} has no description")


def _known_keys() -> frozenset[str]:
    known = BIBLIOGRAPHY_KEYS.get()
    return known if known is not None else bibliography.keys()


def _date_field(description: str, nullable: bool = False, unique: bool = False):
    return pa.Field(ge=EARLIEST_DATE, le=LATEST_DATE, nullable=nullable, unique=unique, description=description)


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
    @pa.check("source_key", error=SOURCE_KEY_RULE)
    def source_key_in_bibliography(cls, series: Series[str]) -> Series[bool]:
        return series.isin(_known_keys())

    class Config:
        strict = True
        coerce = False


class _FigureFields(pa.DataFrameModel):
    """The figure columns of :class:`SourcedFigure`, in file order."""

    figure_id: Series[str] = pa.Field(unique=True, str_matches=IDENTIFIER, description="Stable identifier, snake_case")
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

    event_id: Series[str] = pa.Field(unique=True, str_matches=IDENTIFIER, description="Stable identifier, snake_case")
    date: Series[pd.Timestamp] = _date_field("Day the event happened (or is scheduled)")
    event: Series[str] = pa.Field(str_length={"min_value": 3}, description="What happened, in the book's words")
    actor: Series[str] = pa.Field(str_length={"min_value": 1}, description="Who acted")


class Event(Provenance, _EventFields):
    """A dated event on the timeline (table events)."""


class _PlaceFields(pa.DataFrameModel):
    """The place columns of :class:`Place`, in file order."""

    place_id: Series[str] = pa.Field(unique=True, str_matches=IDENTIFIER, description="Stable identifier")
    name: Series[str] = pa.Field(str_length={"min_value": 2}, description="English name as used in the book")
    name_uk: Series[str] = pa.Field(str_length={"min_value": 2}, description="Ukrainian name")
    region: Series[str] = pa.Field(str_length={"min_value": 3}, description="Region (oblast)")
    latitude: Series[float] = pa.Field(ge=44.0, le=53.0, description="Latitude, degrees north (WGS84)")
    longitude: Series[float] = pa.Field(ge=22.0, le=41.0, description="Longitude, degrees east (WGS84)")
    role: Series[str] = pa.Field(str_length={"min_value": 3}, description="Why the place matters in the source text")
    mentioned_in: Series[str] = pa.Field(description="BibTeX key of the text that names the place")


class Place(Provenance, _PlaceFields):
    """A place the sources name, with coordinates (table places)."""

    @pa.check("mentioned_in", error=MENTIONED_IN_RULE)
    def mentioned_in_bibliography(cls, series: Series[str]) -> Series[bool]:
        return series.isin(_known_keys())


RAW_ROLES = ("snapshot", "series", "manifest", "licence", "text", "boundaries")
CLAIM_TEXTS = ("write-up 000", "write-up 001", "both write-ups", "further report")
#: Checks that test a statement with no figure or date of its own (see helpers.analysis.claims).
CHECKS_WITHOUT_SUBJECT = ("not_checkable", "autumn_heavier")
#: How much of a date a claim's text states. A month or a year is recorded as its first day, and
#: the checks read the whole month or year (``helpers.analysis.claims.stated_period``).
STATED_PRECISIONS = ("day", "month", "year")
#: Tolerances are not data: one rule in helpers.analysis.claims decides them (no per-row column).
#: The chapters (the "Chapters" part of _toc.yml), by file name: a claim is audited in one of them.
CLAIM_CHAPTERS = tuple(Path(page.docname).name for page in toc.part(PROJECT_ROOT, "Chapters"))


class _ClaimFields(pa.DataFrameModel):
    """The claim columns of :class:`Claim`, in file order."""

    claim_id: Series[str] = pa.Field(unique=True, str_matches=IDENTIFIER, description="Stable identifier")
    chapter: Series[str] = pa.Field(isin=CLAIM_CHAPTERS, description="Chapter that audits the claim")
    text: Series[str] = pa.Field(isin=CLAIM_TEXTS, description="Which source text makes it")
    claim: Series[str] = pa.Field(str_length={"min_value": 10}, description="The claim, paraphrased (not quoted)")
    short: Series[str] = pa.Field(
        nullable=True,
        str_length={"max_value": 32},
        description="A few words naming the claim in charts, if shown in one",
    )
    figure_id: Series[str] = pa.Field(nullable=True, description="The sourced figure that states it, if any")
    stated_date: Series[pd.Timestamp] = _date_field("Date the claim states, if it is about a date", True)
    stated_precision: Series[str] = pa.Field(
        nullable=True,
        isin=STATED_PRECISIONS,
        description="How much of that date the text states: a day, a month or a year (recorded as its first day)",
    )
    event_id: Series[str] = pa.Field(
        nullable=True, str_matches=IDENTIFIER, description="The event in data/events.csv it refers to, if any"
    )
    place_id: Series[str] = pa.Field(
        nullable=True, str_matches=IDENTIFIER, description="The place in data/places.csv it is about, if any"
    )
    check: Series[str] = pa.Field(str_matches=CHECK_NAME, description="Name of the check in helpers.analysis.claims")
    source_key: Series[str] = pa.Field(description="BibTeX key of the text")
    published: Series[pd.Timestamp] = _date_field("Publication date of that text: the day 'as knowable' verdicts use")
    note: Series[str] = pa.Field(nullable=True, description="What the check can and cannot show")


class Claim(_ClaimFields):
    """A statement of fact in the source texts, and how the book tests it (table claims)."""

    @pa.check("source_key", error=SOURCE_KEY_RULE)
    def source_key_in_bibliography(cls, series: Series[str]) -> Series[bool]:
        return series.isin(_known_keys())

    @pa.dataframe_check(name="figure_id or stated_date set, unless the check needs neither")
    def _has_subject(cls, df: pd.DataFrame) -> Series[bool]:
        return (
            df["figure_id"].notna()
            | df["stated_date"].notna()
            | df["place_id"].notna()
            | df["check"].isin(CHECKS_WITHOUT_SUBJECT)
        )

    @pa.dataframe_check(name="stated_precision set exactly where stated_date is")
    def _precision_with_date(cls, df: pd.DataFrame) -> Series[bool]:
        return df["stated_date"].notna() == df["stated_precision"].notna()

    @pa.dataframe_check(name="a stated_date of precision month or year is the first day of it")
    def _period_recorded_by_first_day(cls, df: pd.DataFrame) -> Series[bool]:
        day, precision = df["stated_date"], df["stated_precision"]
        first_of_month = day.dt.day == 1
        first_of_year = first_of_month & (day.dt.month == 1)
        return (precision.ne("month") | first_of_month) & (precision.ne("year") | first_of_year)

    class Config:
        strict = True
        coerce = False


#: Every table in ``data/``: name -> (model, one-line description for the data package).
TABLES: dict[str, tuple[type[pa.DataFrameModel], str]] = {
    "territory": (SourcedFigure, "Sourced figures on territory taken or held in Ukraine"),
    "kursk": (SourcedFigure, "Sourced figures on Ukraine's incursion into Russia's Kursk region"),
    "casualties": (SourcedFigure, "Sourced figures on Russian military deaths"),
    "events": (Event, "Dated events for the timelines"),
    "places": (Place, "Places the sources name, with coordinates"),
    "claims": (Claim, "Statements of fact in the source texts, with the check that tests each"),
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
        elif dtype.lower().startswith("int"):
            kinds[name] = "integer"
        else:
            kinds[name] = "text"
    return kinds


def nullable_columns(model: type[pa.DataFrameModel]) -> set[str]:
    return {name for name, column in model.to_schema().columns.items() if column.nullable}


# --- Derived tables: computed by `make derive` from raw open data, never typed. -------------


class _DerivedProvenance(pa.DataFrameModel):
    """Where a derived row came from, in the spirit of Our World in Data's provenance fields."""

    source_key: Series[str] = pa.Field(description="BibTeX key of the data's producer")
    upstream_repo: Series[str] = pa.Field(str_matches=HTTPS_URL, description="Repository the raw file came from")
    upstream_commit: Series[str] = pa.Field(str_matches=GIT_COMMIT, description="Commit of that repository")
    file_sha256: Series[str] = pa.Field(str_matches=SHA256, description="SHA-256 of the raw file(s) read")
    method: Series[str] = pa.Field(str_length={"min_value": 10}, description="How the value was computed")

    @pa.check("source_key", error=SOURCE_KEY_RULE)
    def source_key_in_bibliography(cls, series: Series[str]) -> Series[bool]:
        return series.isin(_known_keys())

    class Config:
        strict = True
        coerce = False


def _area_field(description: str):
    return pa.Field(ge=0, description=f"{description}, km² (equal-area)")


class _DeepStateAreaFields(pa.DataFrameModel):
    """The area columns of :class:`DeepStateArea`, in file order."""

    snapshot_date: Series[pd.Timestamp] = _date_field("Kyiv-local date of the snapshot", unique=True)
    snapshot_time_kyiv: Series[str] = pa.Field(str_matches=KYIV_TIME, description="Kyiv-local time of publication")
    file: Series[str] = pa.Field(
        str_matches=SNAPSHOT_FILE, description="Snapshot file (UTC unix timestamp of publication)"
    )
    occupied_km2: Series[float] = _area_field("Held by Russia (both occupied classes, unioned)")
    occupied_since_2022_km2: Series[float] = _area_field("Occupied since 24 Feb 2022")
    occupied_before_2022_km2: Series[float] = _area_field(
        "Occupied before 24 Feb 2022 (Crimea, parts of Donetsk and Luhansk)"
    )
    grey_zone_ukraine_km2: Series[float] = _area_field("Unknown status (grey zone) inside Ukraine")
    occupied_or_grey_km2: Series[float] = _area_field("Occupied or grey zone, unioned")
    kursk_ukraine_held_km2: Series[float] = _area_field("Held by Ukraine in Russia's Kursk region")
    kursk_grey_zone_km2: Series[float] = _area_field("Unknown status in Kursk region")
    kursk_held_or_grey_km2: Series[float] = _area_field("Held by Ukraine or grey zone in Kursk region, unioned")


class DeepStateArea(_DerivedProvenance, _DeepStateAreaFields):
    """Areas by legend class in one DeepStateMap snapshot (table deepstate_areas)."""

    @pa.dataframe_check(name="occupied_km2 <= occupied_or_grey_km2")
    def _grey_widens(cls, df: pd.DataFrame) -> Series[bool]:
        return df["occupied_km2"] <= df["occupied_or_grey_km2"] + 0.01

    @pa.dataframe_check(name="kursk_ukraine_held_km2 <= kursk_held_or_grey_km2")
    def _kursk_grey_widens(cls, df: pd.DataFrame) -> Series[bool]:
        return df["kursk_ukraine_held_km2"] <= df["kursk_held_or_grey_km2"] + 0.01


CHANGE_KINDS = ("month", "window")
CHANGE_DEFINITIONS = ("occupied", "occupied_or_grey")


class _TerritoryChangeFields(pa.DataFrameModel):
    """The change columns of :class:`TerritoryChange`, in file order."""

    change_id: Series[str] = pa.Field(unique=True, str_matches=IDENTIFIER, description="Stable identifier")
    kind: Series[str] = pa.Field(isin=CHANGE_KINDS, description="A calendar month or a named window")
    label: Series[str] = pa.Field(str_length={"min_value": 3}, description="What the period is")
    definition: Series[str] = pa.Field(isin=CHANGE_DEFINITIONS, description="Which area counts as Russian-held")
    start_date: Series[pd.Timestamp] = _date_field("Snapshot at the start")
    end_date: Series[pd.Timestamp] = _date_field("Snapshot at the end")
    net_km2: Series[float] = pa.Field(
        description="Area held at the end minus at the start, km² (negative: Ukraine regained more)"
    )
    gained_km2: Series[float] = pa.Field(ge=0, description="Held at the end but not at the start, km²")
    lost_km2: Series[float] = pa.Field(
        ge=0, description="Held at the start but not at the end (regained by Ukraine), km²"
    )


class TerritoryChange(_DerivedProvenance, _TerritoryChangeFields):
    """Net and gross change in Russian-held area between two snapshots (table deepstate_changes)."""

    @pa.dataframe_check(name="start_date < end_date")
    def _ordered(cls, df: pd.DataFrame) -> Series[bool]:
        return df["start_date"] < df["end_date"]

    @pa.dataframe_check(name="net_km2 = gained_km2 - lost_km2 (within 1 km2)")
    def _balanced(cls, df: pd.DataFrame) -> Series[bool]:
        return (df["net_km2"] - (df["gained_km2"] - df["lost_km2"])).abs() <= 1.0


class _IswAreaFields(pa.DataFrameModel):
    """The area columns of :class:`IswArea`, in file order."""

    date: Series[pd.Timestamp] = _date_field("Day of the ISW map layers", unique=True)
    control_map_km2: Series[float] = pa.Field(
        ge=0, description="ISW layer 'ukraine_control_map' (Russian-controlled), km²"
    )
    russian_advances_km2: Series[float] = pa.Field(
        ge=0, description="ISW layer 'russian_advances' (assessed advances since the last control update), km²"
    )
    assessed_control_km2: Series[float] = pa.Field(ge=0, description="Control map plus assessed advances, km²")


class IswArea(_DerivedProvenance, _IswAreaFields):
    """Russian-controlled area from ISW map layers, as computed by a third party (table isw_areas)."""

    @pa.dataframe_check(name="assessed_control_km2 = control_map_km2 + russian_advances_km2")
    def _sum(cls, df: pd.DataFrame) -> Series[bool]:
        return (df["assessed_control_km2"] - df["control_map_km2"] - df["russian_advances_km2"]).abs() <= 0.011


def _count_field(description: str):
    return pa.Field(ge=0, description=description)


class _MzMonthlyFields(pa.DataFrameModel):
    """The columns of :class:`MzMonthly`, in file order."""

    snapshot_date: Series[pd.Timestamp] = _date_field("Mediazona snapshot the count is as known in")
    month: Series[pd.Timestamp] = _date_field("Calendar month of death (first day)")
    deaths: Series[pd.Int64Dtype] = _count_field("Deaths confirmed by name with a date of death in the month")
    days_covered: Series[pd.Int64Dtype] = pa.Field(ge=1, le=31, description="Days of the month the snapshot covers")


class MzMonthly(_DerivedProvenance, _MzMonthlyFields):
    """Confirmed deaths by month of death, as known in each Mediazona snapshot (table mz_monthly)."""

    @pa.dataframe_check(name="month <= snapshot_date")
    def _month_known(cls, df: pd.DataFrame) -> Series[bool]:
        return df["month"] <= df["snapshot_date"]

    class Config:
        unique = ["snapshot_date", "month"]


class _MzPeriodFields(pa.DataFrameModel):
    """The columns of :class:`MzPeriodCount`, in file order."""

    period_id: Series[str] = pa.Field(str_matches=IDENTIFIER, description="Which period")
    label: Series[str] = pa.Field(str_length={"min_value": 3}, description="The period in words")
    start_date: Series[pd.Timestamp] = _date_field("First day of death counted")
    end_date: Series[pd.Timestamp] = _date_field("Last day of death counted")
    snapshot_date: Series[pd.Timestamp] = _date_field("Snapshot the count is as known in")
    data_end: Series[pd.Timestamp] = _date_field("Last date of death the snapshot covers")
    deaths: Series[pd.Int64Dtype] = _count_field("Deaths confirmed by name dated in the period (up to data_end)")


class MzPeriodCount(_DerivedProvenance, _MzPeriodFields):
    """Confirmed deaths in fixed periods, as known in each snapshot (table mz_period_counts)."""

    @pa.dataframe_check(name="start_date <= end_date")
    def _ordered(cls, df: pd.DataFrame) -> Series[bool]:
        return df["start_date"] <= df["end_date"]

    @pa.dataframe_check(name="data_end <= snapshot_date")
    def _data_before_snapshot(cls, df: pd.DataFrame) -> Series[bool]:
        return df["data_end"] <= df["snapshot_date"]

    class Config:
        unique = ["period_id", "snapshot_date"]


class _MzHeadlineFields(pa.DataFrameModel):
    """The columns of :class:`MzHeadline`, in file order."""

    as_of: Series[pd.Timestamp] = _date_field("Day the headline was read", unique=True)
    confirmed_total: Series[pd.Int64Dtype] = _count_field("Mediazona's headline total of deaths confirmed by name")
    with_known_death_date: Series[pd.Int64Dtype] = _count_field("Of which with a known date of death")


class MzHeadline(_DerivedProvenance, _MzHeadlineFields):
    """Mediazona's published headline totals, on the days they changed (table mz_headline_totals)."""

    @pa.dataframe_check(name="with_known_death_date <= confirmed_total")
    def _subset(cls, df: pd.DataFrame) -> Series[bool]:
        return df["with_known_death_date"] <= df["confirmed_total"]


class _GsMonthlyFields(pa.DataFrameModel):
    """The columns of :class:`GsMonthlyClaim`, in file order."""

    month: Series[pd.Timestamp] = _date_field("Calendar month (first day)", unique=True)
    last_report: Series[pd.Timestamp] = _date_field("Last daily report in the month")
    claimed_cumulative: Series[pd.Int64Dtype] = _count_field(
        "Claimed Russian personnel losses (killed and wounded) since Feb 2022"
    )
    claimed_in_month: Series[pd.Int64Dtype] = _count_field("Increase of the claim over the month")
    days_covered: Series[pd.Int64Dtype] = pa.Field(ge=1, le=31, description="Days of the month the reports cover")
    qualifier: Series[str] = pa.Field(isin=("about", "more"), description="The claim's own qualifier")


class GsMonthlyClaim(_DerivedProvenance, _GsMonthlyFields):
    """Russian losses *claimed* by Ukraine's General Staff, per month: a claim by one side (table gs_monthly_claims)."""


class _SourceParagraphFields(pa.DataFrameModel):
    """The columns of :class:`SourceParagraph`, in file order."""

    text: Series[str] = pa.Field(isin=("write-up 000", "write-up 001"), description="Which write-up")
    paragraph: Series[pd.Int64Dtype] = pa.Field(ge=1, description="Paragraph number (non-empty lines)")
    words: Series[pd.Int64Dtype] = pa.Field(ge=1, description="Words in the paragraph")
    paragraph_sha256: Series[str] = pa.Field(
        str_matches=SHA256, description="SHA-256 of the paragraph, whitespace normalised"
    )
    first_seen: Series[str] = pa.Field(
        nullable=True, description="Earlier identical paragraph ('write-up 001 ¶5'), if any"
    )
    source_key: Series[str] = pa.Field(description="BibTeX key of the article the write-ups report")
    file_sha256: Series[str] = pa.Field(str_matches=SHA256, description="SHA-256 of the write-up file")
    method: Series[str] = pa.Field(str_length={"min_value": 10}, description="How the row was computed")


class SourceParagraph(_SourceParagraphFields):
    """Structure of the two source write-ups, without their text (table source_paragraphs)."""

    @pa.check("source_key", error=SOURCE_KEY_RULE)
    def source_key_in_bibliography(cls, series: Series[str]) -> Series[bool]:
        return series.isin(_known_keys())

    class Config:
        strict = True
        coerce = False
        unique = ["text", "paragraph"]


class _RawInputFields(pa.DataFrameModel):
    """The columns of :class:`RawInput`, in file order."""

    input_id: Series[str] = pa.Field(unique=True, str_matches=IDENTIFIER, description="Stable identifier")
    path: Series[str] = pa.Field(
        unique=True,
        str_matches=RELATIVE_PATH,
        description="Path under ../shared/ (make derive reads SHARED, its data/ folder by default)",
    )
    role: Series[str] = pa.Field(isin=RAW_ROLES, description="What the file is to the derivation")
    source_key: Series[str] = pa.Field(description="BibTeX key of the data's producer")
    producer: Series[str] = pa.Field(str_length={"min_value": 3}, description="Who produced the data")
    upstream_repo: Series[str] = pa.Field(
        nullable=True, str_matches=HTTPS_URL, description="Repository the file comes from"
    )
    upstream_commit: Series[str] = pa.Field(nullable=True, str_matches=GIT_COMMIT, description="Commit of it")
    upstream_path: Series[str] = pa.Field(nullable=True, description="Path of the file in that repository")
    url: Series[str] = pa.Field(
        nullable=True, str_matches=HTTPS_URL, description="Where make derive DOWNLOAD= fetches it"
    )
    bytes: Series[pd.Int64Dtype] = pa.Field(ge=1, description="Size of the file")
    sha256: Series[str] = pa.Field(str_matches=GIT_SHA256_ONE, description="SHA-256 of the file")
    accessed: Series[pd.Timestamp] = _date_field("Day this project first read the file")
    licence: Series[str] = pa.Field(str_length={"min_value": 2}, description="Upstream licence or terms")
    used_for: Series[str] = pa.Field(str_length={"min_value": 3}, description="The derived tables made from it")
    snapshot_date: Series[pd.Timestamp] = _date_field("Date of a snapshot (DeepState: Kyiv-local)", True)
    snapshot_time_kyiv: Series[str] = pa.Field(
        nullable=True, str_matches=KYIV_TIME, description="Kyiv-local time of a DeepState snapshot"
    )
    wanted_date: Series[pd.Timestamp] = _date_field("Day a DeepState snapshot stands for", True)


class RawInput(_RawInputFields):
    """One raw file that ``make derive`` reads, pinned by hash, with its provenance (table raw_inputs).

    In the spirit of Our World in Data's snapshot records: producer, upstream, access date,
    licence and hash per file. ``make derive`` refuses any file missing, extra or changed.
    """

    @pa.check("source_key", error=SOURCE_KEY_RULE)
    def source_key_in_bibliography(cls, series: Series[str]) -> Series[bool]:
        return series.isin(_known_keys())

    @pa.dataframe_check(name="snapshot_date, snapshot_time_kyiv and wanted_date set for every DeepState snapshot")
    def _snapshot_dated(cls, df: pd.DataFrame) -> Series[bool]:
        deepstate = (df["role"] == "snapshot") & (df["source_key"] == "deepstatemap")
        dated = df["snapshot_date"].notna() & df["snapshot_time_kyiv"].notna() & df["wanted_date"].notna()
        return ~deepstate | dated

    class Config:
        strict = True
        coerce = False


TABLES["raw_inputs"] = (RawInput, "Every raw file make derive reads, pinned by sha256, with its provenance")


# --- Whole tables and references between them ------------------------------------------


@dataclass(frozen=True)
class ForeignKey:
    """A column whose values must exist in a column of another table (or of one of several).

    Checked by ``helpers.data.validate`` before anything executes, and exported to
    ``datapackage.json`` as Table Schema ``foreignKeys`` where it names one table.
    """

    table: str
    column: str
    targets: tuple[str, ...]
    target_column: str

    @property
    def rule(self) -> str:
        files = [f"data/{t}.csv" for t in self.targets]
        where = files[0] if len(files) == 1 else ", ".join(files[:-1]) + " or " + files[-1]
        return f"{self.column} exists as {self.target_column} in {where}"


class _PlaceStatusFields(pa.DataFrameModel):
    """The columns of :class:`PlaceStatus`, in file order."""

    place_id: Series[str] = pa.Field(str_matches=IDENTIFIER, description="The place (data/places.csv)")
    snapshot_date: Series[pd.Timestamp] = _date_field("Kyiv-local date of the DeepStateMap snapshot")
    status: Series[str] = pa.Field(
        isin=("occupied", "grey zone", "held by Ukraine"), description="DeepStateMap class at the place's point"
    )
    distance_km: Series[float] = pa.Field(ge=0, description="Distance to the Russian-held area, km (0 inside it)")


class PlaceStatus(_DerivedProvenance, _PlaceStatusFields):
    """The article's places against the front line on key dates (table place_status)."""

    @pa.dataframe_check(name="distance_km is 0 exactly when the place is occupied")
    def _inside(cls, df: pd.DataFrame) -> Series[bool]:
        return (df["distance_km"] == 0) == (df["status"] == "occupied")


class _GainsByOblastFields(pa.DataFrameModel):
    """The columns of :class:`GainsByOblast`, in file order."""

    window: Series[str] = pa.Field(str_matches=IDENTIFIER, description="Window id (as in deepstate_changes)")
    label: Series[str] = pa.Field(str_length={"min_value": 3}, description="What the window is")
    start_date: Series[pd.Timestamp] = _date_field("Snapshot at the start")
    end_date: Series[pd.Timestamp] = _date_field("Snapshot at the end")
    oblast: Series[str] = pa.Field(str_length={"min_value": 3}, description="Region of Ukraine (Natural Earth)")
    taken_km2: Series[float] = pa.Field(
        ge=0, description="Occupied at the end but not at the start, in the region, km²"
    )
    regained_km2: Series[float] = pa.Field(ge=0, description="Occupied at the start but not at the end, km²")
    net_km2: Series[float] = pa.Field(description="Taken minus regained, km²")


class GainsByOblast(_DerivedProvenance, _GainsByOblastFields):
    """Where the front moved: ground taken and regained per region and window (table gains_by_oblast)."""

    @pa.dataframe_check(name="net_km2 = taken_km2 - regained_km2")
    def _net(cls, df: pd.DataFrame) -> Series[bool]:
        return (df["net_km2"] - df["taken_km2"] + df["regained_km2"]).abs() <= 0.011


MAP_LAYERS = ("taken", "regained", "kursk_held", "kursk_grey", "occupied", "region", "country")
#: Layers drawn for orientation only (Natural Earth outlines), never measured.
MAP_ORIENTATION_LAYERS = ("region", "country")
#: How far the simplified geometry's area may stray from the full one: a share, or for a layer
#: smaller than MAP_SMALL_LAYER_KM2, an absolute amount (slivers' areas are mostly edge).
MAP_MAX_AREA_ERROR = 0.005
MAP_SMALL_LAYER_KM2 = 20.0
MAP_SMALL_ERROR_KM2 = 0.2


class _MapLayerFields(pa.DataFrameModel):
    """The columns of :class:`MapLayer`, in file order."""

    layer_id: Series[str] = pa.Field(unique=True, str_matches=IDENTIFIER, description="Stable identifier")
    layer: Series[str] = pa.Field(isin=MAP_LAYERS, description="What the geometry shows")
    period: Series[str] = pa.Field(nullable=True, description="Period or key date it belongs to")
    label: Series[str] = pa.Field(str_length={"min_value": 3}, description="The period or place, for legends")
    start_date: Series[pd.Timestamp] = _date_field("Snapshot at the start of a change", True)
    end_date: Series[pd.Timestamp] = _date_field("Snapshot the geometry describes (or ends)", True)
    area_km2: Series[float] = pa.Field(ge=0, description="Area of the full geometry, km² (equal-area)")
    map_area_km2: Series[float] = pa.Field(ge=0, description="Area of the simplified geometry below, km²")
    geometry: Series[str] = pa.Field(
        str_matches=GEOJSON_POLYGON,
        description="GeoJSON geometry, longitude/latitude (WGS84), simplified",
        # Table Schema's geojson type: `frictionless validate` checks each cell against GeoJSON
        metadata={"table_schema_type": "geojson"},
    )


class MapLayer(_DerivedProvenance, _MapLayerFields):
    """Simplified polygons for the maps, with their full and simplified areas (table map_layers)."""

    upstream_commit: Series[str] = pa.Field(
        nullable=True,
        str_matches=GIT_COMMIT,
        description=(
            "Commit of that repository (empty for region and country outlines, pinned by package version and sha256)"
        ),
    )

    @pa.dataframe_check(name="simplified area within 0.5% of the full area (0.2 km² below 20 km²)")
    def _area_kept(cls, df: pd.DataFrame) -> Series[bool]:
        error = (df["map_area_km2"] - df["area_km2"]).abs()
        measured = ~df["layer"].isin(MAP_ORIENTATION_LAYERS)  # outlines are for orientation, never measured
        small = df["area_km2"] < MAP_SMALL_LAYER_KM2
        within = (small & (error <= MAP_SMALL_ERROR_KM2)) | (~small & (error <= MAP_MAX_AREA_ERROR * df["area_km2"]))
        return ~measured | within


FIGURE_TABLES = ("territory", "kursk", "casualties")

#: Every reference between tables, declared once.
FOREIGN_KEYS = (
    ForeignKey("claims", "figure_id", FIGURE_TABLES, "figure_id"),
    ForeignKey("claims", "event_id", ("events",), "event_id"),
    ForeignKey("claims", "place_id", ("places",), "place_id"),
    ForeignKey("deepstate_changes", "start_date", ("deepstate_areas",), "snapshot_date"),
    ForeignKey("deepstate_changes", "end_date", ("deepstate_areas",), "snapshot_date"),
    ForeignKey("mz_period_counts", "snapshot_date", ("mz_monthly",), "snapshot_date"),
    ForeignKey("place_status", "place_id", ("places",), "place_id"),
    ForeignKey("gains_by_oblast", "start_date", ("deepstate_areas",), "snapshot_date"),
    ForeignKey("gains_by_oblast", "end_date", ("deepstate_areas",), "snapshot_date"),
    ForeignKey("place_status", "snapshot_date", ("deepstate_areas",), "snapshot_date"),
)

#: Columns whose values must be unique across several tables (a claim names a figure by id alone).
UNIQUE_ACROSS = ((FIGURE_TABLES, "figure_id"),)

#: Composite keys, for tables whose rows no single column identifies.
PRIMARY_KEYS = {
    "mz_monthly": ["snapshot_date", "month"],
    "mz_period_counts": ["period_id", "snapshot_date"],
    "source_paragraphs": ["text", "paragraph"],
    "place_status": ["place_id", "snapshot_date"],
    "gains_by_oblast": ["window", "oblast"],
}

TABLES.update(
    {
        "deepstate_areas": (
            DeepStateArea,
            "Derived: areas by legend class in each DeepStateMap snapshot (make derive)",
        ),
        "deepstate_changes": (
            TerritoryChange,
            "Derived: net and gross change in Russian-held area, by month and window (make derive)",
        ),
        "isw_areas": (
            IswArea,
            "Derived: Russian-controlled area from ISW layers, computed by a third party (make derive)",
        ),
        "mz_monthly": (
            MzMonthly,
            "Derived: deaths confirmed by name per month of death, as known in each Mediazona snapshot (make derive)",
        ),
        "mz_period_counts": (
            MzPeriodCount,
            "Derived: deaths confirmed by name in fixed periods, as known in each snapshot (make derive)",
        ),
        "mz_headline_totals": (
            MzHeadline,
            "Derived: Mediazona's headline totals on the days they changed (make derive)",
        ),
        "source_paragraphs": (
            SourceParagraph,
            "Derived: paragraph hashes of the two source write-ups, to find repetition (make derive)",
        ),
        "place_status": (
            PlaceStatus,
            "Derived: the article's places against DeepStateMap's front line on key dates (make derive)",
        ),
        "map_layers": (
            MapLayer,
            "Derived: simplified polygons for the maps (GeoJSON geometry per row), full and map areas (make derive)",
        ),
        "gains_by_oblast": (
            GainsByOblast,
            "Derived: ground taken and regained in each region of Ukraine, per window (make derive)",
        ),
        "gs_monthly_claims": (
            GsMonthlyClaim,
            "Derived: Russian personnel losses claimed by Ukraine's General Staff, per month (make derive)",
        ),
    }
)

#: Whether a table may have no rows. None may today: an empty table is always a mistake (a file
#: truncated to its header), and stops validation before a chapter fails for want of a row.
MAY_BE_EMPTY: dict[str, bool] = {table: False for table in TABLES}
