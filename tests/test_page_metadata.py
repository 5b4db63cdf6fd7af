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
    front = dict_of(page_metadata.meta_tags(BOOK, BOOK, {"authors": []}, in_book=False))
    assert front == {"citation_title": [BOOK]}


def dict_of(tags: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for name, content in re.findall(r'<meta name="([^"]+)" content="([^"]*)" />', tags):
        found.setdefault(name, []).append(content)
    return found
