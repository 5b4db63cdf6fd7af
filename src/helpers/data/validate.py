"""``python -m helpers.data.validate``: check every table in ``data/`` and the references between them.

``make book`` and ``make test`` run this first, so bad data stops them before any notebook
executes, with the file/line/column/rule message rather than a notebook traceback. In order:
the data package descriptor and the bibliography (one clear message each if broken), then every
table on its own (cells, rows, hash, not empty), then what no single table can check: foreign
keys (``schemas.FOREIGN_KEYS``) and ids unique across tables (``schemas.UNIQUE_ACROSS``).
"""

from __future__ import annotations

import sys

import pandas as pd

from helpers.data import bibliography, datapackage, schemas
from helpers.data.errors import DataIssue, DataValidationError
from helpers.data.load import load
from helpers.paths import data_dir, display_path


def _line(frame: pd.DataFrame, position: int) -> int | None:
    lines = frame.attrs.get("lines") or []
    return lines[position] if position < len(lines) else None


def cross_table_issues(frames: dict[str, pd.DataFrame]) -> list[DataIssue]:
    """Dangling references and ids repeated across tables, located by file, line and column."""
    issues = []
    for key in schemas.FOREIGN_KEYS:
        frame = frames[key.table]
        known = set()
        for target in key.targets:
            known |= set(frames[target][key.target_column].dropna())
        for position, value in enumerate(frame[key.column]):
            if pd.isna(value) or value in known:
                continue
            shown = value.date().isoformat() if isinstance(value, pd.Timestamp) else str(value)
            issues.append(DataIssue(frame.attrs["source_file"], _line(frame, position), key.column, key.rule, shown))
    for tables, column in schemas.UNIQUE_ACROSS:
        first_seen: dict[str, str] = {}
        for table in tables:
            frame = frames[table]
            for position, value in enumerate(frame[column]):
                if value in first_seen and first_seen[value] != table:
                    files = ", ".join(f"data/{t}.csv" for t in tables)
                    rule = f"{column} unique across {files} (also in {first_seen[value]})"
                    issues.append(DataIssue(frame.attrs["source_file"], _line(frame, position), column, rule, value))
                first_seen.setdefault(value, f"data/{table}.csv")
    return issues


def check(directory=None) -> list[str]:
    """Every problem in the data, as messages (empty when the data are valid)."""
    try:
        datapackage.read_descriptor(directory)
        bibliography.keys(directory)
    except DataValidationError as error:
        return [str(error)]
    failures, frames = [], {}
    for table in schemas.TABLES:
        try:
            frames[table] = load(table, directory)
        except DataValidationError as error:
            failures.append(str(error))
    if failures:
        return failures
    issues = cross_table_issues(frames)
    if issues:
        hint = "Each value must name a row that exists in the table the rule names; fix the value or add the row."
        return [str(DataValidationError(issues, hint))]
    return []


def main() -> int:
    failures = check()
    if failures:
        print(f"\nData validation failed in {display_path(data_dir())}:", file=sys.stderr)
        for failure in failures:
            print(failure, file=sys.stderr)
        print("\nThe book was not built. Fix the rows above (see README: 'Adding a figure').", file=sys.stderr)
        return 1
    print(f"ok  {display_path(data_dir())}: {len(schemas.TABLES)} tables, references between them, data package")
    return 0


if __name__ == "__main__":
    sys.exit(main())
