"""The chapters' prose as a reader reads it, with its glued values in place."""

from __future__ import annotations

import re

from conftest import PAGES
from helpers.book.phone_tables import text_of

#: What is not prose: scripts, styles, code, tables, and the page's navigation.
NOT_PROSE = re.compile(r"<(script|style|pre|table|nav|header|footer)\b.*?</\1>", re.S)
#: A word or two said twice around "and" or "or" ("graded consistent and consistent").
REPEATED = re.compile(r"\b((?:[\w’-]+ )?[\w’-]+) (?:and|or) \1\b")


def test_no_value_is_said_twice_around_and(built_html):
    """Two glued verdicts side by side read 'is graded consistent and consistent under the rule'
    when both were the same; a sentence that joins two values names what each is for."""
    found = []
    for page in PAGES:
        main = (built_html / f"{page}.html").read_text(encoding="utf-8")
        main = main[main.find("<main") :]
        for match in REPEATED.finditer(text_of(NOT_PROSE.sub(" ", main))):
            found.append(f"{page}: …{match.group(0)}…")
    assert not found, found
