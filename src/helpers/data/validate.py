"""``python -m helpers.data.validate``: load every table in ``data/`` and report every problem.

``make book`` and ``make test`` run this first, so bad data stops them before any notebook
executes, with the file/line/column/rule message rather than a notebook traceback.
"""

from __future__ import annotations

import sys

from helpers.data import schemas
from helpers.data.errors import DataValidationError
from helpers.data.load import load
from helpers.paths import data_dir, display_path


def main() -> int:
    failures = []
    for table in schemas.TABLES:
        try:
            frame = load(table)
        except DataValidationError as exc:
            failures.append(str(exc))
        else:
            print(f"ok  {frame.attrs['source_file']}: {len(frame)} rows")
    if failures:
        print(f"\nData validation failed in {display_path(data_dir())}:", file=sys.stderr)
        for failure in failures:
            print(failure, file=sys.stderr)
        print("\nThe book was not built. Fix the rows above (see README: 'Adding a figure').", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
