"""The ledger's tables, labelled for a phone (``helpers.book.phone_tables``; the browser test
checks the page as a reader on a phone sees it)."""

from __future__ import annotations

from helpers.book import phone_tables

TABLE = (
    '<p>before</p><table class="ledger table" id="id1">\n<caption>Every number</caption>\n<thead>\n'
    '<tr class="row-odd"><th class="head"><p>key</p></th>\n<th class="head"><p>shown as</p></th>\n</tr>\n'
    '</thead>\n<tbody>\n<tr class="row-even"><td><p><code>i_cut</code></p></td>\n<td><p>20 November 2024</p></td>\n'
    '</tr>\n</tbody>\n</table><table class="other"><tbody><tr><td>left alone</td></tr></tbody></table>'
)


def test_each_ledger_cell_is_labelled_with_its_column_and_the_roles_are_kept():
    labelled = phone_tables.label_ledger_tables(TABLE)
    assert '<table role="table" class="ledger table" id="id1">' in labelled
    assert '<thead role="rowgroup">' in labelled and '<tbody role="rowgroup">' in labelled
    assert labelled.count('role="columnheader"') == 2 and labelled.count('<tr role="row" class="row-') == 2
    assert '<td role="cell" data-label="key"><p><code>i_cut</code>' in labelled
    assert '<td role="cell" data-label="shown as"><p>20 November 2024' in labelled
    assert labelled.endswith('<table class="other"><tbody><tr><td>left alone</td></tr></tbody></table>')
