"""How the book names itself, its authors and its date, in print and on every page: set as the
book's prose is (curly apostrophes, dates day first), and dated by the build, as the footer is."""

from __future__ import annotations

import datetime as dt
import html
import re
import shutil
import subprocess

import pytest

from conftest import PAGES
from helpers.present.text import fmt_date


def _built_on(built_html) -> str:
    """The build date every page's footer shows (``Version … · commit … · built 2026-12-06``)."""
    footer = re.search(r'class="book-provenance">([^<]*)<', (built_html / "index.html").read_text(encoding="utf-8"))
    assert footer, "no provenance line in the footer"
    return re.search(r"built (\d{4}-\d{2}-\d{2})", footer.group(1)).group(1)


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed (make pdf-deps)")
def test_the_pdfs_title_page_is_set_as_the_book_and_dated_by_its_build(built_pdf, built_html):
    # it read "Russia's war …", "The book's contributors" and "Dec 06, 2026"
    title_page = subprocess.run(
        ["pdftotext", "-l", "1", str(built_pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "'" not in title_page, title_page
    assert "Russia\u2019s war against Ukraine in 2024" in title_page, title_page
    assert "The book\u2019s contributors" in title_page, title_page
    assert fmt_date(_built_on(built_html)) in title_page, title_page


def test_the_footer_names_the_contributors_once_and_in_the_books_typography(built_html):
    # it read "By The book's contributors" above "© Copyright 2026."
    page = (built_html / "index.html").read_text(encoding="utf-8")
    footer = page[page.index('class="bd-footer-content') :]
    assert "By The" not in footer and "book's" not in footer
    assert re.search(r"Copyright 2026, the book\u2019s contributors", footer), footer[:2000]
    window_title = re.search(r"<title>([^<]*)</title>", page).group(1)
    assert "Russia's" not in window_title and "Russia&#39;s" not in window_title, window_title


def _head(built_html, page: str) -> str:
    text = (built_html / f"{page}.html").read_text(encoding="utf-8")
    return text[: text.index("</head>")]


def _metas(head: str, name: str) -> list[str]:
    return [html.unescape(value) for value in re.findall(rf'<meta name="{name}" content="([^"]*)"', head)]


def test_the_front_pages_window_title_names_the_book_once(built_html):
    # it read "Russia’s war … rechecked — Russia’s war … rechecked" in the browser's tab
    title = html.unescape(re.search(r"<title>([^<]*)</title>", _head(built_html, "index")).group(1))
    assert title == "Russia\u2019s war against Ukraine in 2024: the figures, rechecked", title
    chapter = html.unescape(re.search(r"<title>([^<]*)</title>", _head(built_html, "chapters/surge")).group(1))
    assert chapter == f"The 2024 surge \u2014 {title}", chapter


def test_every_page_tells_reference_managers_how_to_cite_it(built_html):
    """Zotero and Google Scholar read a page's citation from Highwire Press meta tags: the title
    (a chapter's own, in the book's), the authors and the date, as CITATION.cff gives them; and
    the page's opening sentences as its description, for search engines and link previews."""
    from helpers.book import citation
    from helpers.paths import PROJECT_ROOT

    cff = citation.read(PROJECT_ROOT / "CITATION.cff")
    released = dt.date.fromisoformat(cff["date-released"])
    for page in PAGES:
        head = _head(built_html, page)
        heading = re.search(r'<h1>([^<]*)<a class="headerlink"', (built_html / f"{page}.html").read_text("utf-8"))
        assert _metas(head, "citation_title") == [html.unescape(heading.group(1))], page
        assert re.findall(r'<meta property="og:title" content="([^"]*)"', head) == [heading.group(1)], page
        assert _metas(head, "citation_author") == [author["name"] for author in cff["authors"]], page
        assert _metas(head, "citation_publication_date") == [f"{released:%Y/%m/%d}"], page
        body = (built_html / f"{page}.html").read_text("utf-8")
        opening = html.unescape(
            re.sub(r"<[^>]+>", "", re.search(r"<p>(.*?)</p>", body[body.index("<main") :], re.S).group(1))
        )
        [summary] = _metas(head, "description")
        assert len(summary) <= 300 and " ".join(opening.split()).startswith(summary.removesuffix("\u2026")), page
        book = _metas(_head(built_html, "index"), "citation_title")  # as the book sets it: Russia’s
        assert _metas(head, "citation_inbook_title") == ([] if page == "index" else book), page
