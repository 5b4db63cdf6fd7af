"""Documentation generated from the pandera models, for the "Data and methods" page.

The page shows what the validator enforces because it is generated from the same models: a rule
added to ``schemas.py`` appears here without anyone writing it down twice.
"""

from __future__ import annotations

import re

import pandas as pd

from helpers.data import schemas
from helpers.data.load import load, reads
from helpers.data.pandera_import import pa

#: Each column's type as the tables below name it. A date's form, YYYY-MM-DD, is said once above
#: them: in every row of a narrow column it broke over three lines in print.
KIND_LABELS = {"text": "text", "number": "number", "integer": "whole number", "date": "date"}


def schema_table(model: type[pa.DataFrameModel]) -> pd.DataFrame:
    """One row per column: name, type, required, rules and description."""
    kinds = schemas.field_kinds(model)
    columns = model.to_schema().columns
    rows = []
    for name, kind in kinds.items():
        column = columns[name]
        rules = [schemas.describe(check) for check in column.checks]
        if column.unique:
            rules.insert(0, "unique")
        rows.append(
            {
                "column": name,
                "type": KIND_LABELS[kind],
                "required": "no" if column.nullable else "yes",
                "rules": "; ".join(rules),
                "description": column.description or "",
            }
        )
    return pd.DataFrame(rows)


def row_rules(model: type[pa.DataFrameModel]) -> list[str]:
    """The rules that compare columns within a row (pandera dataframe checks)."""
    return [schemas.describe(check) for check in model.to_schema().checks]


def row_rules_markdown(model: type[pa.DataFrameModel]) -> str:
    """:func:`row_rules` as a Markdown list, the model's column names as code and the rest as
    words: a whole rule set as code hyphenated its words and broke its names across lines in
    the PDF ("ev-ery", "period_" / "start")."""
    columns = set(model.to_schema().columns)

    def names_as_code(rule: str) -> str:
        return re.sub(r"[A-Za-z_][A-Za-z0-9_]*", lambda m: f"`{m[0]}`" if m[0] in columns else m[0], rule)

    return "\n".join(f"- {names_as_code(rule)}" for rule in row_rules(model))


@reads(*schemas.TABLES)
def tables_overview() -> pd.DataFrame:
    """Each table: its file under data/, model, row count, description and licence (its name in
    datapackage.json; :func:`licences` says what each means). The file is the table's name with
    ``.csv``, so the name is not repeated."""
    from helpers.data.datapackage import licence

    rows = []
    for table, (model, description) in schemas.TABLES.items():
        rows.append(
            {
                "file": f"{table}.csv",
                "schema": model.__name__,
                "rows": len(load(table)),
                "description": description,
                "licence": licence(table)["name"],
            }
        )
    return pd.DataFrame(rows)


def licences():
    """What each licence named in :func:`tables_overview` means (its title in datapackage.json),
    once each: the titles are long, and repeated on every row they made the table hard to read."""
    from IPython.display import Markdown

    from helpers.data.datapackage import licence

    found = {}
    for table in schemas.TABLES:
        terms = licence(table)
        found.setdefault(terms["name"], terms["title"])
    return Markdown("\n".join(f"- `{name}`: {title}" for name, title in found.items()))


def figures_listing(frame: pd.DataFrame) -> pd.DataFrame:
    """A figure table as a reader scans it: value formatted as the source gave it, dates as text."""
    from helpers.present.text import fmt_number

    def shown(row) -> str:
        value = row["value"]
        text = fmt_number(value, 0) if float(value).is_integer() else fmt_number(value, 1)
        return text if row["qualifier"] == "unqualified" else f"{row['qualifier']} {text}"

    listing = pd.DataFrame(
        {
            "figure_id": frame["figure_id"],
            "quantity": frame["quantity"],
            "value": frame.apply(shown, axis=1),
            "unit": frame["unit"],
            "as of": frame["as_of"].dt.strftime("%Y-%m-%d"),
            "originator": frame["originator"],
            "reported by": frame["reported_by"],
            "source": frame["source_key"],
        }
    )
    return listing.set_index("figure_id")


def events_listing(frame: pd.DataFrame) -> pd.DataFrame:
    """The events table with dates as text, in date order."""
    listing = frame.sort_values("date").assign(date=lambda f: f["date"].dt.strftime("%Y-%m-%d"))
    return listing[["event_id", "date", "event", "actor", "source_key"]].set_index("event_id")


@reads(*schemas.TABLES)
def sources_with_counts() -> pd.DataFrame:
    """The bibliography as a table, with how many rows of data/ cite each source."""
    from helpers.data import bibliography

    counts: dict[str, int] = {}
    for table in schemas.TABLES:
        for key, n in load(table)["source_key"].value_counts().items():
            counts[key] = counts.get(key, 0) + int(n)
    sources = bibliography.sources_table()
    sources["rows citing it"] = sources["source_key"].map(counts).fillna(0).astype(int)
    return sources.set_index("source_key")


def models() -> dict[str, tuple[type[pa.DataFrameModel], list[str]]]:
    """Each distinct model with the tables that use it, in TABLES order."""
    seen: dict[str, tuple[type[pa.DataFrameModel], list[str]]] = {}
    for table, (model, _) in schemas.TABLES.items():
        seen.setdefault(model.__name__, (model, []))[1].append(table)
    return seen


def schema_sections():
    """Heading, schema table and row rules for every model, for display in a notebook cell."""
    from IPython.display import Markdown, display

    for name, (model, tables) in models().items():
        doc = (model.__doc__ or "").strip().splitlines()[0]
        used = ", ".join(f"`{t}`" for t in tables)
        display(Markdown(f"### {name}\n\n{doc} Used by {used}."))
        display(table(schema_table(model), f"The columns of {name}", f"schema-{name.lower()}"))
        rules = row_rules_markdown(model)
        if rules:
            display(Markdown("Rules across columns:\n\n" + rules))


def downloads(notebook: str | None = None):
    """A Markdown list of downloads for the current chapter: its notebook and every table it loaded.

    Paths are relative to the notebook's directory (where it executes), as MyST's ``{download}``
    role expects; the book copies each file into its downloads.
    """
    import os
    from pathlib import Path

    from IPython.display import Markdown

    from helpers.data.load import LOADED
    from helpers.paths import data_dir

    here = Path.cwd()
    lines = []
    if notebook:
        lines.append(f"- {{download}}`This chapter as a notebook <{notebook}>`")
    for table in LOADED:
        relative = os.path.relpath(data_dir() / f"{table}.csv", here)
        lines.append(f"- {{download}}`{table}.csv <{relative}>`: {schemas.TABLES[table][1]}")
    # The descriptor is linked where the book publishes it (html/data/), not as a download:
    # a download makes every page depend on it, and it changes whenever any table does. The data
    # folder sits beside the pages both in the tree and in the build's staged copy (its snapshot),
    # so the link is relative to it, never to the project (the build stages the pages elsewhere).
    descriptor = os.path.relpath(data_dir() / "datapackage.json", here)
    lines.append(f'- <a href="{descriptor}">datapackage.json</a>: the data package describing every table')
    return Markdown("\n".join(lines))


#: An identifier of the data (a figure id, an event id, a layer id): lower case, digits, underscores.
_IDENTIFIER = re.compile(r"[a-z0-9]+(?:_[a-z0-9]+)+")
#: A date as the tables under data/ write it.
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _cell(value) -> str:
    text = "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)
    if text.startswith(("https://", "http://")) and " " not in text:
        return f"<{text}>"  # a link: followed on screen, and breakable at "/" in the PDF
    if _ISO_DATE.fullmatch(text):  # kept on one line on screen ("2024-" above "08-31" was hard to read)
        return f'<span class="nowrap">{text}</span>'
    if _IDENTIFIER.fullmatch(text):
        # may break after an underscore on screen, as it does in the PDF; its text is unchanged
        return text.replace("_", "_<wbr>")
    return text.replace("|", "\\|").replace("\n", " ")


def table(frame: pd.DataFrame, caption: str, name: str):
    """A DataFrame as a numbered, captioned MyST table (HTML and PDF), index included.

    Plain DataFrame output is an unnumbered HTML table and, in the PDF, monospaced text; this
    emits a ``{table}`` directive that Sphinx numbers and LaTeX typesets.
    """
    from IPython.display import Markdown

    if isinstance(frame.index, pd.RangeIndex):
        data = frame
    else:  # keep row labels, named or not
        names = [n or "" for n in frame.index.names]
        data = frame.reset_index()
        data.columns = names + list(frame.columns)
    header = "| " + " | ".join(_cell(c) for c in data.columns) + " |"
    rule = "|" + "---|" * len(data.columns)
    rows = ["| " + " | ".join(_cell(v) for v in row) + " |" for row in data.itertuples(index=False)]
    body = "\n".join([header, rule, *rows])
    return Markdown(f"```{{table}} {caption}\n:name: {name}\n\n{body}\n```")
