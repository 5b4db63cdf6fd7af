"""``numbers.json`` and ``numbers.csv``: the ledger page's rows, as its execution shows them.

The ledger page (``chapters/numbers``) computes one row per glued number of the book and shows
them as tables (:func:`helpers.book.ledger.tables`); the same output carries the rows themselves
in its metadata (under :data:`ROWS_KEY`, beside the Markdown they make). The build publishes
those rows beside the HTML book (:func:`files`) rather than computing the ledger a second time
in its own process: the files and the page come from one execution, so they cannot disagree,
and a ledger page whose execution is reused (nothing it reads changed) gives the files as well.

Plain dictionaries in, no notebook library, pandas or data contract needed: the build process
calls this once the pages have executed.
"""

from __future__ import annotations

import csv
import io
import json

#: Where the ledger page's output keeps its rows: the metadata of its Markdown (which nbval and
#: myst-nb leave alone: the tables shown are what they compare and render).
ROWS_KEY = "book_numbers"
MARKDOWN = "text/markdown"
FIELDS = (
    "page",
    "key",
    "value",
    "number",
    "qualifier",
    "unit",
    "chapter",
    "tables",
    "figure_ids",
    "source_keys",
    "in_prose",
)


def rows_of(notebook: dict) -> list[dict] | None:
    """The rows a ledger page's execution shows (``None`` if no output carries them)."""
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []):
            rows = output.get("metadata", {}).get(MARKDOWN, {}).get(ROWS_KEY)
            if rows is not None:
                return rows
    return None


def to_json(rows: list[dict]) -> str:
    return json.dumps(rows, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def to_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "; ".join(v) if isinstance(v, list) else v for k, v in row.items()})
    return out.getvalue()


def files(executed_ledger_page: bytes, page: str) -> dict[str, str]:
    """``numbers.json`` and ``numbers.csv`` (name -> text) from the ledger page's execution.

    Raises ``ValueError`` naming the page if its execution shows no rows.
    """
    rows = rows_of(json.loads(executed_ledger_page))
    if rows is None:
        raise ValueError(
            f"the ledger page {page} shows no rows for numbers.json: its last cell should end with "
            "`ledger.tables(rows)` (helpers.book.ledger), which shows the tables and keeps the rows with them"
        )
    return {"numbers.json": to_json(rows), "numbers.csv": to_csv(rows)}
