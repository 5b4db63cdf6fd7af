"""Rule 1: no number typed into a chapter's prose. Numbers reach the text only through glue.

Scans the markdown cells of every notebook (and the markdown pages) and fails on any numeral
outside glue and citation roles, code spans and link targets. Allowed: four-digit years,
and names of standards that contain digits (EPSG:3035, ETRS89, WGS84, GRS80).
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from helpers.paths import PROJECT_ROOT

PAGES = sorted(
    [
        PROJECT_ROOT / "index.ipynb",
        *(PROJECT_ROOT / "chapters").glob("*.ipynb"),
        *(p for p in (PROJECT_ROOT / "chapters").glob("*.md") if not p.name.endswith(".myst.md")),
    ]
)

STRIP = [
    re.compile(r"\{(glue(:\w+)?|eval)\}`[^`]*`"),  # glued values
    re.compile(r"\{cite(:\w+)?\}`[^`]*`"),  # citations
    re.compile(r"`[^`]*`"),  # code spans (column names, file names)
    re.compile(r"\]\([^)]*\)"),  # link targets
    re.compile(r"^:[a-z]+:.*$", re.MULTILINE),  # directive options
]
ALLOWED = re.compile(r"\b(EPSG:3035|ETRS89|WGS84|GRS80|(19|20)[0-9]{2}|[Ww]rite-up 00[01])\b")
NUMERAL = re.compile(r"[0-9]+")


def typed_numbers(markdown: str) -> list[tuple[int, str]]:
    """(line, text) of each numeral left in prose once glue, citations and allowed tokens are removed."""
    found = []
    for number, line in enumerate(markdown.splitlines(), start=1):
        text = line
        for pattern in STRIP:
            text = pattern.sub(" ", text)
        text = ALLOWED.sub(" ", text)
        found += [(number, match.group()) for match in NUMERAL.finditer(text)]
    return found


def markdown_cells(path: Path):
    if path.suffix == ".md":
        yield 0, path.read_text(encoding="utf-8")
        return
    for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
        if cell.cell_type == "markdown":
            yield index, cell.source


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_no_typed_numbers_in_prose(page: Path):
    problems = [
        f"{page.relative_to(PROJECT_ROOT)}, cell {cell}, line {line}: typed number {number!r}"
        for cell, source in markdown_cells(page)
        for line, number in typed_numbers(source)
    ]
    assert not problems, "glue these numbers instead:\n" + "\n".join(problems)


def test_the_scanner_catches_a_typed_number():
    assert typed_numbers("Russia took 2,700 km² in 2024.") == [(1, "2"), (1, "700")]
    assert typed_numbers("about {eval}`glued.isw_gain_2024` km² in 2024 {cite:p}`bbc2024`") == []
    assert typed_numbers("on 23 November 2023") == [(1, "23")]


#: Counts written as words are numbers too ("on five dates" stayed five when the map changed).
#: "one" and "two" are left to the prose (two write-ups, two readings); a larger count is allowed
#: only in these phrases, each a fixed part of the text rather than a count of data.
#: A share written as a fraction in words ("nearly a fifth of Ukraine") is a number too ("a third
#: party" is not).
NUMBER_WORD = re.compile(
    r"\b(three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?"
    r"|(?:a|one|two|three) (?:third|quarter|fifth|sixth|seventh|eighth|ninth|tenth)s?(?! part))\b",
    re.IGNORECASE,
)
ALLOWED_WORDS = re.compile(
    r"almost six times"  # the article's words, quoted and tested as a claim
    r"|three figures from ISW"  # what the article gives, each glued right after
    r"|three measurements",  # the surge chapter's three measures of the front (its method)
    re.IGNORECASE,
)


def typed_number_words(markdown: str) -> list[tuple[int, str]]:
    """(line, word) of each count written as a word outside the allowed phrases."""
    found = []
    for number, line in enumerate(markdown.splitlines(), start=1):
        text = ALLOWED_WORDS.sub(" ", line)
        for pattern in STRIP:
            text = pattern.sub(" ", text)
        found += [(number, match.group()) for match in NUMBER_WORD.finditer(text)]
    return found


def _captions(path: Path):
    if path.suffix == ".ipynb":
        for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
            caption = cell.get("metadata", {}).get("mystnb", {}).get("figure", {}).get("caption")
            if cell.cell_type == "code" and caption:
                yield index, caption


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_no_counts_written_as_words_in_prose_or_captions(page: Path):
    problems = [
        f"{page.relative_to(PROJECT_ROOT)}, cell {cell}, line {line}: count written as a word {word!r}"
        for cell, source in [*markdown_cells(page), *_captions(page)]
        for line, word in typed_number_words(source) + typed_numbers(source)
    ]
    assert not problems, "glue these counts instead:\n" + "\n".join(problems)


def test_the_scanner_catches_a_count_written_as_a_word():
    assert typed_number_words("The same readings as maps, on five dates.") == [(1, "five")]
    assert typed_number_words('What "almost six times" becomes, in three measurements') == []
    assert typed_number_words("Nearly a fifth of Ukraine; two thirds of it") == [(1, "a fifth"), (1, "two thirds")]
    assert typed_number_words("areas computed by a third party") == []
