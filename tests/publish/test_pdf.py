"""The PDF book: the same key findings as the HTML, a plausible length, and chart images."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from conftest import CHAPTERS_WITH_FINDINGS, key_findings, normalise

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed (make pdf-deps)")


@pytest.fixture(scope="module")
def pdf_layout_text(built_pdf) -> str:
    """The PDF's text as laid out: lines as on the page, pages separated by form feeds."""
    return subprocess.run(
        ["pdftotext", "-layout", str(built_pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture(scope="module")
def pdf_text(pdf_layout_text) -> str:
    return normalise(pdf_layout_text)


@pytest.fixture(scope="module")
def pdf_pages(built_pdf) -> list[tuple[float, list[tuple[float, float, float, float, str]]]]:
    """Each page of the PDF: its width, and each word with its box (x0, y0, x1, y1, in points
    from the page's top left), as ``pdftotext -bbox`` gives them."""
    boxes = subprocess.run(
        ["pdftotext", "-bbox", str(built_pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = []
    for page in re.split(r"<page ", boxes)[1:]:
        width = float(re.match(r'width="([\d.]+)"', page).group(1))
        words = [
            (float(x0), float(y0), float(x1), float(y1), word)
            for x0, y0, x1, y1, word in re.findall(
                r'xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">([^<]*)<', page
            )
        ]
        pages.append((width, words))
    return pages


@pytest.mark.parametrize("page", CHAPTERS_WITH_FINDINGS)
def test_key_findings_match_the_html(pdf_text, page):
    values = key_findings(page)
    assert values, f"{page}: no glued key findings"
    missing = [value for value in values if value not in pdf_text]
    assert not missing, f"{page}: not in the PDF text: {missing}"


def test_page_count_and_chart_images(built_pdf):
    info = subprocess.run(["pdfinfo", str(built_pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages >= 30
    images = subprocess.run(["pdfimages", "-list", str(built_pdf)], capture_output=True, text=True, check=True).stdout
    charts = [line for line in images.splitlines()[2:] if " image " in line]
    assert len(charts) >= 9  # every chart in the four chapters
    assert all(int(line.split()[12]) >= 150 for line in charts)  # x-ppi: print resolution


def test_a4_with_language_subject_and_keywords(built_pdf):
    info = subprocess.run(["pdfinfo", str(built_pdf)], capture_output=True, text=True, check=True).stdout
    assert "(A4)" in info, info
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    assert "Ukraine" in fields.get("Subject", "") and "casualties" in fields.get("Keywords", "")
    assert b"/Lang(en-GB)" in b"".join(_streams(built_pdf.read_bytes())).replace(b" ", b"")


def _streams(raw: bytes):
    """The PDF's objects, decompressed where they are (the catalog sits in an object stream)."""
    import re
    import zlib

    yield raw
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", raw, re.S):
        try:
            yield zlib.decompress(match.group(1))
        except zlib.error:
            continue


def test_the_maps_are_in_the_pdf(built_pdf, pdf_text):
    """Each map is a numbered figure with its caption, on a page that carries an image."""
    text = normalise(pdf_text)
    for caption in ("Where Russia advanced in 2024", "Kursk region on key dates"):
        assert normalise(caption) in text, caption
    pages = subprocess.run(
        ["pdftotext", "-layout", str(built_pdf), "-"], capture_output=True, text=True, check=True
    ).stdout.split("\f")
    images = subprocess.run(["pdfimages", "-list", str(built_pdf)], capture_output=True, text=True, check=True).stdout
    with_images = {int(line.split()[0]) for line in images.splitlines()[2:] if " image " in line}
    for caption in ("Where Russia advanced in 2024", "Kursk region on key dates"):
        found = [i + 1 for i, page in enumerate(pages) if normalise(caption) in normalise(page)]
        assert found and any(p in with_images or p - 1 in with_images for p in found), caption


def test_no_text_runs_off_the_page(pdf_pages):
    """Every word lies within its page and above its footer: a table wider than the page loses
    its right-hand columns in print (the ledger's tables once lost "computed from" and "sources"
    on seven pages), and a table that cannot break across pages runs through the footer and off
    the bottom (the claims audit's once did)."""
    import collections

    # the footer (page number, chapter) is the lowest line of most pages
    lowest = collections.Counter(round(max(y1 for *_, y1, _ in words)) for _, words in pdf_pages if words)
    bottom = lowest.most_common(1)[0][0] + 1
    outside = [
        f"page {number}: {word!r} at x {x0:.0f}–{x1:.0f} of {width:.0f} pt, bottom {y1:.0f} (footer {bottom - 1} pt)"
        for number, (width, words) in enumerate(pdf_pages, start=1)
        for x0, _, x1, y1, word in words
        if x0 < 0 or x1 > width + 0.5 or y1 > bottom
    ]
    assert not outside, f"{len(outside)} words run off their page, e.g.:\n" + "\n".join(outside[:10])


def test_no_link_is_broken_after_its_scheme(pdf_layout_text):
    """A link in a narrow column may break inside its path, never after "https:": the url
    package lets a line end after a colon (it keeps TeX's relation class), and the PDF's table of
    sources showed "https:" alone on a line, the address on the next."""
    cut = [line.strip() for line in pdf_layout_text.splitlines() if re.search(r"https?:(?!//)", line)]
    assert not cut, f"links broken after their scheme: {cut}"


def test_the_introduction_is_not_headed_contents(pdf_layout_text):
    """The book's first pages (the introduction, which has no chapter heading in print) carried
    the table of contents' running footer, "CONTENTS", as if they were part of it."""
    pages = pdf_layout_text.split("\f")
    first = next(i for i, page in enumerate(pages) if "What the book found" in page)
    introduction = pages[first : next(i for i, page in enumerate(pages) if "Part I" in page and i > first)]
    headed = [first + n + 1 for n, page in enumerate(introduction) if "CONTENTS" in page]
    assert not headed, f"pages headed CONTENTS: {headed}"


def test_the_bibliography_chapter_says_where_the_pdf_lists_the_sources(pdf_layout_text):
    # LaTeX gathers every entry at the end of the book; the chapter was left with one sentence
    # about "these sources" and nothing after it
    pages = [normalise(page) for page in pdf_layout_text.split("\f")]
    chapter = next(page for page in pages if re.search(r"CHAPTER \w+ BIBLIOGRAPHY", page))
    assert "listed at the end of this book" in chapter, chapter


def test_a_figure_alone_on_its_page_stands_at_the_top(built_pdf, tmp_path):
    """A figure LaTeX moves to a page of its own (the front page's chart) stood in the middle of
    it, with a third of a page blank above; it starts where the text would."""
    xml = tmp_path / "pages"
    subprocess.run(["pdftohtml", "-xml", "-q", str(built_pdf), str(xml)], check=True, capture_output=True)
    pages = re.findall(r"<page number=\"(\d+)\"[^>]*>(.*?)</page>", (tmp_path / "pages.xml").read_text(), re.S)
    alone = []
    for number, body in pages:
        texts = [
            (int(top), re.sub(r"<[^>]+>", "", text))
            for top, text in re.findall(r'<text top="(\d+)"[^>]*>(.*?)</text>', body)
        ]
        images = [int(top) for top in re.findall(r'<image top="(\d+)"', body)]
        caption = next((top for top, text in texts if re.match(r"Fig\. [\d.]+:", text)), None)
        # nothing but the caption between the running header and the page number
        if images and caption and all(top >= caption for top, _ in texts if 80 < top < 1150):
            alone.append((number, min(images)))
    assert alone, "no page with a figure alone (the front page's chart is one)"
    assert all(top < 130 for _, top in alone), f"figures alone on a page, not at its top (page, top): {alone}"


def test_the_bibliography_is_looked_up_as_the_text_cites(pdf_layout_text):
    """The text cites by author and year ("[BBC News, 2024]") but the list at the end numbered its
    entries "[1]" to "[19]", numbers no citation uses. Each entry starts with the words a
    citation starts with, in alphabetical order, and has no number."""
    pages = pdf_layout_text.split("\f")
    start = max(i for i, page in enumerate(pages) if re.search(r"^\s*BIBLIOGRAPHY\s*$", page, re.M))
    listing = "\n".join(pages[start:])
    numbered = re.findall(r"^\s*\[\d+\].{0,40}", listing, re.M)
    assert not numbered, f"numbered entries: {numbered[:3]}"
    firsts = re.findall(r"^ {0,2}(\S.{0,30})", listing, re.M)
    assert any(line.startswith("BBC News. Russian gains") for line in firsts), firsts


def test_a_cells_output_lines_up_with_the_text(pdf_pages):
    """jupyterBook.cls indents every cell's output by 20 pt, as for printed code output. The
    book's outputs are its tables, charts and generated text: the ledger's headings stood out
    of line with the chapter's paragraphs, and every table was 20 pt narrower than the text."""
    import collections

    pages = []
    for _, words in pdf_pages:
        lines = collections.defaultdict(list)
        for x0, y0, _, _, word in words:
            lines[round(y0)].append((x0, word))
        pages.append([sorted(line) for line in lines.values()])
    # the left edge of the text: where the leftmost line of most pages starts
    margin = collections.Counter(round(min(line[0][0] for line in lines)) for lines in pages if lines)
    margin = margin.most_common(1)[0][0]
    headers = [
        (number, line[0][0])
        for number, lines in enumerate(pages, start=1)
        for line in lines
        if [word for _, word in line[:3]] == ["key", "shown", "as"]  # a ledger table's header
    ]
    assert headers, "no ledger table found in the PDF"
    # a table's first column starts a cell's padding (6 pt) in from its edge
    inset = [f"page {number}: {x - margin:.0f} pt in" for number, x in headers if x - margin > 8]
    assert not inset, f"ledger tables start inside the text's left edge ({margin} pt): {inset[:5]}"
