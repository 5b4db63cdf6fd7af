"""Fixtures for tests of the built book (run after `make book`)."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from helpers import toc
from helpers.book import ledger
from helpers.paths import PROJECT_ROOT

HTML = PROJECT_ROOT / "_build" / "html"
PDF = PROJECT_ROOT / "_build" / "pdf" / "book.pdf"
PAGES = [page.docname for page in toc.pages(PROJECT_ROOT)]  # every page of the book, from _toc.yml
CHAPTERS_WITH_FINDINGS = ["index", "chapters/surge", "chapters/kursk", "chapters/human_cost", "chapters/negotiation"]


def key_findings(page: str) -> list[str]:
    """The values glued into a page's "Key findings" section, as the page must show them."""
    notebook = nbformat.read(PROJECT_ROOT / f"{page}.ipynb", as_version=4)
    values = ledger.stored_values(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "markdown" and (
            "## Key findings" in cell.source or "## What the book found" in cell.source
        ):
            return [values[key] for key in ledger.PROSE_ROLE.findall(cell.source)]
    raise AssertionError(f"{page}: no Key findings section")


def keep_on_origin(context, origin: str, *also: str) -> list[str]:
    """Let a browser context's requests reach ``origin`` (and URLs starting with ``also``, such
    as ``data:``) only; block every other one and record it in the list returned."""
    blocked: list[str] = []
    allowed = (origin + "/", *also)

    def route(route):
        if route.request.url.startswith(allowed):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    return blocked


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " "))


@pytest.fixture(scope="session")
def built_html() -> Path:
    if not (HTML / "index.html").exists():
        pytest.fail("no built book: run `make book` first")
    return HTML


@pytest.fixture(scope="session")
def built_pdf() -> Path:
    if not PDF.exists():
        pytest.fail("no PDF: run `make book` first")
    return PDF
