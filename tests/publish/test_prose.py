"""The chapters' prose as a reader reads it, with its glued values in place."""

from __future__ import annotations

import re

from conftest import PAGES
from helpers.book.phone_tables import text_of

#: What is not prose: scripts, styles, code, tables, the page's navigation, and HTML comments.
NOT_PROSE = re.compile(r"<(script|style|pre|table|nav|header|footer)\b.*?</\1>|<!--.*?-->", re.S)
#: A word or two said twice around "and" or "or" ("graded consistent and consistent").
REPEATED = re.compile(r"\b((?:[\w’-]+ )?[\w’-]+) (?:and|or) \1\b")


def prose_of_each_page(built_html):
    """Each page's prose as a reader reads it: (page, text), tables and code left out."""
    for page in PAGES:
        main = (built_html / f"{page}.html").read_text(encoding="utf-8")
        yield page, text_of(NOT_PROSE.sub(" ", main[main.find("<main") :]))


def test_no_value_is_said_twice_around_and(built_html):
    """Two glued verdicts side by side read 'is graded consistent and consistent under the rule'
    when both were the same; a sentence that joins two values names what each is for."""
    found = []
    for page, text in prose_of_each_page(built_html):
        found += [f"{page}: …{match.group(0)}…" for match in REPEATED.finditer(text)]
    assert not found, found


#: A count under ten in figures, before the noun it counts ("in 4 months", "5 dates", "2 days
#: later"). Tallies ("consistent, 1; depends on definition, 4") do not name a noun after the
#: number, and keep their figures beside the larger counts they add up to.
SMALL_COUNT = re.compile(
    r"(?<![\d,.−-])\b[0-9] (?:days?|dates?|months?|weeks?|years?|decimal places?|claims?|statements?"
    r"|snapshots?|paragraphs?|layers?|pages?|places?|regions?|sources?)\b"
)


def test_a_count_under_ten_is_written_as_a_word(built_html):
    """Running text spells out a count under ten ('four dates', 'two days later'), as news style
    guides do; figures stay for measurements, and for 10 and up."""
    found = []
    for page, text in prose_of_each_page(built_html):
        found += [f"{page}: …{match.group(0)}…" for match in SMALL_COUNT.finditer(text)]
    assert not found, found


#: Two numbers with only a space between them ("in 2023 1,661 km² changed hands").
ADJACENT_NUMBERS = re.compile(r"(?<![\d,.])\d[\d,.]*(?<![,.]) −?\d")


def test_no_two_numbers_stand_side_by_side(built_html):
    """A glued number right after a year, or after another number, reads as one long figure
    ('in 2023 1,661 km²'); the sentence puts a word between them."""
    found = []
    for page, text in prose_of_each_page(built_html):
        for match in ADJACENT_NUMBERS.finditer(text):
            found.append(f"{page}: …{text[max(0, match.start() - 20) : match.end() + 20]}…")
    assert not found, found


#: A sentence that begins in lower case ("… as listed below. write-up 001 also repeats itself").
LOWER_CASE_START = re.compile(r"[.!?] [a-z]")


def test_every_sentence_begins_with_a_capital(built_html):
    """A code name (`write-up 001`, `helpers.data.load`) at the start of a sentence reads as a
    sentence begun in lower case; the sentence is turned so that a word comes first."""
    found = []
    for page, text in prose_of_each_page(built_html):
        for match in LOWER_CASE_START.finditer(text):
            found.append(f"{page}: …{text[max(0, match.start() - 30) : match.end() + 20]}…")
    assert not found, found
