"""Tables in the PDF break across pages and wrap within the text width.

Sphinx typesets a table of up to 30 rows with ``tabulary``, which cannot break across pages: the
claims audit's tables ran through the page footer and off the bottom of the page, their last
rows lost in print. A table whose Markdown gave no column widths is typeset with columns as wide
as their widest cell when it is long, which ran the ledger's last columns off the page's side.

So, in the LaTeX build only, every table becomes a ``longtable`` (it breaks across pages and
repeats its header) with given column widths: those its source gives, or else widths in
proportion to each column's mean text length, at least its longest word and its cell padding
(a narrow column of numbers lost its header's last letters to the next column), and at most a
share that leaves room for the others. A table whose longest words alone overfill the line is set
smaller (``\\small``, else ``\\footnotesize``), and if they still do, the columns with the longest
words give up room first: LaTeX can hyphenate a long word, not a short one ("Ukrainian" ran into
the next column). A source key in a table may break around its year (``nenka2024kursk`` ran past
the table's edge). The HTML pages are untouched: browsers size columns themselves.
"""

from __future__ import annotations

import math
import re
import statistics
from dataclasses import dataclass

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
#: A source key (``nenka2024kursk``): in a table LaTeX may break it before and after its year
#: (:func:`_key_breaks`), where it has no other break point.
KEY = re.compile(r"\b([a-z]{2,})(\d{4})([a-z]*)\b")


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
        elif key := KEY.fullmatch(token):
            found.extend(part for part in key.groups() if part)
        else:
            found.extend(WORD.findall(token))
    return found


def width(word: str) -> float:
    """A word's width in units. The unit is 0.45 em; FreeSerif's capitals are 0.61 to 0.89 em
    (reckoned 1.7 units: at 1.5, "DDTHH:MM+HH:MM" ran 5.3 pt into the next column) and its
    digits 0.5 em (1.1 units)."""
    return len(word) + 0.7 * sum(char.isupper() for char in word) + 0.1 * sum(char.isdigit() for char in word)


#: What a cell needs besides its text: LaTeX pads each side by ``\tabcolsep`` (12 pt in all,
#: about 3 units), taken from the column's share of the width.
PADDING = 3


@dataclass(frozen=True)
class Size:
    """A size to set a table in: its LaTeX command, and the line and a cell's padding measured in
    characters of that size."""

    command: str
    line: float
    padding: float


#: The body's size (10 pt), then ``\\small`` (9 pt) and ``\\footnotesize`` (8 pt).
SIZES = tuple(
    Size(command, LINE_CHARS * 10 / points, PADDING * 10 / points)
    for command, points in (("", 10), (r"\small", 9), (r"\footnotesize", 8))
)


def _columns(rows: list[list[str]], padding: float) -> tuple[list[float], list[float], list[bool]]:
    """Each column's need (its longest word and padding), want (its mean text, capped, and
    padding, at least the need) and whether its longest word is a number or a date."""
    needs, wants, numeric = [], [], []
    for cells in zip(*rows, strict=True):
        mean = statistics.fmean(len(cell) for cell in cells)
        longest = max((word for cell in cells for word in words(cell)), key=width, default="")
        numeric.append(bool(DIGITS.fullmatch(longest)))  # a number or a date: cannot be hyphenated
        need = max(MIN_WEIGHT, width(longest) + 1) + padding
        needs.append(need)
        wants.append(max(need, min(mean, MAX_WEIGHT) + padding))
    return needs, wants, numeric


def table_size(rows: list[list[str]]) -> Size:
    """The largest of :data:`SIZES` at which the columns' longest words fit the line (else the
    smallest)."""
    for size in SIZES:
        if sum(_columns(rows, size.padding)[0]) <= size.line:
            return size
    return SIZES[-1]


def _level(needs: list[float], room: float) -> float:
    """The width ``w`` at which the needs, each cut to at most ``w``, fill ``room``."""
    left = sorted(needs)
    for i, need in enumerate(left):
        if need * (len(left) - i) > room:
            return room / (len(left) - i)
        room -= need
    return max(needs, default=0.0)


def column_weights(rows: list[list[str]], line: float = LINE_CHARS, padding: float = PADDING) -> list[int]:
    """Widths for columns of text, in characters of the line: each column's mean cell length
    (capped), and never less than its longest word.

    A column's share of the line is its weight over the sum of weights. If every column's mean
    fits the line, the shares follow the means. If not, each column first gets room for its
    longest word (a word wider than its column runs into the next one), and the rest of the line
    goes to the columns that want more, in proportion to how much more.
    """
    needs, wants, numeric = _columns(rows, padding)
    if sum(wants) <= line:
        return [round(want) for want in wants]
    if sum(needs) >= line:
        # the longest words alone overfill the line: columns of numbers and dates keep their
        # room (LaTeX cannot hyphenate them); of the others, those with the longest words give
        # up room first, down to a common width, and LaTeX hyphenates those words
        firm = sum(math.ceil(need) for need, number in zip(needs, numeric, strict=True) if number)
        soft = [need for need, number in zip(needs, numeric, strict=True) if not number]
        level = _level(soft, line - firm)
        kept = [need <= level for need in soft]
        kept_room = sum(math.ceil(need) for need, keep in zip(soft, kept, strict=True) if keep)
        share = max(int((line - firm - kept_room) / max(kept.count(False), 1)), 1)
        shares = iter(math.ceil(need) if keep else share for need, keep in zip(soft, kept, strict=True))
        return [math.ceil(need) if number else next(shares) for need, number in zip(needs, numeric, strict=True)]
    spare = line - sum(needs)
    extra = [want - need for want, need in zip(wants, needs, strict=True)]
    return [int(need + spare * more / sum(extra)) for need, more in zip(needs, extra, strict=True)]


def _text(entry: nodes.entry) -> str:
    """A cell's text as printed. Raw markup is not text: the HTML a cell carries for browsers
    (``<span class="nowrap">`` around a date, ``<wbr>`` in a name) and the LaTeX break points
    of :func:`_key_breaks` made a date column as wide as a column of sentences."""
    entry = entry.deepcopy()
    for raw in list(entry.findall(nodes.raw)):
        raw.parent.remove(raw)
    return entry.astext().replace("\n", " ")


def _rows(tgroup: nodes.tgroup) -> list[list[str]]:
    rows = []
    for row in tgroup.findall(nodes.row):
        cells = [_text(entry) for entry in row.children if isinstance(entry, nodes.entry)]
        rows.append(cells)
    columns = max((len(r) for r in rows), default=0)
    return [r for r in rows if len(r) == columns]  # rows with spanning cells do not vote


def _key_breaks(table: nodes.table) -> None:
    """Let LaTeX break each source key in ``table``'s text before and after its year."""
    for text in list(table.findall(nodes.Text)):
        if not isinstance(text.parent, nodes.paragraph) or not KEY.search(text):
            continue
        pieces, at = [], 0
        for match in KEY.finditer(text):
            pieces.append(nodes.Text(text[at : match.start()]))
            for i, part in enumerate(part for part in match.groups() if part):
                if i:
                    pieces.append(nodes.raw("", r"\allowbreak{}", format="latex"))
                pieces.append(nodes.Text(part))
            at = match.end()
        pieces.append(nodes.Text(text[at:]))
        text.parent.replace(text, [piece for piece in pieces if not isinstance(piece, nodes.Text) or str(piece)])


def breakable(app, doctree, docname) -> None:
    """In the LaTeX build, every table a page-breaking ``longtable`` with given column widths."""
    if app.builder.format != "latex":
        return
    for table in list(doctree.findall(nodes.table)):
        _key_breaks(table)
        classes = table["classes"]
        if "longtable" not in classes:
            classes.append("longtable")
        if "colwidths-given" in classes:
            continue
        tgroup = next(iter(table.findall(nodes.tgroup)), None)
        if tgroup is None:
            continue
        colspecs = [child for child in tgroup.children if isinstance(child, nodes.colspec)]
        rows = _rows(tgroup)
        size = table_size(rows)
        weights = column_weights(rows, size.line, size.padding)
        if len(weights) != len(colspecs):
            continue
        for colspec, weight in zip(colspecs, weights, strict=True):
            colspec["colwidth"] = weight
        table["classes"] = [c for c in classes if c != "colwidths-auto"] + ["colwidths-given"]
        if size.command:
            at = table.parent.index(table)
            table.parent.insert(at + 1, nodes.raw("", "\n\\endgroup\n", format="latex"))
            table.parent.insert(at, nodes.raw("", f"\n\\begingroup{size.command}\n", format="latex"))


def setup(app):
    app.connect("doctree-resolved", breakable)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
