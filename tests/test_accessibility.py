"""The HTML repairs that axe-core asked for change exactly what they name."""

from __future__ import annotations

from helpers.book.accessibility import repair_body

TOGGLE = (
    '<details class="admonition hide above-input">\n<summary aria-label="Toggle hidden content">\n'
    '<p class="collapsed admonition-title">Show code cell source</p>\n'
)
BIBLIOGRAPHY = (
    '<div role="list" class="citation-list">\n<div class="citation" id="id2" role="doc-biblioentry">\n'
    '<span class="label">[2]</span><p>BBC News.</p>\n</div>\n</div>'
)


def test_code_toggles_are_named_by_their_visible_text():
    repaired = repair_body(TOGGLE)
    assert "<summary>\n<p" in repaired and "aria-label" not in repaired


def test_bibliography_entries_are_list_items():
    repaired = repair_body(BIBLIOGRAPHY)
    assert '<div class="citation" role="listitem" id="id2">' in repaired
    assert "doc-biblioentry" not in repaired and '<div role="list" class="citation-list">' in repaired


def test_other_markup_is_left_alone():
    text = '<p class="citation">A <summary aria-label="Other">x</summary></p>'
    assert repair_body(text) == text
