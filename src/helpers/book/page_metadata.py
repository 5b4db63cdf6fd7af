"""What each HTML page tells browsers, reference managers and link previews: its title, once, and its citation.

The book is meant to be cited. Zotero and Google Scholar read a web page's citation from the
Highwire Press ``citation_*`` meta tags in its head: each page gives its own title (a chapter's,
with the book's as ``citation_inbook_title``), the authors and the release date from
``CITATION.cff`` (the file the How to cite page's BibTeX entry comes from, so the two cannot
disagree). Its description, which search engines and link previews show, is the page's opening
paragraph as this build wrote it, up to the last whole sentence that fits (the book's abstract
on a page without one). Link previews in chat and social media read the same title and
description from Open Graph tags.

The theme writes a page's window title as "page — book", which on the front page said the
book's title twice; there it is the book's title alone (``_templates/layout.html`` shows the
``window_title`` this module gives each page).
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import re
from pathlib import Path

from docutils import nodes

from helpers.book import citation

#: The longest description, in characters; search engines show about this much.
DESCRIPTION_LENGTH = 300


@functools.cache
def _citation(path: Path) -> dict | None:
    return citation.read(path) if path.exists() else None


def _text(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup or "")).strip()


def window_title(title: str, book_title: str) -> str:
    """A page's title in the browser's tab: 'page — book', or the book's title alone on a page
    that bears it (the front page)."""
    return title if title == book_title or not book_title else f"{title} \u2014 {book_title}"


def description(paragraph: str, limit: int = DESCRIPTION_LENGTH) -> str:
    """A paragraph cut to its whole sentences within ``limit`` characters (its first sentence
    cut at a word, with an ellipsis, if even that is longer)."""
    text = " ".join(paragraph.split())
    if len(text) <= limit:
        return text
    ends = [match.end() for match in re.finditer(r"[.!?](?= )", text[: limit + 1])]
    return text[: ends[-1]] if ends else text[:limit].rsplit(" ", 1)[0] + "\u2026"


def opening_paragraph(doctree) -> str:
    """The text of a page's first paragraph of prose (not in a table, figure, box or code output)."""
    skip = (nodes.table, nodes.figure, nodes.Admonition, nodes.container, nodes.sidebar, nodes.topic)
    for paragraph in doctree.findall(nodes.paragraph):
        parent, inside = paragraph.parent, False
        while parent is not None and not inside:
            inside, parent = isinstance(parent, skip), parent.parent
        if not inside and paragraph.astext().strip():
            return paragraph.astext()
    return ""


def meta_tags(title: str, book_title: str, cff: dict, in_book: bool, summary: str = "") -> str:
    """The head's meta tags for a page titled ``title`` (plain text), described by ``summary``
    (the book's abstract if empty)."""
    tags = [("citation_title", title)]
    if in_book:
        tags.append(("citation_inbook_title", book_title))
    tags += [("citation_author", author.get("name") or _person(author)) for author in cff.get("authors", [])]
    if cff.get("date-released"):
        tags.append(("citation_publication_date", f"{dt.date.fromisoformat(cff['date-released']):%Y/%m/%d}"))
    described = summary or cff.get("abstract")
    if described:
        tags.append(("description", described))
    # Open Graph, which link previews (chat, social media) read: the same title and description
    graph = [("og:title", title), ("og:site_name", book_title), ("og:type", "article" if in_book else "book")]
    graph += [("og:description", described)] if described else []
    return "".join(f'\n<meta name="{name}" content="{html.escape(value)}" />' for name, value in tags) + "".join(
        f'\n<meta property="{name}" content="{html.escape(value)}" />' for name, value in graph
    )


def _person(author: dict) -> str:
    """A person as Google Scholar asks: 'Family, Given'."""
    return ", ".join(part for part in (author.get("family-names"), author.get("given-names")) if part)


def page_context(app, pagename, templatename, context, doctree) -> None:
    """A page of the book (not the search or index pages) gets its citation tags; the front
    page's window title names the book once."""
    book_title = _text(context.get("docstitle", ""))
    title = _text(context.get("title", ""))
    if title:
        context["window_title"] = window_title(title, book_title)
    cff = _citation(Path(app.srcdir) / "CITATION.cff")
    if doctree is None or cff is None or not title:
        return
    in_book = pagename != app.config.root_doc
    summary = description(opening_paragraph(doctree))
    context["metatags"] = context.get("metatags", "") + meta_tags(title, book_title, cff, in_book, summary)


def setup(app):
    app.connect("html-page-context", page_context)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
