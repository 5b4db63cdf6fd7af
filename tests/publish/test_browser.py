"""Every page in headless Chromium with the network cut off at the book's origin.

Serves ``_build/html`` on 127.0.0.1, blocks (and records) any request that leaves that origin,
and asserts for every page: each chart container rendered an ``svg`` or ``canvas``, no console
errors, no off-origin request attempted, the page with everything it loads within the page
budget, every icon drawn, and the key findings' glued numbers in the page text; and, in the
light and the dark theme, no serious or critical violation found by axe-core. Full-page
screenshots of every page at desktop and phone widths, light and dark, are saved under
``_build/screenshots/`` for review.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import threading
import time

import axe
import pytest

from conftest import CHAPTERS_WITH_FINDINGS, PAGES, keep_on_origin, key_findings, normalise
from helpers import toc
from helpers.paths import PROJECT_ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCREENSHOTS = PROJECT_ROOT / "_build" / "screenshots"
#: The pages with charts, in the book's order (test_chapters_with_charts_have_charts checks the list).
CHART_PAGES = [
    "index",
    "chapters/surge",
    "chapters/kursk",
    "chapters/human_cost",
    "chapters/negotiation",
    "chapters/claims",
]

#: Chart text that is not whole or not inside its chart: Vega shortens an axis or legend label
#: longer than its pixel limit to "…" (a figure cut to "more than 1,0…" reads as another), and the
#: page clips what runs past a chart's edge (on a phone, legend entries naming series and the
#: hindsight period were lost that way).
CUT_CHART_TEXT = """() => [...document.querySelectorAll('.book-chart svg')].flatMap((svg, chart) => {
    const box = svg.getBoundingClientRect();
    return [...svg.querySelectorAll('text')].filter(t => t.textContent.trim()).map(t => {
        const r = t.getBoundingClientRect();
        return {chart, text: t.textContent, past_left: Math.round(box.left - r.left),
                past_right: Math.round(r.right - box.right)};
    }).filter(t => t.text.includes('\\u2026') || t.past_left > 1 || t.past_right > 1);
})"""

#: Table captions that run past the box their table scrolls in (and are cut by it).
CUT_CAPTIONS = """() => [...document.querySelectorAll('main table > caption')].flatMap(c => {
    const box = c.closest('.pst-scrollable-table-container');
    if (!box) return [];
    const r = c.getBoundingClientRect(), b = box.getBoundingClientRect();
    return r.width && (r.left < b.left - 1 || r.right > b.right + 1) ? [c.textContent.slice(0, 60)] : [];
})"""

#: Tables wider than the text column (they scroll sideways in their box), with the pixels hidden.
TABLES_SCROLLING_SIDEWAYS = """() => [...document.querySelectorAll('main .pst-scrollable-table-container')]
    .filter(box => box.scrollWidth > box.clientWidth + 1)
    .map(box => [(box.querySelector('caption') || box).textContent.slice(0, 60), box.scrollWidth - box.clientWidth])"""

#: Desktop and tablet widths where the text column is narrower than at 1280 px: 1200 px, where the
#: table of contents takes a column of its own, and 960 px, a tablet held sideways.
NARROWER_DESKTOPS = (1200, 960)

#: The pages of the Chapters part: their tables are read in the flow of the text. The Reference
#: part's listings (every figure of a table, with its source and address) may scroll sideways.
CHAPTER_PAGES = ["index", *(page.docname for page in toc.part(PROJECT_ROOT, "Chapters"))]

#: Pairs of chart texts that overlap (labels over labels cannot be read): event labels stacked
#: in four rows overlapped where five events fell within four days. Tick labels Vega hid to avoid
#: an overlap, and rotated ones (their bounding boxes overlap where their letters do not), are
#: left out.
OVERLAPPING_CHART_TEXT = """() => [...document.querySelectorAll('.book-chart svg')].flatMap((svg, chart) => {
    const texts = [...svg.querySelectorAll('text')].filter(t => t.textContent.trim()
        && getComputedStyle(t).opacity !== '0'  // a tick label Vega hid to avoid an overlap
        && getComputedStyle(t).stroke === 'none'  // a halo lies under its own label
        && !/rotate\\((?!0\\))/.test(t.getAttribute('transform') || ''));
    const boxes = texts.map(t => [t.textContent, t.getBoundingClientRect()]);
    const found = [];
    boxes.forEach(([a, r], i) => boxes.slice(i + 1).forEach(([b, q]) => {
        const across = Math.min(r.right, q.right) - Math.max(r.left, q.left);
        const down = Math.min(r.bottom, q.bottom) - Math.max(r.top, q.top);
        if (across > 1 && down > 1) found.push({chart, a, b});
    }));
    return found;
})"""

#: Chart texts a line passes through: on a phone, the line joining an early event's label to its
#: date crossed the words of later labels that run left from near the right edge ("Mines
#: announced", "BBC article"), and which rows a line crosses depends on the chart's width. A line
#: may pass a label only under the label's halo: the same text, drawn after the line and before
#: the label, stroked in the colour of the page behind the chart.
LINES_THROUGH_CHART_TEXT = """() => [...document.querySelectorAll('.book-chart svg')].flatMap((svg, chart) => {
    let node = svg, background = null;
    while (node && !background) {
        const colour = getComputedStyle(node).backgroundColor;
        if (colour !== 'transparent' && !/rgba\\(.*,\\s*0\\)$/.test(colour)) background = colour;
        node = node.parentElement;
    }
    const halo = (t) => getComputedStyle(t).stroke !== 'none' && parseFloat(getComputedStyle(t).strokeWidth) >= 2;
    const texts = [...svg.querySelectorAll('g.role-mark text')].filter(t => t.textContent.trim());
    const halos = texts.filter(halo);
    const found = [];
    for (const line of svg.querySelectorAll('g.mark-rule.role-mark line')) {
        const l = line.getBoundingClientRect();
        const x = (l.left + l.right) / 2;
        for (const t of texts.filter(t => !halo(t))) {
            const r = t.getBoundingClientRect();
            const through = x > r.left + 1 && x < r.right - 1
                && Math.min(l.bottom, r.bottom) - Math.max(l.top, r.top) > 1;
            const under = halos.some(h => {
                const q = h.getBoundingClientRect();
                return h.textContent === t.textContent && Math.abs(q.left - r.left) <= 1 && Math.abs(q.top - r.top) <= 1
                    && line.compareDocumentPosition(h) & Node.DOCUMENT_POSITION_FOLLOWING
                    && h.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING
                    && getComputedStyle(h).stroke === background;
            });
            if (through && !under) found.push({chart, text: t.textContent});
        }
    }
    return found;
})"""

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: Every page with its own assets (scripts, styles, fonts, images), uncompressed.
PAGE_BUDGET_BYTES = 1_500_000

if not CHROMIUM:
    if os.environ.get("CI") == "true":
        pytest.fail("CI must run the browser test: chromium is missing", pytrace=False)
    pytest.skip("chromium not installed (make browser-deps installs it as root)", allow_module_level=True)


def built_html_root():
    return PROJECT_ROOT / "_build" / "html"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output readable
        pass


class InFlight:
    """The requests a page has in flight, for a wait that says what it waited for.

    Playwright's "networkidle" gave up after 60 s on two chapter pages in one CI run, while the
    other test worker ran every notebook in JupyterLab, without saying which requests were still
    open. This wait ends after half a second with none in flight, and if it times out it names
    them.
    """

    def __init__(self, page) -> None:
        self.pending: dict = {}
        self.changed = time.monotonic()
        page.on("request", self._started)
        page.on("requestfinished", self._ended)
        page.on("requestfailed", self._ended)

    def _started(self, request) -> None:
        self.pending[request] = request.url
        self.changed = time.monotonic()

    def _ended(self, request) -> None:
        self.pending.pop(request, None)
        self.changed = time.monotonic()

    def wait_quiet(self, page, quiet_s: float = 0.5, timeout_s: float = 180) -> None:
        deadline = time.monotonic() + timeout_s
        while self.pending or time.monotonic() - self.changed < quiet_s:
            if time.monotonic() > deadline:
                raise AssertionError(f"requests in flight after {timeout_s:.0f} s: {sorted(self.pending.values())}")
            page.wait_for_timeout(100)


@pytest.fixture(scope="module")
def origin(built_html):
    handler = functools.partial(_QuietHandler, directory=str(built_html))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield instance
        instance.close()


def _loaded(browser, origin, page_name: str, width: int = 1280, height: int = 900):
    """A new browser context kept on the book's origin, with ``page_name`` loaded in it."""
    context = browser.new_context(viewport={"width": width, "height": height})
    keep_on_origin(context, origin)
    page = context.new_page()
    page.goto(f"{origin}/{page_name}.html", wait_until="load")
    return context, page


@pytest.mark.parametrize("page_name", PAGES)
def test_page_renders_offline(browser, origin, page_name):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    blocked, errors = keep_on_origin(context, origin), []
    page = context.new_page()
    in_flight = InFlight(page)
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    loaded: dict[str, int] = {}
    page.on("requestfinished", lambda request: loaded.__setitem__(request.url, request.sizes()["responseBodySize"]))
    page.goto(f"{origin}/{page_name}.html", wait_until="load")
    charts = page.locator(".book-chart")
    for index in range(charts.count()):
        charts.nth(index).locator("svg, canvas").first.wait_for(state="attached", timeout=15_000)
    in_flight.wait_quiet(page)  # every asset loaded (two test workers share the cores)
    blank_icons = page.evaluate(
        """() => [...document.querySelectorAll('i[class*="fa-"]')]
               .filter(i => ['none', 'normal', '""'].includes(getComputedStyle(i, '::before').content))
               .map(i => i.className)"""
    )
    pdf_link = page.locator("a[href$='book.pdf']").first.get_attribute("href")
    text = normalise(page.inner_text("main"))
    context.close()

    assert not blocked, f"requests left the book's origin: {blocked}"
    assert not any("fontawesome.js" in url for url in loaded)
    heaviest = sorted(loaded.items(), key=lambda item: -item[1])[:4]
    assert sum(loaded.values()) <= PAGE_BUDGET_BYTES, (
        f"{page_name} weighs {sum(loaded.values()) / 1e6:.2f} MB with its assets (budget "
        f"{PAGE_BUDGET_BYTES / 1e6} MB); heaviest: {heaviest}"
    )
    assert not blank_icons, f"icons with no glyph rule: {blank_icons}"
    assert (
        pdf_link
        and (built_html_root() / page_name).parent.joinpath(pdf_link).resolve()
        == (built_html_root() / "book.pdf").resolve()
    ), pdf_link
    assert not errors, f"console errors: {errors}"
    if page_name in CHAPTERS_WITH_FINDINGS:
        missing = [value for value in key_findings(page_name) if value not in text]
        assert not missing, f"key findings not in the page text: {missing}"


def test_chapters_with_charts_have_charts(browser, origin):
    """Guards the chart tests: the pages they check are exactly the pages with charts, so that
    none passes vacuously and a page that gains a chart is checked too."""
    context = browser.new_context()
    keep_on_origin(context, origin)
    page = context.new_page()
    counts = {}
    for name in PAGES:
        page.goto(f"{origin}/{name}.html", wait_until="load")
        counts[name] = page.locator(".book-chart").count()
    context.close()
    assert [name for name in PAGES if counts[name]] == CHART_PAGES, counts


def test_the_ledger_tables_fit_the_text_column(browser, origin):
    """Each ledger table fits the text column on a desktop screen, so its sources column is in
    view without scrolling the table sideways (long table and key names once held it open to
    up to 986 px in a 688 px column)."""
    context, page = _loaded(browser, origin, "chapters/numbers")
    widths = page.evaluate(
        "() => Array.from(document.querySelectorAll('article table')).map("
        "t => [t.parentElement.clientWidth, t.offsetWidth])"
    )
    context.close()
    assert len(widths) >= 5, widths  # one table per chapter
    too_wide = [(column, table) for column, table in widths if table > column]
    assert not too_wide, f"tables wider than their column (column px, table px): {too_wide}"


def test_identifiers_break_at_their_underscores(browser, origin):
    """A figure id such as kursk_ua_claimed_settlements_aug_2024 could not break, so the reference
    tables of Data and methods gave it half the text column (349 of 688 px) and squeezed the
    quantity beside it to a word per line. Ids break after an underscore, keeping their text; a
    date does not break ("2024-" above "08-31")."""
    context, page = _loaded(browser, origin, "chapters/data_and_methods")
    first_columns = page.evaluate(
        """() => {
            const lines = td => {  // the lines a cell's text is set on
                const text = document.createTreeWalker(td, NodeFilter.SHOW_TEXT), tops = new Set();
                while (text.nextNode()) {
                    const range = document.createRange();
                    range.selectNodeContents(text.currentNode);
                    for (const box of range.getClientRects()) if (box.width > 0) tops.add(Math.round(box.top));
                }
                return tops.size;
            };
            const date = /^\\d{4}-\\d\\d-\\d\\d$/;
            return [...document.querySelectorAll('article table')]
                .filter(t => /_id$/.test(t.querySelector('thead th').textContent.trim()))
                .map(t => [t.querySelector('thead th').textContent.trim(), t.parentElement.clientWidth,
                           Math.round(t.querySelector('thead th').getBoundingClientRect().width),
                           t.querySelector('tbody td').innerText.trim(),
                           [...t.querySelectorAll('tbody td')].filter(td => date.test(td.innerText.trim()))
                               .filter(td => lines(td) > 1).length]);
        }"""
    )
    context.close()
    assert len(first_columns) >= 4, first_columns  # three figure tables and the events
    wide = [c for c in first_columns if c[2] > c[1] / 4]
    assert not wide, f"id columns wider than a quarter of the text column (id, column px, id px): {wide}"
    assert all(re.fullmatch(r"[a-z0-9_]+", c[3]) for c in first_columns), first_columns  # ids read whole
    assert not [c for c in first_columns if c[4]], f"dates broken over two lines: {first_columns}"


def test_one_search_box_at_any_width(browser, origin):
    """pydata-sphinx-theme 0.17 puts a search field in a header bar that sphinx-book-theme leaves
    empty, so a desktop page had two search fields, one above the other (the header's and the
    sidebar's), and a blank band across the top of every page."""
    context, page = _loaded(browser, origin, "index")
    shown = """() => [...document.querySelectorAll('button.search-button-field, button.search-button__button')]
        .filter(b => { const r = b.getBoundingClientRect(); return r.width > 0 && r.height > 0; }).length"""
    on_desktop = page.evaluate(shown)
    header = page.evaluate(
        "() => { const h = document.querySelector('header.bd-header'); "
        "return h ? Math.round(h.getBoundingClientRect().height) : 0; }"
    )
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(200)
    on_a_phone = page.evaluate(shown)
    context.close()
    assert (on_desktop, on_a_phone) == (1, 1), f"search fields shown (desktop, phone): {(on_desktop, on_a_phone)}"
    assert header == 0, f"an empty header bar {header} px tall across the top of the page"


def test_the_ledger_reads_down_a_phone(browser, origin):
    """On a 390 px phone each ledger row is a block that fits the screen, every value under its
    column's name, and the tables keep their table semantics for screen readers. Before, the
    tables scrolled sideways in their boxes, "computed from" and "sources" off the screen, and
    their rows were tall with the wrapped text of those hidden columns (72,000 px for the page)."""
    context, page = _loaded(browser, origin, "chapters/numbers", 390, 844)
    found = page.evaluate(
        """() => [...document.querySelectorAll('table.ledger')].map(table => {
            const names = [...table.querySelectorAll('thead th')].map(th => th.textContent.trim());
            const cells = [...table.querySelectorAll('tbody td')];
            return {
                past_right: cells.filter(td => td.getBoundingClientRect().right > window.innerWidth + 1).length,
                unlabelled: cells.filter((td, i) => !getComputedStyle(td, '::before').content
                    .includes(names[i % names.length])).length,
                roles: [table.getAttribute('role'), table.querySelector('tbody tr').getAttribute('role'),
                        table.querySelector('tbody td').getAttribute('role'),
                        table.querySelector('thead th').getAttribute('role')],
            };
        })"""
    )
    context.close()
    assert len(found) >= 5, found
    assert all(t["past_right"] == 0 for t in found), f"ledger cells past a 390 px screen: {found}"
    assert all(t["unlabelled"] == 0 for t in found), f"ledger values without their column's name: {found}"
    assert all(t["roles"] == ["table", "row", "cell", "columnheader"] for t in found), found


def test_the_bibliography_is_looked_up_as_the_text_cites(browser, origin):
    """The text cites by author and year ("BBC News, 2024") but the bibliography numbered its
    entries "[1]" to "[19]", numbers no citation uses. No entry shows a number; each starts with
    its author, its first line out to the left of the lines after it (a hanging indent)."""
    context, page = _loaded(browser, origin, "chapters/bibliography")
    entries = page.evaluate(
        """() => [...document.querySelectorAll('div.citation')].map(entry => {
            const label = entry.querySelector('.label');
            const shown = label && label.getBoundingClientRect().width > 0;
            const text = entry.querySelector('p');
            const range = document.createRange();
            range.selectNodeContents(text);
            const lines = [...range.getClientRects()].map(r => Math.round(r.left));
            return {label: shown ? label.textContent : null, text: text.textContent.slice(0, 30),
                    first: lines[0], rest: Math.min(...lines.slice(1))};
        })"""
    )
    context.close()
    assert len(entries) > 10, entries
    assert not [e for e in entries if e["label"]], f"entries shown with a label: {entries[:3]}"
    assert any(e["text"].startswith("BBC News. Russian gains") for e in entries), entries
    wrapped = [e for e in entries if e["rest"] is not None and e["rest"] != float("inf")]
    assert wrapped and all(e["first"] < e["rest"] for e in wrapped), f"no hanging indent: {wrapped[:3]}"


def test_the_pdf_and_the_data_zip_are_published_beside_the_pages(built_html):
    import zipfile

    assert (built_html / "book.pdf").read_bytes()[:4] == b"%PDF"
    with zipfile.ZipFile(built_html / "data" / "book-data.zip") as archive:
        names = set(archive.namelist())
    assert {"data/datapackage.json", "data/references.bib", "data/territory.csv", "data/map_layers.geojson"} <= names
    collection = json.loads((built_html / "data" / "map_layers.geojson").read_text(encoding="utf-8"))
    rows = (built_html / "data" / "map_layers.csv").read_text(encoding="utf-8").count("\n") - 1
    assert collection["type"] == "FeatureCollection" and len(collection["features"]) == rows
    cite = (built_html / "chapters" / "how_to_cite.html").read_text(encoding="utf-8")
    assert "../book.pdf" in cite and "(PDF, " in cite and "book-data.zip" in cite


def _chart_page(browser, origin, page_name: str, width: int, dark: bool):
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme="dark" if dark else "light")
    keep_on_origin(context, origin)
    if dark:
        context.add_init_script("localStorage.setItem('mode', 'dark'); localStorage.setItem('theme', 'dark');")
    page = context.new_page()
    page.goto(f"{origin}/{page_name}.html", wait_until="load")
    charts = page.locator(".book-chart")
    for index in range(charts.count()):
        charts.nth(index).locator("svg").first.wait_for(state="attached", timeout=15_000)
    return context, page


@pytest.mark.parametrize("page_name", CHART_PAGES)
def test_charts_fit_a_phone(browser, origin, page_name):
    context, page = _chart_page(browser, origin, page_name, 390, dark=False)
    overflow = page.evaluate(
        """() => [...document.querySelectorAll('.book-chart svg')].map(svg => {
               const box = svg.getBoundingClientRect();
               return {right: box.right, width: box.width};
           }).filter(b => b.right > window.innerWidth + 1 || b.width < 200)"""
    )
    page.screenshot(path=str(SCREENSHOTS / f"phone_{page_name.replace('/', '_')}.png"), full_page=True)
    context.close()
    assert not overflow, f"charts wider than a 390 px screen, or squeezed: {overflow}"


@pytest.mark.parametrize("page_name", CHART_PAGES)
def test_charts_follow_the_dark_theme(browser, origin, page_name):
    context, page = _chart_page(browser, origin, page_name, 1280, dark=True)
    theme = page.evaluate("document.documentElement.dataset.theme")
    colours = page.evaluate(
        """() => [...document.querySelectorAll('.book-chart svg')].map(svg => {
               const background = svg.querySelector('rect.background');
               const label = svg.querySelector('.role-axis-label text, .role-axis-title text')
                   || svg.querySelector('.role-legend-label text');  // maps have no axes
               return {background: background ? getComputedStyle(background).fill : 'none',
                       label: label ? getComputedStyle(label).fill : null};
           })"""
    )
    page.screenshot(path=str(SCREENSHOTS / f"dark_{page_name.replace('/', '_')}.png"), full_page=True)
    context.close()
    assert theme == "dark"
    assert colours
    for colour in colours:
        assert colour["background"] in ("none", "transparent", "rgba(0, 0, 0, 0)"), colour
        channels = [int(c) for c in colour["label"].strip("rgba()").split(",")[:3]]
        assert sum(channels) / 3 > 150, f"axis text too dark for the dark theme: {colour}"


@pytest.mark.parametrize("page_name", CHART_PAGES)
def test_every_chart_has_a_view_the_data_table(browser, origin, page_name):
    """A screen reader gets the numbers behind each chart: one 'View the data' table per chart,
    with rows, that fits a phone's width without scrolling the page."""
    context, page = _chart_page(browser, origin, page_name, 390, dark=False)
    counts = page.evaluate(
        """() => ({charts: document.querySelectorAll('.book-chart').length,
                   tables: document.querySelectorAll('details.chart-data table tbody tr:first-child').length,
                   scroll: document.documentElement.scrollWidth - window.innerWidth})"""
    )
    context.close()
    assert counts["charts"] >= 1 and counts["tables"] == counts["charts"], counts
    assert counts["scroll"] <= 1, counts


def _tables_scrolling_sideways(page, widths) -> dict[int, list]:
    """``TABLES_SCROLLING_SIDEWAYS`` at each of ``widths``, where any table does (reading the
    layout needs no redraw)."""
    scrolling = {}
    for width in widths:
        page.set_viewport_size({"width": width, "height": 900})
        if tables := page.evaluate(TABLES_SCROLLING_SIDEWAYS):
            scrolling[width] = tables
    return scrolling


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("page_name", PAGES)
def test_no_serious_accessibility_violation(browser, origin, page_name, theme):
    """axe-core on every page, light and dark; screenshots at desktop and phone width, where the
    page must not scroll sideways (WCAG 1.4.10, reflow: a reader on a phone reads down, never
    across) and a table's caption stays on the screen when the table itself must scroll; at both
    widths every chart label is whole and inside its chart (``CUT_CHART_TEXT``), and no two
    overlap (``OVERLAPPING_CHART_TEXT``) or has a line through it (``LINES_THROUGH_CHART_TEXT``),
    and every table caption is whole in its table's box (``CUT_CAPTIONS``). On a desktop (1280 px,
    and the ``NARROWER_DESKTOPS``), no table of the Chapters part scrolls sideways
    (``TABLES_SCROLLING_SIDEWAYS``): the last column of the negotiation chapter's table, which
    says which rows are hindsight, was out of view."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=theme)
    keep_on_origin(context, origin)
    context.add_init_script(f"localStorage.setItem('mode', '{theme}'); localStorage.setItem('theme', '{theme}');")
    page = context.new_page()
    in_flight = InFlight(page)
    page.goto(f"{origin}/{page_name}.html", wait_until="load", timeout=120_000)
    in_flight.wait_quiet(page)
    charts = page.locator(".book-chart")
    for index in range(charts.count()):
        charts.nth(index).locator("svg").first.wait_for(state="attached", timeout=15_000)
    found_theme = page.evaluate("document.documentElement.dataset.theme")
    violations = axe.blocking_violations(page)
    cut_on_desktop = page.evaluate(CUT_CHART_TEXT)
    overlapping_on_desktop = page.evaluate(OVERLAPPING_CHART_TEXT)
    crossed_on_desktop = page.evaluate(LINES_THROUGH_CHART_TEXT)
    captions_cut_on_desktop = page.evaluate(CUT_CAPTIONS)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    stem = f"{theme}_{page_name.replace('/', '_')}"
    page.screenshot(path=str(SCREENSHOTS / f"desktop_{stem}.png"), full_page=True)
    # after the desktop screenshot, which is taken at 1280 px; the theme changes no width
    widths = (1280, *NARROWER_DESKTOPS) if theme == "light" else (1280,)
    scrolling_on_desktop = _tables_scrolling_sideways(page, widths) if page_name in CHAPTER_PAGES else {}
    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(300)  # charts redraw at the new width
    sideways = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    cut_on_a_phone = page.evaluate(CUT_CHART_TEXT)
    overlapping_on_a_phone = page.evaluate(OVERLAPPING_CHART_TEXT)
    crossed_on_a_phone = page.evaluate(LINES_THROUGH_CHART_TEXT)
    # a wide table scrolls sideways in its own box; its caption stays on the screen, whole
    captions_off_screen = page.evaluate(
        """() => [...document.querySelectorAll('main table caption')].filter(c => {
               const r = c.getBoundingClientRect();
               return r.width && (r.left < -1 || r.right > window.innerWidth + 1);
           }).map(c => c.textContent.slice(0, 60))"""
    )
    captions_cut_on_a_phone = page.evaluate(CUT_CAPTIONS)
    page.screenshot(path=str(SCREENSHOTS / f"phone_{stem}.png"), full_page=True)
    context.close()
    assert found_theme == theme
    assert not violations, "\n".join(violations)
    assert sideways <= 1, f"{page_name} scrolls {sideways} px sideways on a 390 px phone"
    assert not captions_off_screen, f"table captions running off a 390 px phone: {captions_off_screen}"
    assert not captions_cut_on_desktop, f"table captions cut by their table's box, 1280 px: {captions_cut_on_desktop}"
    assert not captions_cut_on_a_phone, f"table captions cut by their table's box, 390 px: {captions_cut_on_a_phone}"
    assert not scrolling_on_desktop, f"chapter tables scrolling sideways, by width (px hidden): {scrolling_on_desktop}"
    assert not cut_on_desktop, f"chart text cut short or past its chart, 1280 px (px past): {cut_on_desktop}"
    assert not cut_on_a_phone, f"chart text cut short or past its chart, 390 px (px past): {cut_on_a_phone}"
    assert not overlapping_on_desktop, f"chart texts on top of each other, 1280 px: {overlapping_on_desktop}"
    assert not overlapping_on_a_phone, f"chart texts on top of each other, 390 px: {overlapping_on_a_phone}"
    assert not crossed_on_desktop, f"chart lines through chart text, 1280 px: {crossed_on_desktop}"
    assert not crossed_on_a_phone, f"chart lines through chart text, 390 px: {crossed_on_a_phone}"
