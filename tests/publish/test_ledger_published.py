"""The built book publishes the ledger, and the appendix shows the same numbers."""

from __future__ import annotations

import json

from helpers.book import ledger


def test_numbers_json_matches_the_chapters(built_html):
    published = json.loads((built_html / "numbers.json").read_text(encoding="utf-8"))
    assert published == json.loads(ledger.to_json(ledger.build()))
    assert (built_html / "numbers.csv").read_text(encoding="utf-8").startswith("page,key,value")


def test_appendix_lists_every_key(built_html):
    page = (built_html / "chapters" / "numbers.html").read_text(encoding="utf-8")
    published = json.loads((built_html / "numbers.json").read_text(encoding="utf-8"))
    missing = [row["key"] for row in published if row["key"] not in page]
    assert not missing, missing
