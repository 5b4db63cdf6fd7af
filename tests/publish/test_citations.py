"""Every citation the book shows names one source: two sources are never cited in the same words
(two reports by the Kyiv Independent in 2024 were both "[The Kyiv Independent, 2024]")."""

from __future__ import annotations

import re

from conftest import PAGES
from helpers.book.phone_tables import text_of

CITATION = re.compile(r'<span class="bibtex-citation"[^>]*>(.*?)</span>', re.S)
LINK = re.compile(r'<a class="reference internal" href="([^"#]*#[^"]+)"[^>]*>(.*?)</a>', re.S)


def citations_shown(page_html: str) -> list[tuple[str, str]]:
    """(the words a reader sees, the bibliography entry they link to) for each citation: "Nenka,
    2024" in brackets, or "Nenka [2024]" in a sentence (only the year is the link)."""
    found = []
    for citation in CITATION.findall(page_html):
        author = text_of(citation.split("[", 1)[0])
        for target, words in LINK.findall(citation):
            words = text_of(words)
            shown = words if "," in words or not author else f"{author} [{words}]"
            found.append((shown, target.rsplit("/", 1)[-1]))
    return found


def test_no_two_sources_are_cited_in_the_same_words(built_html):
    targets: dict[str, set[str]] = {}
    for page in PAGES:
        for shown, target in citations_shown((built_html / f"{page}.html").read_text(encoding="utf-8")):
            targets.setdefault(shown, set()).add(target)
    assert len(targets) > 10, targets  # the pages cite many sources
    shared = {shown: sorted(entries) for shown, entries in targets.items() if len(entries) > 1}
    assert not shared, f"one citation, several sources: {shared}"


def test_the_bibliography_has_the_prose_s_apostrophes(built_html):
    """Titles and notes came out with straight apostrophes ("Ukraine's Kursk gamble") on the
    bibliography page and in every citation's tooltip, where the prose has curly ones."""
    page = (built_html / "chapters" / "bibliography.html").read_text(encoding="utf-8")
    entries = " ".join(text_of(entry) for entry in re.findall(r'<div class="citation".*?</div>', page, re.S))
    assert "Kursk gamble" in entries
    assert not re.findall(r".{0,30}\w'\w.{0,10}", entries)
