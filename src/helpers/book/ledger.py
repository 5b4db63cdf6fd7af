"""The ledger: every number the book shows, with where it came from.

Each chapter glues its numbers through :func:`helpers.present.text.glue_text`. The ledger reads the
executed notebooks and, for every glued value, records its key, the text shown, its unit (read
from the prose around it), the chapter, and its lineage: the ``load("table")`` and
``figure(table, "figure_id")`` calls its value depends on, found by following the variables of
the ``glue_text`` call back through the notebook's assignments (Python's ``ast``), and the
source keys of those figures and tables. One claim's verdict, glued from
``claims.verdict_of(audit, "claim_id")``, rests on that claim alone: its source, the tables its
check reads and the figures it compares (``claims.reads_of``), not every table the audit reads;
likewise a value that rests on one row of a table (the article's date, one event's date, read
with ``event_date(events, "event_id")``) lists that row's source, not every row's.

During a book build the ledger is made from *this build's* executions (``BOOK_EXECUTED_DIR``,
set by ``helpers.book.build``), never from the outputs stored in the committed notebooks: the ledger
page and ``_build/html/numbers.json``/``numbers.csv`` show what the chapters show.
``python -m helpers.book.ledger`` prints the ledger of the committed notebooks.
"""

from __future__ import annotations

import ast
import functools
import os
import re
from pathlib import Path

import nbformat
import pandas as pd

from helpers import toc
from helpers.book.glued_values import LEDGER_PART, stored_values
from helpers.book.ledger_files import ROWS_KEY, to_csv
from helpers.data import schemas
from helpers.paths import book_root
from helpers.present.text import FLOOR_QUALIFIERS, NUMBER_WORDS, PROSE_ROLE, ROUNDED_QUALIFIERS

EXECUTED_DIR = "BOOK_EXECUTED_DIR"
DATE = re.compile(r"^\d{1,2} [A-Z][a-z]+ \d{4}$")
#: A count with the noun it counts, as ``fmt_count`` writes it ("four dates", "14 days").
COUNTED = re.compile(rf"(?:{'|'.join(NUMBER_WORDS)}|[\d,]+) ([a-z]{{3,}}[a-z ]*)")
#: The units the book writes as symbols after a number.
UNIT_SYMBOLS = "km²|km|m"
#: A measurement with its unit's symbol ("10 km", "50 m").
MEASURED = re.compile(rf"[\d,.]+ ({UNIT_SYMBOLS})")


def _names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _name_of(call: ast.Call) -> str | None:
    """The called function's name: ``f`` in ``f(...)`` and in ``module.f(...)``."""
    return call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", None)


def _calls(node: ast.AST, function: str) -> list[ast.Call]:
    return [n for n in ast.walk(node) if isinstance(n, ast.Call) and _name_of(n) == function]


def _literal_args(call: ast.Call) -> list[str]:
    return [a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]


@functools.cache
def _readers() -> tuple[dict[str, frozenset[str]], dict[str, dict[str, tuple[str, str]]]]:
    """Helpers that load tables themselves (declared with ``@reads``), by function name, and
    those of them that use one row of a table."""
    import importlib
    import pkgutil

    import helpers.analysis
    import helpers.present
    from helpers.data.load import READERS, ROW_READERS

    for package in (helpers.analysis, helpers.present):
        for module in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
            importlib.import_module(module.name)
    return READERS, ROW_READERS


def _called(node: ast.AST):
    return (_name_of(n) for n in ast.walk(node) if isinstance(n, ast.Call))


def _tables_in(node: ast.AST) -> set[str]:
    """Tables an expression reads whole: literal ``load("x")`` calls and declared readers it
    calls, except the tables of which a reader uses one row (:func:`_rows_in`)."""
    readers, row_readers = _readers()
    tables = {t for c in _calls(node, "load") for t in _literal_args(c)[:1]}
    for name in _called(node):
        tables |= readers.get(name, frozenset()) - set(row_readers.get(name, {}))
    return tables


def _rows_in(node: ast.AST) -> set[tuple[str, str, str]]:
    """(table, key column, key) of each single row an expression's declared readers use."""
    _, row_readers = _readers()
    return {(table, *row) for name in _called(node) for table, row in row_readers.get(name, {}).items()}


#: A chapter glues one claim's verdict with ``claims.verdict_of(audit, "claim_id")``: the value
#: rests on that claim's check, not on every table the audit as a whole reads.
VERDICT_OF = "verdict_of"


#: Calls that read one row of the table passed to them: table and key column, by function name
#: (the key is the call's first literal argument). The ledger lists that row's source alone.
ROW_ACCESSORS = {"event_date": ("events", "event_id")}


def _verdicts_in(node: ast.AST) -> set[str]:
    """Claim ids of the ``verdict_of`` calls in an expression that name their claim literally."""
    return {args[0] for call in _calls(node, VERDICT_OF) if (args := _literal_args(call))}


def _accessed_rows(node: ast.AST) -> set[tuple[str, str, str]]:
    """(table, key column, key) of each row accessor call in an expression with a literal key."""
    return {
        (table, column, args[0])
        for name, (table, column) in ROW_ACCESSORS.items()
        for call in _calls(node, name)
        if (args := _literal_args(call))
    }


def _without_row_calls(node: ast.AST) -> ast.AST:
    """The expression with each ``verdict_of`` and row accessor call that names its row
    literally left out: its lineage is that claim's or that row's, not its arguments'."""
    import copy

    class Strip(ast.NodeTransformer):
        def visit_Call(self, call: ast.Call) -> ast.AST:
            name = _name_of(call)
            if (name == VERDICT_OF or name in ROW_ACCESSORS) and _literal_args(call):
                return ast.Constant(None)
            return self.generic_visit(call)

    return Strip().visit(copy.deepcopy(node))


def _pairs(target: ast.AST, value: ast.AST) -> list[tuple[set[str], ast.AST]]:
    """The names an assignment binds, each with the part of the value it gets.

    ``a, b = load("x"), load("y")`` binds ``a`` to ``load("x")`` alone, element by element
    (nested tuples too); any other value (a call returning a pair, a starred target) may reach
    every name, so each name gets all of it.
    """
    sequences = (ast.Tuple, ast.List)
    if (
        isinstance(target, sequences)
        and isinstance(value, sequences)
        and len(target.elts) == len(value.elts)
        and not any(isinstance(e, ast.Starred) for e in (*target.elts, *value.elts))
    ):
        return [pair for t, v in zip(target.elts, value.elts, strict=True) for pair in _pairs(t, v)]
    return [(_names(target), value)]


class _Lineage:
    """Variables of a notebook and what each depends on (tables, figure ids, other variables)."""

    def __init__(self) -> None:
        self.depends: dict[str, set[str]] = {}
        self.tables: dict[str, set[str]] = {}
        self.figures: dict[str, set[str]] = {}
        self.verdicts: dict[str, set[str]] = {}  # claim ids, through claims.verdict_of
        self.rows: dict[str, set[tuple[str, str, str]]] = {}  # single rows (see _rows_in)

    def learn(self, tree: ast.AST) -> None:
        for node in ast.walk(tree):
            targets, value = [], None
            if isinstance(node, ast.Assign):
                targets, value = node.targets, node.value
            elif isinstance(node, (ast.AugAssign, ast.AnnAssign)) and node.value is not None:
                targets, value = [node.target], node.value
            elif isinstance(node, ast.For):
                targets, value = [node.target], node.iter
            if value is None:
                continue
            for target in targets:
                for names, part in _pairs(target, value):
                    verdicts, accessed = _verdicts_in(part), _accessed_rows(part)
                    part = _without_row_calls(part)
                    for name in names:
                        self.depends.setdefault(name, set()).update(_names(part) - {name})
                        self.tables.setdefault(name, set()).update(_tables_in(part))
                        self.figures.setdefault(name, set()).update(
                            f for c in _calls(part, "figure") for f in _literal_args(c)[:1]
                        )
                        self.verdicts.setdefault(name, set()).update(verdicts)
                        self.rows.setdefault(name, set()).update(_rows_in(part) | accessed)

    def resolve(self, expression: ast.AST) -> tuple[set[str], set[str], set[str], set[tuple[str, str, str]]]:
        """The tables read whole, figure ids, claim ids (of verdicts) and single rows an
        expression depends on."""
        verdicts, accessed = _verdicts_in(expression), _accessed_rows(expression)
        expression = _without_row_calls(expression)
        tables, rows = _tables_in(expression), _rows_in(expression) | accessed
        figures = {f for c in _calls(expression, "figure") for f in _literal_args(c)[:1]}
        seen, todo = set(), list(_names(expression))
        while todo:
            name = todo.pop()
            if name in seen:
                continue
            seen.add(name)
            tables |= self.tables.get(name, set())
            figures |= self.figures.get(name, set())
            verdicts |= self.verdicts.get(name, set())
            rows |= self.rows.get(name, set())
            todo.extend(self.depends.get(name, set()))
        return tables, figures, verdicts, rows


#: Words after a glued number that name its unit; a phrase comes before any shorter one it starts with.
UNIT_WORDS = (
    ("km² a day", "km² per day"),
    ("km²", "km²"),
    ("km", "km"),
    ("times", "ratio"),
    ("a day", "per day"),
    ("days", "days"),
    ("deaths", "people"),
    ("confirmed deaths", "people"),
    ("Russian soldiers", "people"),
    ("percentage points", "percentage points"),
)


#: The helpers.present.text functions that glue a value under a literal key.
GLUE_FUNCTIONS = ("glue_text", "glue_figure", "glue_derived")


#: A number as the book writes it: the minus sign, thousands separators, decimals; then a
#: percent sign or a unit's symbol.
WRITTEN_NUMBER = re.compile(rf"([\u2212-]?[\d,]*\.?\d+)(?:%| (?:{UNIT_SYMBOLS}))?")


def _qualified(value: str) -> tuple[str, str]:
    """A glued value without its qualifier ('about 2,700' -> '2,700'), and the qualifier."""
    for qualifier in (*ROUNDED_QUALIFIERS, *FLOOR_QUALIFIERS):
        if value.startswith(f"{qualifier} "):
            return value.removeprefix(f"{qualifier} "), qualifier
    return value, ""


def _number(value: str) -> tuple[int | float | None, str]:
    """The number a glued value shows, for programs reading ``numbers.json``, and its qualifier:
    'about 2,700' -> (2700, 'about'), 'four dates' -> (4, ''), '37%' -> (37, ''); ``None`` for
    a date or a text."""
    text, qualifier = _qualified(value)
    if DATE.match(text):
        return None, qualifier
    first, counted = text.split(" ", 1)[0], COUNTED.fullmatch(text)
    if counted and first in NUMBER_WORDS:
        return NUMBER_WORDS.index(first), qualifier
    written = WRITTEN_NUMBER.fullmatch(text) or (counted and WRITTEN_NUMBER.fullmatch(first))
    if not written:
        return None, qualifier
    digits = written.group(1).replace(",", "").replace("\u2212", "-")
    return (float(digits) if "." in digits else int(digits)), qualifier


def _unit(value: str, contexts: str | list[str]) -> str:
    """The unit of a glued value: from its own text (a date, a percentage, the noun a count
    names), else from the words that follow it in the prose (the first use that names one: a
    range's first end does not)."""
    number, _ = _qualified(value)
    if DATE.match(number):
        return "date"
    if number.endswith("%"):
        return "percent"
    if measured := MEASURED.fullmatch(number):
        return measured.group(1)
    if counted := COUNTED.fullmatch(number):
        noun = counted.group(1)
        return noun if noun.endswith("s") else noun + "s"
    for context in [contexts] if isinstance(contexts, str) else contexts:
        following = " ".join(context.split())
        for prefix, unit in UNIT_WORDS:
            if following.startswith(prefix):
                return unit
    return "number" if _number(value)[0] is not None else "text"


def _contexts(notebook) -> dict[str, list[str]]:
    """The text right after each use of each key in the prose, in order."""
    found: dict[str, list[str]] = {}
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        for match in PROSE_ROLE.finditer(cell.source):
            found.setdefault(match.group(1), []).append(cell.source[match.end() : match.end() + 24])
    return found


def _title(notebook) -> str:
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and cell.source.startswith("# "):
            return cell.source.splitlines()[0][2:].strip()
    return ""


class _Sources:
    """Source keys of figure ids and tables, loading each table once per ledger build."""

    def __init__(self) -> None:
        self._frames: dict[tuple[str, tuple[str, ...]], pd.DataFrame] = {}

    def _columns(self, table: str, columns: tuple[str, ...]) -> pd.DataFrame:
        from helpers.data.load import load_columns

        if (table, columns) not in self._frames:
            self._frames[table, columns] = load_columns(table, columns)
        return self._frames[table, columns]

    def _frame(self, table: str) -> pd.DataFrame:
        return self._columns(table, ("figure_id", "source_key") if table in schemas.FIGURE_TABLES else ("source_key",))

    def claim(self, claim_id: str) -> tuple[set[str], set[str], set[str]]:
        """Tables, figure ids and source keys behind one claim's verdict: the claim's row (its
        source), the tables its check reads, the figures it compares, the one event it looks up."""
        from helpers.analysis.claims import reads_of

        rows = self._columns("claims", ("claim_id", "check", "figure_id", "event_id", "source_key"))
        row = rows.loc[rows["claim_id"] == claim_id]
        if row.empty:
            raise ValueError(f"verdict_of names a claim that data/claims.csv does not have: {claim_id!r}")
        row = row.iloc[0]
        reads = reads_of(row)
        keys = {row["source_key"]} | self.keys(set(reads.tables) - {"events"}, set(reads.figure_ids))
        if reads.event_id:
            keys |= self.row_keys("events", "event_id", reads.event_id)
        elif "events" in reads.tables:
            keys |= self.keys({"events"}, set())
        figure_tables = {t for t in schemas.FIGURE_TABLES if self._frame(t)["figure_id"].isin(reads.figure_ids).any()}
        return {"claims", *reads.tables, *figure_tables}, set(reads.figure_ids), keys

    def row_keys(self, table: str, column: str, key: str) -> set[str]:
        """The source key of one row of ``table``, the row whose ``column`` is ``key``."""
        frame = self._columns(table, (column, "source_key"))
        return set(frame.loc[frame[column] == key, "source_key"])

    def keys(self, tables: set[str], figures: set[str]) -> set[str]:
        keys = set()
        for figure_id in figures:
            for table in schemas.FIGURE_TABLES:
                frame = self._frame(table)
                keys |= set(frame.loc[frame["figure_id"] == figure_id, "source_key"])
        for table in tables - set(schemas.FIGURE_TABLES):
            keys |= set(self._frame(table)["source_key"])
        return keys


def pages_for(root: Path) -> list[str]:
    """The pages whose glued numbers the ledger lists: every notebook in the table of contents
    except those that read the others' executions (the ledger page itself)."""
    from helpers.book.execute import executes_last

    return [page.docname for page in toc.notebooks(root) if not executes_last(nbformat.read(page.path, as_version=4))]


def entries(
    notebook_path: Path, page: str, values: dict[str, str] | None = None, sources: _Sources | None = None
) -> list[dict]:
    """One ledger row per value glued in a notebook, in the order they are glued.

    ``values`` are the glued texts (default: the notebook's stored outputs).
    """
    from helpers.paths import record_dependency

    record_dependency(notebook_path, part=LEDGER_PART)  # what it reads: see glued_values.ledger_part
    notebook = nbformat.read(notebook_path, as_version=4)
    values = stored_values(notebook) if values is None else values
    sources = sources or _Sources()
    lineage = _Lineage()
    contexts = _contexts(notebook)
    title = _title(notebook)
    rows = []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        tree = ast.parse(cell.source)
        lineage.learn(tree)
        calls = sorted(
            (call for name in GLUE_FUNCTIONS for call in _calls(tree, name)), key=lambda c: (c.lineno, c.col_offset)
        )
        for call in calls:
            if not (call.args and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str)):
                raise ValueError(f"{notebook_path}: glue calls need a literal key so the ledger can trace it")
            key = call.args[0].value
            inputs = ast.Tuple(elts=[*call.args[1:], *(k.value for k in call.keywords)], ctx=ast.Load())
            tables, figures, verdicts, single_rows = lineage.resolve(inputs)
            source_keys = sources.keys(tables, figures)
            for table, column, row_key in single_rows:
                if table not in tables:  # a table read whole has every row's source already
                    source_keys |= sources.row_keys(table, column, row_key)
            tables |= {table for table, _, _ in single_rows}
            for claim_id in verdicts:
                claim_tables, claim_figures, claim_keys = sources.claim(claim_id)
                tables, figures, source_keys = tables | claim_tables, figures | claim_figures, source_keys | claim_keys
            value = values.get(key)
            if value is None:
                raise ValueError(f"{notebook_path}: glue_text({key!r}) has no glued value (re-execute the notebook)")
            number, qualifier = _number(value)
            rows.append(
                {
                    "key": key,
                    "value": value,
                    "number": number,
                    "qualifier": qualifier,
                    "unit": _unit(value, contexts.get(key, [])),
                    "page": page,
                    "chapter": title,
                    "tables": sorted(tables),
                    "figure_ids": sorted(figures),
                    "source_keys": sorted(source_keys),
                    "in_prose": key in contexts,
                }
            )
    return rows


def build(root: Path | None = None, pages: list[str] | None = None) -> list[dict]:
    """The ledger for the notebooks under ``root``.

    By default: during a book build, this build's executed notebooks (``BOOK_EXECUTED_DIR``);
    otherwise the committed notebooks of the book. ``pages`` defaults to :func:`pages_for`.
    """
    if root is None:
        executed = os.environ.get(EXECUTED_DIR)
        root = Path(executed) if executed else book_root()
    pages = pages_for(book_root()) if pages is None else pages
    rows, sources = [], _Sources()
    for page in pages:
        rows += entries(Path(root) / f"{page}.ipynb", page, None, sources)
    return rows


#: Relative widths of the ledger's five columns. Given widths make the PDF wrap each cell within
#: its column (a plain Markdown table is typeset at its widest cell, which ran the last two
#: columns off the printed page); the HTML pages are written without them (no ``<colgroup>``):
#: there ``_static/book.css`` fits the tables of class ``ledger`` to the text column.
LEDGER_WIDTHS = "22 17 10 27 24"


def as_markdown(rows: list[dict]) -> str:
    """The ledger as MyST: a section per chapter (linked), a table of its numbers with sources."""
    parts = []
    for page in dict.fromkeys(r["page"] for r in rows):
        chapter = [r for r in rows if r["page"] == page]
        parts.append(f"## {{doc}}`{chapter[0]['chapter']} </{page}>`\n")
        caption = f"Every number in “{chapter[0]['chapter']}”, with what it is computed from and its sources"
        parts.append(f"```{{table}} {caption}\n:widths: {LEDGER_WIDTHS}\n:class: ledger\n")
        parts.append("| key | shown as | unit | computed from | sources |\n|---|---|---|---|---|")
        for row in chapter:
            origin = (
                ", ".join([f"`{t}`" for t in row["tables"]] + [f"`{f}`" for f in row["figure_ids"]])
                or "method constant"
            )
            sources = "; ".join(f"{{cite:t}}`{k}`" for k in row["source_keys"]) or "—"
            parts.append(f"| `{row['key']}` | {row['value']} | {row['unit']} | {origin} | {sources} |")
        parts.append("```\n")
    return "\n".join(parts)


def tables(rows: list[dict]):
    """The ledger page's output: :func:`as_markdown` of ``rows``, with the rows themselves in the
    output's metadata, from which the build writes ``numbers.json`` and ``numbers.csv``
    (:mod:`helpers.book.ledger_files`)."""
    from IPython.display import Markdown

    return Markdown(as_markdown(rows), metadata={ROWS_KEY: rows})


def main() -> int:
    print(to_csv(build()), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
