"""Tables in the PDF break across pages and wrap within the text width.

Sphinx typesets a table of up to 30 rows with ``tabulary``, which cannot break across pages: the
claims audit's tables ran through the page footer and off the bottom of the page, their last
rows lost in print. A table whose Markdown gave no column widths is typeset with columns as wide
as their widest cell when it is long, which ran the ledger's last columns off the page's side.

So, in the LaTeX build only, every table becomes a ``longtable`` (it breaks across pages and
repeats its header) with given column widths: those its source gives, or else widths in
proportion to each column's mean text length, at least its longest word and at most a share
that leaves room for the others. The HTML pages are untouched: browsers size columns themselves.
"""

from __future__ import annotations

import statistics

from docutils import nodes

#: Bounds on a column's weight, in characters of text: a column of short codes keeps room for
#: its longest word; one of long sentences does not starve the others.
MIN_WEIGHT, MAX_WEIGHT = 6, 45


def column_weights(rows: list[list[str]]) -> list[int]:
    """Relative widths for columns of text: the mean cell length, at least the longest word."""
    weights = []
    for cells in zip(*rows, strict=True):
        mean = statistics.fmean(len(cell) for cell in cells)
        longest_word = max((len(word) for cell in cells for word in cell.split()), default=0)
        weights.append(round(max(MIN_WEIGHT, longest_word + 2, min(mean, MAX_WEIGHT))))
    return weights


def _rows(tgroup: nodes.tgroup) -> list[list[str]]:
    rows = []
    for row in tgroup.findall(nodes.row):
        cells = [entry.astext().replace("\n", " ") for entry in row.children if isinstance(entry, nodes.entry)]
        rows.append(cells)
    width = max((len(r) for r in rows), default=0)
    return [r for r in rows if len(r) == width]  # rows with spanning cells do not vote


def breakable(app, doctree, docname) -> None:
    """In the LaTeX build, every table a page-breaking ``longtable`` with given column widths."""
    if app.builder.format != "latex":
        return
    for table in doctree.findall(nodes.table):
        classes = table["classes"]
        if "longtable" not in classes:
            classes.append("longtable")
        if "colwidths-given" in classes:
            continue
        tgroup = next(iter(table.findall(nodes.tgroup)), None)
        if tgroup is None:
            continue
        colspecs = [child for child in tgroup.children if isinstance(child, nodes.colspec)]
        weights = column_weights(_rows(tgroup))
        if len(weights) != len(colspecs):
            continue
        for colspec, weight in zip(colspecs, weights, strict=True):
            colspec["colwidth"] = weight
        table["classes"] = [c for c in classes if c != "colwidths-auto"] + ["colwidths-given"]


def setup(app):
    app.connect("doctree-resolved", breakable)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
