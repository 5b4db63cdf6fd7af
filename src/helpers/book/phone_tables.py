"""The ledger's tables on a phone: each row a block that reads down the screen, each value under
its column's name, with the table's semantics kept for screen readers.

A ledger row has five columns; on a 390 px phone the table scrolled sideways in its box, with
"computed from" and "sources" off the screen and the rows made tall by their wrapped text. Below
a phone's width ``_static/book.css`` shows each row as a block and each cell as a line that
starts with its column's name, taken from the ``data-label`` this module writes. A table shown
as blocks loses its table semantics in browsers, so the elements also get their ARIA roles back
(``table``, ``rowgroup``, ``row``, ``columnheader``, ``cell``).
"""

from __future__ import annotations

import html
import re

#: A ledger table as Sphinx writes it (``:class: ledger``, see ``helpers.book.ledger.as_markdown``).
LEDGER_TABLE = re.compile(r'<table class="ledger\b[^"]*"[^>]*>.*?</table>', re.S)
HEADER = re.compile(r'<th class="head">(.*?)</th>', re.S)
ROW = re.compile(r"<tr\b([^>]*)>(.*?)</tr>", re.S)


def text_of(markup: str) -> str:
    """The words of an HTML fragment, as a reader sees them: no tags, entities decoded, spaces
    collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", markup))).strip()


def _labelled(table: str) -> str:
    names = [text_of(name) for name in HEADER.findall(table)]

    def row(match: re.Match) -> str:
        cells = iter(names)
        body = re.sub(
            r"<td\b",
            lambda _: f'<td role="cell" data-label="{html.escape(next(cells, ""), quote=True)}"',
            match.group(2),
        )
        return f'<tr role="row"{match.group(1)}>{body}</tr>'

    table = table.replace("<table ", '<table role="table" ', 1)
    table = table.replace("<thead>", '<thead role="rowgroup">').replace("<tbody>", '<tbody role="rowgroup">')
    table = table.replace('<th class="head">', '<th class="head" role="columnheader">')
    return ROW.sub(row, table)


def label_ledger_tables(body: str) -> str:
    """``body`` with each ledger table's cells labelled and its ARIA roles written."""
    return LEDGER_TABLE.sub(lambda match: _labelled(match.group(0)), body)
