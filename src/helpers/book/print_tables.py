"""Tables in the PDF break across pages and wrap within the text width.

Sphinx typesets a table of up to 30 rows with ``tabulary``, which cannot break across pages: the
claims audit's tables ran through the page footer and off the bottom of the page, their last
rows lost in print. A table whose Markdown gave no column widths is typeset with columns as wide
as their widest cell when it is long, which ran the ledger's last columns off the page's side.

So, in the LaTeX build only, every table becomes a ``longtable`` (it breaks across pages and
repeats its header) with given column widths: those its source gives, or else widths in
proportion to each column's mean text length, at least its longest word and its cell padding
(a narrow column of numbers lost its header's last letters to the next column), and at most a
share that leaves room for the others. The HTML pages are untouched: browsers size columns themselves.
"""

from __future__ import annotations

import re
import statistics

from docutils import nodes

#: Bounds on a column's text, in characters: a column of short codes keeps room for its longest
#: word; one of long sentences does not starve the others.
MIN_WEIGHT, MAX_WEIGHT = 6, 45
#: The text width (451 pt on A4) in units of 4.5 pt, about a character of the 10 pt body font
#: (a digit is 5 pt: a word's width is reckoned with one character to spare).
LINE_CHARS = 100
#: A word, as LaTeX may break it: at spaces, after a hyphen, and after an underscore (the book's
#: preamble lets ``\_`` break, so that long table and key names wrap). A link breaks after
#: ``/``, ``.`` and ``-``, and, where nothing else fits, after any letter or digit (the preamble
#: adds those to the url package's break points): a link column asks for room for its parts
#: between those marks, up to :data:`LINK_PIECE` characters each, not for a whole article id.
WORD = re.compile(r"[^\s_-]+[_-]?|[_-]")
LINK_PART = re.compile(r"[^/.-]+[/.-]?|[/.-]")
LINK_PIECE = 12
DIGITS = re.compile(r"[\d.,:-]+")


def words(cell: str) -> list[str]:
    """The pieces of a cell's text between the places LaTeX may break a line; a date or a
    number range (``2024-08-06``) is kept whole, as it reads badly broken."""
    found = []
    for token in cell.split():
        if "://" in token:
            for part in LINK_PART.findall(token):
                found.extend(part[i : i + LINK_PIECE] for i in range(0, len(part), LINK_PIECE))
        elif DIGITS.fullmatch(token):
            found.append(token)
        else:
            found.extend(WORD.findall(token))
    return found


def width(word: str) -> float:
    """A word's width in units: a capital letter is about half as wide again as the unit."""
    return len(word) + 0.5 * sum(char.isupper() for char in word)


#: What a cell needs besides its text: LaTeX pads each side by ``\tabcolsep`` (12 pt in all,
#: about 3 units), taken from the column's share of the width.
PADDING = 3


def column_weights(rows: list[list[str]]) -> list[int]:
    """Widths for columns of text, in characters of the line: each column's mean cell length
    (capped), and never less than its longest word.

    A column's share of the line is its weight over the sum of weights. If every column's mean
    fits the line, the shares follow the means. If not, each column first gets room for its
    longest word (a word wider than its column runs into the next one), and the rest of the line
    goes to the columns that want more, in proportion to how much more.
    """
    needs, wants, numeric = [], [], []
    for cells in zip(*rows, strict=True):
        mean = statistics.fmean(len(cell) for cell in cells)
        longest = max((word for cell in cells for word in words(cell)), key=width, default="")
        numeric.append(bool(DIGITS.fullmatch(longest)))  # a number or a date: cannot be hyphenated
        need = max(MIN_WEIGHT, width(longest) + 1) + PADDING
        needs.append(need)
        wants.append(max(need, min(mean, MAX_WEIGHT) + PADDING))
    if sum(wants) <= LINE_CHARS:
        return [round(want) for want in wants]
    if sum(needs) >= LINE_CHARS:
        # the longest words alone overfill the line: columns of numbers and dates keep their
        # room (LaTeX cannot hyphenate them); the others share the rest in proportion, and
        # LaTeX hyphenates their longer words
        firm = sum(need for need, number in zip(needs, numeric, strict=True) if number)
        soft = sum(needs) - firm
        scale = max(LINE_CHARS - firm, 0) / soft if soft else 1
        return [round(need if number else need * scale) for need, number in zip(needs, numeric, strict=True)]
    spare = LINE_CHARS - sum(needs)
    extra = [want - need for want, need in zip(wants, needs, strict=True)]
    return [int(need + spare * more / sum(extra)) for need, more in zip(needs, extra, strict=True)]


def _rows(tgroup: nodes.tgroup) -> list[list[str]]:
    rows = []
    for row in tgroup.findall(nodes.row):
        cells = [entry.astext().replace("\n", " ") for entry in row.children if isinstance(entry, nodes.entry)]
        rows.append(cells)
    columns = max((len(r) for r in rows), default=0)
    return [r for r in rows if len(r) == columns]  # rows with spanning cells do not vote


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
