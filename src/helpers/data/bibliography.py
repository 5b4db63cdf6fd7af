"""The book's bibliography (``data/references.bib``), read with pybtex.

The same file feeds sphinxcontrib-bibtex for ``{cite}`` in the chapters, so a ``source_key`` that
validates here is one the book can cite.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from pybtex.backends.plaintext import Backend as PlainTextBackend
from pybtex.database import parse_file
from pybtex.exceptions import PybtexError
from pybtex.richtext import Text

from helpers.data.errors import DataIssue, DataValidationError
from helpers.paths import data_dir, display_path

if TYPE_CHECKING:
    import pandas as pd

BIB_NAME = "references.bib"


#: A title's braced groups ({Ukraine}, {World Factbook}), kept as they are written.
_BRACED = re.compile(r"\{[^{}]*\}")
#: What the rule says, in the message a bad title gets.
TITLE_RULE = "capitals after a title's first word in braces, as {Ukraine}"


def _title_issues(path: Path, entries) -> list[DataIssue]:
    """Titles with a capital the bibliography would lose: its style sets titles in sentence case,
    lowercasing every word after the first that is not in braces ("as ukraine's Kursk gamble",
    "The world factbook")."""
    issues, lines = [], None
    for key, entry in entries.items():
        title = entry.fields.get("title", "")
        plain_words = re.sub(r"\\[A-Za-z]+", " ", _BRACED.sub(" Braced ", title))  # and no LaTeX command (\S)
        words = re.findall(r"[^\W\d_][\w'’-]*", plain_words)
        lost = [w for w in words[1:] if w != "Braced" and w[0].isupper()]
        if not lost:
            continue
        lines = lines or path.read_text(encoding="utf-8").splitlines()  # read again only to name the line
        issues.append(
            DataIssue(display_path(path), _field_line(lines, key, "title"), "title", TITLE_RULE, ", ".join(lost))
        )
    return issues


#: What the rule says, in the message a second work by one author in one month gets.
MONTH_RULE = "works by one author in one year have distinct months"


def works_by_author_and_year(entries) -> dict[tuple[str, str], list[str]]:
    """Keys of ``entries`` grouped by the author and year a citation shows ("The Kyiv
    Independent", "2024"): the text cites works that share them by month as well."""
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for key, entry in entries.items():
        author = authors(entry) or plain(entry.fields.get("title", ""))
        groups[author, entry.fields.get("year", "")].append(key)
    return dict(groups)


def _field_line(lines: list[str], key: str, field: str) -> int:
    """The line (from 1) of ``field`` in entry ``key``, or of the entry's first line."""
    start = next((i for i, line in enumerate(lines) if re.search(rf"@\w+\{{{re.escape(key)},", line)), 0)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].lstrip().startswith("@")), len(lines))
    return next((i for i in range(start, end) if re.match(rf"\s*{field}\s*=", lines[i])), start) + 1


def _month_issues(path: Path, entries) -> list[DataIssue]:
    """Works by one author in one year without a month, or in a month another has: the text would
    cite two sources in the same words ("[The Kyiv Independent, October 2024]")."""
    issues, lines = [], None
    for (author, year), keys in works_by_author_and_year(entries).items():
        if len(keys) < 2:
            continue
        seen: dict[str, str] = {}
        for key in keys:
            month = entries[key].fields.get("month", "")
            if month and month not in seen:
                seen[month] = key
                continue
            lines = lines or path.read_text(encoding="utf-8").splitlines()  # read again only to name the line
            other = ", ".join(k for k in keys if k != key)
            value = f"{key}: month {month or 'missing'}, as {seen.get(month, other)} ({author}, {year})"
            issues.append(DataIssue(display_path(path), _field_line(lines, key, "month"), "month", MONTH_RULE, value))
    return issues


@lru_cache(maxsize=8)
def _entries(path: str, mtime_ns: int, size: int):
    try:
        entries = parse_file(path, bib_format="bibtex").entries
    except PybtexError as error:
        line = getattr(error, "lineno", None)
        message = getattr(error, "message", None) or str(error)
        hint = (
            "pybtex notices a mistake where the next entry or field starts, so look at the end of the "
            "line before too (a missing comma or closing brace), and check for a duplicated key."
        )
        raise DataValidationError(
            [DataIssue(display_path(Path(path)), line, None, "well-formed BibTeX", message)], hint
        ) from None
    issues = _title_issues(Path(path), entries)
    if issues:
        hint = "The bibliography sets titles in sentence case: brace each name, as {Ukraine} or {World Factbook}."
        raise DataValidationError(issues, hint)
    issues = _month_issues(Path(path), entries)
    if issues:
        hint = "The text cites such works by month and year: give each its own month (month = oct)."
        raise DataValidationError(issues, hint)
    return entries


def entries(directory: Path | None = None):
    path = (directory or data_dir()) / BIB_NAME
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise DataValidationError([DataIssue(display_path(path), None, None, "file exists")]) from None
    return _entries(str(path), stat.st_mtime_ns, stat.st_size)


def keys(directory: Path | None = None) -> frozenset[str]:
    """Every citation key in the bibliography."""
    return frozenset(entries(directory).keys())


def plain(text: str) -> str:
    """A BibTeX field as text, its LaTeX read as the bibliography prints it: no braces, a plain
    per cent sign, ``\\S~1`` as "§ 1" (with a no-break space).

    Rendered with pybtex's plain-text backend itself: ``render_as("text")`` would look the
    backend up by name, which scans every installed package's entry points each time."""
    return Text.from_latex(text).render(_PLAIN_TEXT)


_PLAIN_TEXT = PlainTextBackend()


def authors(entry) -> str:
    """An entry's authors as text ("BBC News", "Mediazona and BBC Russian"); empty if it has none."""
    return " and ".join(plain(str(person)) for person in entry.persons.get("author", []))


def sources_table(directory: Path | None = None) -> pd.DataFrame:
    """One row per bibliography entry: key, producer, title, year and address."""
    # pandas is imported here only: each Sphinx run reads the bibliography (its citation style
    # dates some works by month) and would spend 0.4 s importing pandas for nothing
    import pandas as pd

    rows = []
    for key, entry in entries(directory).items():
        fields = entry.fields
        author = authors(entry)
        rows.append(
            {
                "source_key": key,
                "producer": author or plain(fields.get("howpublished", "")),
                "title": plain(fields.get("title", "")),
                "year": plain(fields.get("year", "")),
                "url": fields.get("url", ""),
            }
        )
    return pd.DataFrame(rows).sort_values("source_key", ignore_index=True)
