"""``load("<table>")``: a table from ``data/`` as a validated DataFrame with proper dtypes.

Parsing is strict on purpose. The CSV text is read as text and each cell is parsed by the kind
its schema declares: a number must be a plain decimal ("2,700" or "2700 km2" is an error, never
2700), a date must be an ISO ``YYYY-MM-DD`` calendar date, an empty cell is missing (an error
unless the column is nullable). Then the pandera model validates the typed frame lazily, the
file's sha256 is compared with ``data/datapackage.json``, and any problem raises one
:class:`~helpers.data.errors.DataValidationError` naming file, line, column, rule and value.
"""

from __future__ import annotations

import contextvars
import csv
import datetime as dt
import functools
import hashlib
import io
import re
import sys
from pathlib import Path

import pandas as pd

from helpers.data import bibliography, datapackage, schemas
from helpers.data.errors import DataIssue, DataValidationError
from helpers.data.pandera_import import pa
from helpers.paths import COLUMNS_PART, data_dir, display_path, record_dependency, recording_suspended

#: Tables loaded in this process, in order: a chapter lists them as its downloads.
LOADED: list[str] = []

#: Tables this process parsed and validated without a problem, by table, model and what
#: validation read: the sha256 of the CSV's bytes and of the bibliography's. A page's helpers
#: each load the tables they need, so a page loads some tables several times (Data and methods
#: loads every table twice); a second load of the same bytes costs a hash and a copy, not a
#: parse and a validation. Other bytes are parsed and validated anew; a table with a problem is
#: never kept.
_VALIDATED: dict[tuple[str, type, str, str], tuple[pd.DataFrame, list[int]]] = {}

#: Helpers that load tables themselves, by function name, and which tables: the ledger follows
#: a glued value through such a call to every table it read (see :func:`reads`).
READERS: dict[str, frozenset[str]] = {}
#: Of those, the ones that use one row of a table, by function name: table -> (key column, key).
#: The ledger lists that row's source alone (the article's date is one row of the events table).
ROW_READERS: dict[str, dict[str, tuple[str, str]]] = {}
_DECLARED: contextvars.ContextVar[frozenset[str]] = contextvars.ContextVar("declared_reads", default=frozenset())
#: Stages whose functions compute what chapters show: a load inside them must be declared.
_DECLARING_STAGES = ("helpers.analysis.", "helpers.present.")


class UndeclaredRead(RuntimeError):
    """A helper loaded a table it did not declare with :func:`reads` (the ledger would miss it)."""


def reads(*tables: str, rows: dict[str, tuple[str, str]] | None = None):
    """Declare the tables a helper loads itself, so the ledger's lineage never omits one.

    The declaration is checked at run time: loading any other table inside the helper raises
    :class:`UndeclaredRead`, and so does a load in an analysis or presentation helper that
    declares nothing. ``rows`` names, for a table of which the helper's result depends on one
    row only, that row: ``{"events": ("event_id", "bbc_article_published")}`` (a test of the
    helper shows that the other rows do not change its result).
    """
    if rows and not set(rows) <= set(tables):
        raise ValueError(f"rows of tables not declared: {sorted(set(rows) - set(tables))}")

    def decorate(function):
        READERS[function.__name__] = READERS.get(function.__name__, frozenset()) | frozenset(tables)
        if rows:
            ROW_READERS[function.__name__] = dict(rows)

        @functools.wraps(function)
        def declared(*args, **kwargs):
            token = _DECLARED.set(_DECLARED.get() | frozenset(tables))
            try:
                return function(*args, **kwargs)
            finally:
                _DECLARED.reset(token)

        declared.reads = frozenset(tables)
        return declared

    return decorate


def _check_declared(table: str) -> None:
    caller = sys._getframe(2)
    module = caller.f_globals.get("__name__", "")
    if module.startswith(_DECLARING_STAGES) and table not in _DECLARED.get():
        raise UndeclaredRead(
            f"{module}.{caller.f_code.co_name} loads {table!r} without declaring it: "
            f"decorate it with @reads({table!r}, ...) from helpers.data.load"
        )


NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?")
INTEGER = re.compile(r"-?(0|[1-9][0-9]*)")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
UTF8_BOM = b"\xef\xbb\xbf"

RULE_NUMBER = "plain decimal number (digits and one '.', no thousands separators or units)"
RULE_INTEGER = "whole number (digits only)"
RULE_DATE = "ISO calendar date YYYY-MM-DD"
RULE_REQUIRED = schemas.CORE_RULES["not_nullable"]
RULE_SPACES = "no leading or trailing spaces"
RULE_NOT_EMPTY = "at least one row (this table may not be empty; the file has only its header)"
RULE_HASH = "sha256 matches data/datapackage.json"

HASH_HINT = (
    "The file differs from the version recorded in data/datapackage.json. If you changed it on "
    "purpose, run `make datapackage` to record the new sha256 (and commit both files); "
    "otherwise restore it with `git checkout -- data/`."
)


def _folder(directory: Path | str | None) -> Path:
    """The data folder a table is read from: ``directory``, or ``data/`` (``$BOOK_DATA_DIR``)."""
    return Path(directory).resolve() if directory is not None else data_dir()


def load(table: str, directory: Path | str | None = None, *, verify_hash: bool = True) -> pd.DataFrame:
    """Return the validated table ``data/<table>.csv``.

    ``directory`` (default ``data/``, or ``$BOOK_DATA_DIR``) must hold the CSV, ``references.bib``
    and ``datapackage.json``. Raises :class:`DataValidationError` listing every problem found.
    """
    _check_declared(table)
    model = schemas.model_for(table)
    directory = _folder(directory)
    path = directory / f"{table}.csv"
    shown = display_path(path)
    if not path.exists():
        raise DataValidationError([DataIssue(shown, None, None, "file exists")])
    raw = path.read_bytes()
    record_dependency(path)
    record_dependency(directory / "references.bib")
    record_dependency(directory / "datapackage.json", part=table)

    digest = hashlib.sha256(raw).hexdigest()
    bib = directory / bibliography.BIB_NAME
    checked_with = (table, model, digest, hashlib.sha256(bib.read_bytes()).hexdigest() if bib.exists() else "")
    kept = _VALIDATED.get(checked_with)
    if kept is not None:
        frame, lines, issues = kept[0].copy(), list(kept[1]), []
    else:
        frame, lines, issues = _parse(raw, model, shown)
        if frame is not None and frame.empty and not schemas.MAY_BE_EMPTY.get(table, False):
            issues.append(DataIssue(shown, None, None, RULE_NOT_EMPTY))
        if frame is not None:
            token = schemas.BIBLIOGRAPHY_KEYS.set(bibliography.keys(directory))
            try:
                issues += _validate(frame, model, lines, shown, already=issues)
            finally:
                schemas.BIBLIOGRAPHY_KEYS.reset(token)
        if not issues:
            _VALIDATED[checked_with] = (frame.copy(), list(lines))

    hint = None
    if verify_hash:
        expected = datapackage.recorded_hash(table, directory)
        if expected != digest:
            issues.append(DataIssue(shown, None, None, RULE_HASH, f"sha256:{digest}"))
            hint = HASH_HINT
    if issues:
        issues.sort(key=lambda i: (i.line is None, i.line or 0))
        raise DataValidationError(issues, hint)

    frame.attrs["source_file"] = shown
    frame.attrs["lines"] = lines
    if table not in LOADED:
        LOADED.append(table)
    return frame


def load_columns(table: str, columns: tuple[str, ...], directory: Path | str | None = None) -> pd.DataFrame:
    """Some columns of the validated table ``data/<table>.csv``, for a reader that uses no others.

    The whole table is validated, as :func:`load` does, but the running notebook depends on
    those columns alone (``data/<table>.csv#columns=a,b``), and the frame holds no others: the
    ledger page reads only the source keys of the tables behind its numbers, the claims' checks
    only the places' names, so an edit to a note or a place's role does not re-execute them.
    Sound because a book build validates every table before any page executes. A helper of an
    analysis or presentation stage declares the table with :func:`reads`, as for :func:`load`.
    """
    _check_declared(table)
    with recording_suspended():
        frame = load(table, directory)
    record_dependency(_folder(directory) / f"{table}.csv", part=COLUMNS_PART + ",".join(columns))
    return frame[list(columns)]


def _parse(raw: bytes, model, shown: str):
    """Parse CSV bytes into typed columns. Returns (frame or None, line numbers, issues)."""
    kinds = schemas.field_kinds(model)
    nullable = schemas.nullable_columns(model)
    expected = list(kinds)
    issues: list[DataIssue] = []

    if not raw.strip():
        return None, [], [DataIssue(shown, 1, expected[0], "header row present (the file is empty)", "")]
    if raw.startswith(UTF8_BOM):
        issues.append(DataIssue(shown, 1, expected[0], "UTF-8 without byte-order mark", "\ufeff"))
        raw = raw[len(UTF8_BOM) :]

    text = raw.decode("utf-8", errors="surrogateescape")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[tuple[int, list[str]]] = []
    last_line = 0
    try:
        for record in reader:
            start, last_line = last_line + 1, reader.line_num
            if record:
                records.append((start, record))
    except csv.Error as exc:
        issues.append(DataIssue(shown, last_line + 1, None, f"well-formed CSV ({exc})"))
        return None, [], issues

    header_line, header = records[0]
    for name in header:
        if _has_bad_bytes(name):
            issues.append(DataIssue(shown, header_line, _printable(name), "valid UTF-8", _printable(name)))
    missing = [c for c in expected if c not in header]
    unknown = [c for c in header if c not in expected]
    duplicated = sorted({c for c in header if header.count(c) > 1})
    issues += [DataIssue(shown, header_line, c, "required column present") for c in missing]
    issues += [DataIssue(shown, header_line, _printable(c), "no unknown columns") for c in unknown]
    issues += [DataIssue(shown, header_line, c, "column names unique") for c in duplicated]
    if missing or unknown or duplicated:
        return None, [], issues

    columns: dict[str, list] = {c: [] for c in expected}
    lines: list[int] = []
    for line, record in records[1:]:
        if len(record) != len(header):
            column = header[len(record)] if len(record) < len(header) else "(extra field)"
            rule = f"row has {len(header)} fields like the header (found {len(record)})"
            issues.append(DataIssue(shown, line, column, rule, ",".join(record)))
            continue
        lines.append(line)
        for name, cell in zip(header, record, strict=False):
            value, rule = _parse_cell(cell, kinds[name], name in nullable)
            if rule is not None:
                issues.append(DataIssue(shown, line, name, rule, _printable(cell)))
            columns[name].append(value)

    frame = pd.DataFrame({name: _series(values, kinds[name]) for name, values in columns.items()})
    return frame, lines, issues


def _parse_cell(cell: str, kind: str, nullable: bool):
    """Return (value, None) or (None, rule that failed)."""
    if _has_bad_bytes(cell):
        return None, "valid UTF-8"
    if cell == "":
        return None, (None if nullable else RULE_REQUIRED)
    if cell != cell.strip():
        return None, RULE_SPACES
    if kind == "number":
        return (float(cell), None) if NUMBER.fullmatch(cell) else (None, RULE_NUMBER)
    if kind == "integer":
        return (int(cell), None) if INTEGER.fullmatch(cell) else (None, RULE_INTEGER)
    if kind == "date":
        if not ISO_DATE.fullmatch(cell):
            return None, RULE_DATE
        try:
            return dt.date.fromisoformat(cell), None
        except ValueError:
            return None, RULE_DATE
    return cell, None


def _series(values: list, kind: str) -> pd.Series:
    if kind == "date":
        return pd.Series(pd.to_datetime(pd.Series(values, dtype="object")), dtype="datetime64[ns]")
    if kind == "number":
        return pd.Series(values, dtype="float64")
    if kind == "integer":
        return pd.Series(values, dtype="Int64")
    return pd.Series(values, dtype="str")


def _validate(frame: pd.DataFrame, model, lines: list[int], shown: str, already: list[DataIssue]):
    """Run the pandera model lazily; translate failure cases into located issues."""
    try:
        model.validate(frame, lazy=True)
        return []
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    schema = model.to_schema()
    seen = {(i.line, i.column) for i in already}
    issues: list[DataIssue] = []
    reported: set[tuple] = set()
    for case in cases.itertuples(index=False):
        index = case.index
        line = lines[int(index)] if index is not None and not pd.isna(index) else None
        rule, row_check = _rule_of(case, schema)
        column = case.column if isinstance(case.column, str) else None
        if row_check:
            # A rule across columns: report once per row, naming the columns the rule mentions.
            column = ", ".join(c for c in frame.columns if re.search(rf"\b{re.escape(c)}\b", rule))
            value = "; ".join(f"{c}={_show(frame.at[int(index), c])}" for c in column.split(", ") if c)
        else:
            value = _show(case.failure_case)
        if (line, column) in seen and rule == schemas.CORE_RULES["not_nullable"]:
            continue  # already reported as a parse failure of that cell
        key = (line, column, rule)
        if key in reported:
            continue
        reported.add(key)
        issues.append(DataIssue(shown, line, column, rule, value))
    return issues


def _rule_of(case, schema) -> tuple[str, bool]:
    """The description of the check a failure case broke, and whether it is a row check.

    The check is found by its position in the model (``check_number``), and described by
    ``schemas.describe``, which reads the description given where the rule is defined.
    """
    number = case.check_number
    if number is not None and not pd.isna(number):
        if case.schema_context == "DataFrameSchema":
            return schemas.describe(schema.checks[int(number)]), True
        if case.schema_context == "Column" and case.column in schema.columns:
            return schemas.describe(schema.columns[case.column].checks[int(number)]), False
    return schemas.CORE_RULES.get(str(case.check), str(case.check)), False


def _show(value) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "" if value is not None else None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _has_bad_bytes(text: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in text)


def _printable(text: str) -> str:
    return text.encode("utf-8", errors="surrogateescape").decode("utf-8", errors="backslashreplace")
