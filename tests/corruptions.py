"""Ways a data file can go wrong, each with where the loader must say it went wrong.

Each corruption is derived from the real committed tables, so the suite keeps testing what the
book actually reads. ``apply(directory)`` corrupts the copy in ``directory``; ``expect`` is the
(table, line, column, rule fragment) the error must name.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def _write(path: Path, rows: list[list[str]]) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def set_cell(table: str, line: int, column: str, value: str) -> Callable[[Path], None]:
    """Replace one cell (line as in the file, header = 1)."""

    def apply(directory: Path) -> None:
        path = directory / f"{table}.csv"
        rows = _rows(path)
        rows[line - 1][rows[0].index(column)] = value
        _write(path, rows)

    return apply


def edit_bytes(table: str, edit: Callable[[bytes], bytes]) -> Callable[[Path], None]:
    def apply(directory: Path) -> None:
        path = directory / f"{table}.csv"
        path.write_bytes(edit(path.read_bytes()))

    return apply


def drop_column(table: str, column: str) -> Callable[[Path], None]:
    def apply(directory: Path) -> None:
        path = directory / f"{table}.csv"
        rows = _rows(path)
        index = rows[0].index(column)
        _write(path, [row[:index] + row[index + 1 :] for row in rows])

    return apply


def add_column(table: str, column: str) -> Callable[[Path], None]:
    def apply(directory: Path) -> None:
        path = directory / f"{table}.csv"
        rows = _rows(path)
        _write(path, [rows[0] + [column]] + [[*row, "x"] for row in rows[1:]])

    return apply


def copy_cell(table: str, from_line: int, to_line: int, column: str) -> Callable[[Path], None]:
    def apply(directory: Path) -> None:
        path = directory / f"{table}.csv"
        rows = _rows(path)
        index = rows[0].index(column)
        rows[to_line - 1][index] = rows[from_line - 1][index]
        _write(path, rows)

    return apply


def truncate_last_row(table: str) -> Callable[[Path], None]:
    """Cut the file in the middle of its last row, as an interrupted write would."""

    def edit(raw: bytes) -> bytes:
        body = raw.rstrip(b"\n")
        last_start = body.rfind(b"\n") + 1
        fields = body[last_start:].split(b",")
        return body[:last_start] + b",".join(fields[:3]) + b"\n"  # three fields survive

    return edit_bytes(table, edit)


def latin1_in_note(table: str, line: int) -> Callable[[Path], None]:
    """A note saved in Latin-1 by another tool: invalid UTF-8 in one cell."""

    def edit(raw: bytes) -> bytes:
        lines = raw.split(b"\n")
        lines[line - 1] = lines[line - 1].rstrip(b"\r") + b" caf\xe9"
        return b"\n".join(lines)

    return edit_bytes(table, edit)


def rewrite_with_same_content_but_other_value(table: str) -> Callable[[Path], None]:
    """A plausible edit that passes every rule: only the recorded sha256 can catch it."""
    return set_cell(table, 3, "value", "466")


def last_line(table: str) -> int:
    """Line number of the committed table's last row (so adding rows does not break the suite)."""
    from helpers.paths import PROJECT_ROOT

    return len((PROJECT_ROOT / "data" / f"{table}.csv").read_text(encoding="utf-8").rstrip("\n").split("\n"))


@dataclass(frozen=True)
class Corruption:
    name: str
    apply: Callable[[Path], None]
    table: str
    line: int | None
    column: str | None
    rule: str


CORRUPTIONS = [
    Corruption(
        "wrong_type", set_cell("territory", 2, "value", "about 2700"), "territory", 2, "value", "plain decimal number"
    ),
    Corruption(
        "thousands_separator",
        set_cell("territory", 2, "value", "2,700"),
        "territory",
        2,
        "value",
        "no thousands separators",
    ),
    Corruption(
        "unit_in_value", set_cell("territory", 3, "value", "465 km2"), "territory", 3, "value", "plain decimal number"
    ),
    Corruption(
        "nan_value", set_cell("casualties", 4, "value", "NaN"), "casualties", 4, "value", "plain decimal number"
    ),
    Corruption("empty_value", set_cell("kursk", 5, "value", ""), "kursk", 5, "value", "required"),
    Corruption(
        "padded_value", set_cell("kursk", 5, "value", " 800"), "kursk", 5, "value", "no leading or trailing spaces"
    ),
    Corruption("negative_area", set_cell("territory", 3, "value", "-465"), "territory", 3, "value", ">= 0"),
    Corruption(
        "percent_over_100",
        set_cell("casualties", 8, "value", "145"),
        "casualties",
        8,
        "value",
        "value <= 100 where unit is percent",
    ),
    Corruption("duplicate_id", copy_cell("kursk", 2, 3, "figure_id"), "kursk", 3, "figure_id", "unique"),
    Corruption(
        "unknown_source_key",
        set_cell("kursk", 3, "source_key", "syrskyi2024"),
        "kursk",
        3,
        "source_key",
        "source_key in references.bib",
    ),
    Corruption("unknown_unit", set_cell("territory", 4, "unit", "times"), "territory", 4, "unit", "one of km2"),
    Corruption(
        "unknown_qualifier",
        set_cell("territory", 2, "qualifier", "roughly"),
        "territory",
        2,
        "qualifier",
        "one of about",
    ),
    Corruption(
        "reversed_period",
        set_cell("territory", 5, "period_start", "2024-12-01"),
        "territory",
        5,
        "period_start",
        "period_start <= period_end",
    ),
    Corruption(
        "half_period", set_cell("kursk", 4, "period_end", ""), "kursk", 4, "period_end", "both set or both empty"
    ),
    Corruption(
        "as_of_before_period_end",
        set_cell("casualties", 2, "as_of", "2024-11-01"),
        "casualties",
        2,
        "as_of",
        "as_of >= period_end",
    ),
    Corruption(
        "published_before_as_of",
        set_cell("kursk", 9, "published", "2024-11-01"),
        "kursk",
        9,
        "published",
        "published >= as_of",
    ),
    Corruption("date_after_range", set_cell("events", 7, "date", "2031-01-20"), "events", 7, "date", "<= 2026-12-31"),
    Corruption(
        "stated_month_not_its_first_day",
        set_cell("claims", 2, "stated_date", "2023-08-15"),
        "claims",
        2,
        "stated_date",
        "a stated_date of precision month or year is the first day of it",
    ),
    Corruption(
        "precision_without_a_stated_date",
        set_cell("claims", 4, "stated_precision", "day"),
        "claims",
        4,
        "stated_precision",
        "stated_precision set exactly where stated_date is",
    ),
    Corruption(
        "date_before_range",
        set_cell("casualties", 2, "period_start", "2013-02-24"),
        "casualties",
        2,
        "period_start",
        ">= 2014-01-01",
    ),
    Corruption(
        "impossible_date", set_cell("territory", 2, "as_of", "2024-02-30"), "territory", 2, "as_of", "ISO calendar date"
    ),
    Corruption("non_iso_date", set_cell("events", 2, "date", "06/08/2024"), "events", 2, "date", "ISO calendar date"),
    Corruption("missing_column", drop_column("casualties", "unit"), "casualties", 1, "unit", "required column present"),
    Corruption("extra_column", add_column("territory", "comment"), "territory", 1, "comment", "no unknown columns"),
    Corruption("empty_file", edit_bytes("kursk", lambda raw: b""), "kursk", 1, "figure_id", "header row"),
    Corruption(
        "byte_order_mark",
        edit_bytes("territory", lambda raw: b"\xef\xbb\xbf" + raw),
        "territory",
        1,
        "figure_id",
        "byte-order mark",
    ),
    Corruption("encoding_error", latin1_in_note("kursk", 4), "kursk", 4, "note", "valid UTF-8"),
    Corruption(
        "truncated_row", truncate_last_row("events"), "events", last_line("events"), "actor", "fields like the header"
    ),
    Corruption(
        "tampered_file",
        rewrite_with_same_content_but_other_value("territory"),
        "territory",
        None,
        None,
        "sha256 matches data/datapackage.json",
    ),
]


# --- Whole-data corruptions: references between tables, whole files. ------------------------
# Each leaves every file's recorded hash matching (as after `make datapackage`), so only the
# cross-table or whole-file rule can catch it.


def delete_row(table: str, line: int) -> Callable[[Path], None]:
    def apply(directory: Path) -> None:
        path = directory / f"{table}.csv"
        rows = _rows(path)
        del rows[line - 1]
        _write(path, rows)

    return apply


def keep_header_only(table: str) -> Callable[[Path], None]:
    def apply(directory: Path) -> None:
        path = directory / f"{table}.csv"
        _write(path, _rows(path)[:1])

    return apply


def edit_file(name: str, edit: Callable[[str], str]) -> Callable[[Path], None]:
    def apply(directory: Path) -> None:
        path = directory / name
        path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")

    return apply


def remove_file(name: str) -> Callable[[Path], None]:
    def apply(directory: Path) -> None:
        (directory / name).unlink()

    return apply


def _event_line(directory: Path, event_id: str) -> int:
    rows = _rows(directory / "events.csv")
    return next(n for n, row in enumerate(rows, start=1) if row[0] == event_id)


def remove_event(event_id: str) -> Callable[[Path], None]:
    def apply(directory: Path) -> None:
        delete_row("events", _event_line(directory, event_id))(directory)

    return apply


#: (name, apply, table, line, column, rule fragment); checked by helpers.data.validate.check.
WHOLE_DATA_CORRUPTIONS = [
    Corruption(
        "dangling_event_id",
        set_cell("claims", 20, "event_id", "no_such_event"),
        "claims",
        20,
        "event_id",
        "event_id exists as event_id in data/events.csv",
    ),
    Corruption(
        "dangling_figure_id",
        set_cell("claims", 4, "figure_id", "no_such_figure"),
        "claims",
        4,
        "figure_id",
        "figure_id exists as figure_id in data/territory.csv, data/kursk.csv or data/casualties.csv",
    ),
    Corruption(
        "referenced_row_removed",
        remove_event("us_inauguration_2025"),
        "claims",
        21,
        "event_id",
        "exists as event_id in data/events.csv",
    ),
    Corruption(
        "figure_id_repeated_across_tables",
        set_cell("kursk", 2, "figure_id", "isw_russian_gain_2023"),
        "kursk",
        2,
        "figure_id",
        "figure_id unique across data/territory.csv, data/kursk.csv, data/casualties.csv",
    ),
    Corruption(
        "snapshot_missing_for_a_change",
        set_cell("deepstate_changes", 2, "end_date", "2024-01-02"),
        "deepstate_changes",
        2,
        "end_date",
        "end_date exists as snapshot_date in data/deepstate_areas.csv",
    ),
    Corruption("empty_table", keep_header_only("events"), "events", None, None, "at least one row"),
    Corruption(
        "malformed_bibliography",
        edit_file("references.bib", lambda text: text.replace("{{BBC News}},", "{{BBC News}}", 1)),
        "references.bib",
        6,
        None,
        "well-formed BibTeX",
    ),
    Corruption(
        # the bibliography's sentence case printed "as ukraine's Kursk gamble", "The world factbook"
        "title_capital_not_braced",
        edit_file("references.bib", lambda text: text.replace("{Ukraine}\u2019s {Kursk}", "Ukraine\u2019s {Kursk}", 1)),
        "references.bib",
        6,
        "title",
        "in braces",
    ),
    Corruption(
        # two works cited in the same words ("[The Kyiv Independent, October 2024]") stopped the
        # build only in Sphinx, naming the keys but not the line
        "same_author_same_month",
        edit_file(
            "references.bib",
            lambda text: text.replace(
                "  month        = nov,\n  howpublished = {The Kyiv Independent}",
                "  month        = oct,\n  howpublished = {The Kyiv Independent}",
                1,
            ),
        ),
        "references.bib",
        39,
        "month",
        "distinct months",
    ),
    Corruption("missing_bibliography", remove_file("references.bib"), "references.bib", None, None, "file exists"),
    Corruption("missing_datapackage", remove_file("datapackage.json"), "datapackage.json", None, None, "file exists"),
    Corruption(
        "invalid_datapackage",
        edit_file("datapackage.json", lambda text: text[: len(text) // 2]),
        "datapackage.json",
        None,
        None,
        "valid JSON",
    ),
]
