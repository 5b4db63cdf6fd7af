"""Each HTML page's window title and citation tags (``helpers.book.page_metadata``)."""

from __future__ import annotations

import re

from helpers.book import page_metadata

BOOK = "Russia\u2019s war against Ukraine in 2024: the figures, rechecked"


def test_the_window_title_names_the_book_once():
    assert page_metadata.window_title(BOOK, BOOK) == BOOK
    assert page_metadata.window_title("The 2024 surge", BOOK) == f"The 2024 surge \u2014 {BOOK}"
    assert page_metadata.window_title("Index", "") == "Index"


def test_citation_tags_follow_the_citation_file():
    cff = {
        "authors": [{"name": "The book's contributors"}, {"given-names": "Ada", "family-names": "Lovelace"}],
        "date-released": "2026-11-22",
        "abstract": 'A book on "figures" & <sources>',
    }
    tags = dict_of(page_metadata.meta_tags("The 2024 surge", BOOK, cff, in_book=True))
    assert tags["citation_title"] == ["The 2024 surge"] and tags["citation_inbook_title"] == [BOOK]
    assert tags["citation_author"] == ["The book&#x27;s contributors", "Lovelace, Ada"]
    assert tags["citation_publication_date"] == ["2026/11/22"]
    assert tags["description"] == ["A book on &quot;figures&quot; &amp; &lt;sources&gt;"]  # escaped, not cut
    assert tags["og:title"] == ["The 2024 surge"] and tags["og:site_name"] == [BOOK]
    assert tags["og:type"] == ["article"] and tags["og:description"] == tags["description"]
    front = dict_of(page_metadata.meta_tags(BOOK, BOOK, {"authors": []}, in_book=False))
    assert front == {"citation_title": [BOOK], "og:title": [BOOK], "og:site_name": [BOOK], "og:type": ["book"]}


def dict_of(tags: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, content in re.findall(r'<meta (?:name|property)="([^"]+)" content="([^"]*)" />', tags):
        found.setdefault(name, []).append(content)
    return found


def test_a_description_is_the_opening_paragraph_cut_at_a_sentence():
    sentence = "Russia took more of Ukraine in 2024 than in 2023. "
    assert page_metadata.description(sentence * 3) == (sentence * 3).strip()
    cut = page_metadata.description(sentence * 10, limit=120)
    assert cut == (sentence * 2).strip()
    assert page_metadata.description("word " * 100, limit=30) == "word word word word word word\u2026"
    assert page_metadata.description("  spread\n over   lines. ") == "spread over lines."


def test_the_opening_paragraph_is_prose_not_a_table_or_a_box():
    from docutils.core import publish_doctree

    doctree = publish_doctree(
        ".. note:: A box first.\n\n+------+\n| cell |\n+------+\n\nThe opening paragraph.\n\nA second one.\n"
    )
    assert page_metadata.opening_paragraph(doctree) == "The opening paragraph."
