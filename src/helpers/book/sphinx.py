"""A small Sphinx extension for the book (listed in ``_config.yml`` under ``extra_extensions``).

* Shows ``{eval}`glued.key``` in the prose as the text the page glued under ``key``
  (``helpers.book.glued_role``; the same role JupyterLab evaluates in the kernel).
* Prints the version, git commit and build date in every HTML page's footer, and dates the PDF's
  title page by the same build.
* Links the PDF book from every page's download menu (the build puts ``book.pdf`` beside the
  pages), in place of the browser's "Print to PDF".
* Loads the vega runtime only on pages with charts, and sphinx-design's stylesheet and script
  only on pages that use its components (none do today), and removes duplicate scripts from
  pages (sphinx-thebe injects its inline configuration twice under jupyter-book, which
  redeclares a ``const`` and logs an error in every reader's console).
* Gives each page its citation for reference managers (Highwire Press meta tags, from
  ``CITATION.cff``) and the front page a window title that names the book once
  (``helpers.book.page_metadata``).
* Repairs what axe-core finds in the extensions' HTML (``helpers.book.accessibility``), and
  labels each ledger cell with its column's name so that the ledger reads down a phone
  (``helpers.book.phone_tables``).
* Has pybtex look each plugin up once per run instead of once per citation
  (``helpers.book.bibtex_plugins``): seconds off every build.
* Numbers figures and tables from the doctrees just read, not from their pickles
  (``helpers.book.figure_numbers``): about 0.35 s off each Sphinx run.
* Registers the citation style ``author_year_dated`` (``helpers.book.reference_style``): two
  works by one author in one year are cited with their months.
* In the PDF, every table breaks across pages and wraps within the page
  (``helpers.book.print_tables``), and the preamble loads no maths packages
  (``helpers.book.latex_preamble``): the book has no mathematics, and they cost seconds.
* Cuts the theme's icon fonts and icon rules to the icons the book shows, once the HTML is
  written (``helpers.book.icons``): 0.36 MB less for every page.

Executing the notebooks, the ledger (``numbers.json``), publishing the data and the incremental
logic are the build's (``helpers.book.build``), not Sphinx's: Sphinx runs on executed notebooks in a
fresh folder every time, so none of its saved state is ever reused.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from helpers.book import accessibility, bibtex_plugins, icons, phone_tables, provenance, reference_style
from helpers.present.dates import day_first

#: A page uses sphinx-design when an element carries one of its ``sd-`` classes.
DESIGN_CLASS = re.compile(r'class="[^"]*\bsd-')


#: The theme's footer items without its author line, "By The book’s contributors" (the
#: copyright line names them: "© Copyright 2026, the book’s contributors.").
FOOTER_ITEMS = ["copyright.html", "last-updated.html", "extra-footer.html"]


def _theme_options(app, config) -> None:
    """Every page's footer shows the build (version, commit, date); the PDF's title page is dated
    by the same build, written as the book writes dates (Sphinx's default read "Dec 06, 2026").

    No header bar: sphinx-book-theme leaves the header's items empty (its sidebar has the search
    field), but pydata-sphinx-theme 0.17 fills in a search field wherever ``navbar_persistent`` is
    not set, which put a second search field in a band across the top of every desktop page."""
    options = dict(config.html_theme_options or {})
    options["extra_footer"] = f'<p class="book-provenance">{provenance.stamp()}</p>'
    options["footer_content_items"] = FOOTER_ITEMS
    options.setdefault("navbar_persistent", [])
    config.html_theme_options = options
    config.today = day_first(dt.date.fromisoformat(provenance.build_date()))


def _pdf_button(app, pagename, templatename, context, doctree) -> None:
    """The header's download menu links the PDF book, instead of the browser's 'Print to PDF'."""
    for group in context.get("header_buttons", []):
        if group.get("label") != "download-buttons":
            continue
        group["buttons"] = [b for b in group["buttons"] if b.get("label") != "download-pdf-button"]
        group["buttons"].append(
            {
                "type": "link",
                "url": context["pathto"]("book.pdf", 1),
                "text": "Book (PDF)",
                "tooltip": "Download the whole book as a PDF",
                "icon": "fas fa-file-pdf",
                "label": "download-book-pdf-button",
            }
        )


def _filename(asset) -> str:
    return str(getattr(asset, "filename", asset) or "")


def _page_assets(app, pagename, templatename, context, doctree) -> None:
    body = context.get("body") or ""
    has_design = bool(DESIGN_CLASS.search(body))
    if not has_design and context.get("css_files"):
        context["css_files"] = [c for c in context["css_files"] if "sphinx-design" not in _filename(c)]
    scripts = context.get("script_files")
    if not scripts:
        return
    has_charts = "book-chart" in body
    seen, unique = set(), []
    for script in scripts:
        if not has_charts and "vega-runtime" in _filename(script):
            continue  # the chart runtime is loaded only by pages that draw charts
        if not has_design and "design-tabs" in _filename(script):
            continue
        # the same inline script arrives with filename None and with filename "": compare the
        # file (either empty form alike) and the attributes, which hold an inline script's body
        key = (_filename(script), tuple(sorted((k, str(v)) for k, v in getattr(script, "attributes", {}).items())))
        if key in seen:
            continue
        seen.add(key)
        unique.append(script)
    context["script_files"] = unique


def _repair_body(app, pagename, templatename, context, doctree) -> None:
    if context.get("body"):
        context["body"] = phone_tables.label_ledger_tables(accessibility.repair_body(context["body"]))


def _trim_icons(app, exception) -> None:
    if exception is None and app.builder.format == "html":
        icons.trim(Path(app.outdir))


def setup(app):
    bibtex_plugins.remember_entry_points()
    reference_style.register()
    app.setup_extension("helpers.book.glued_role")
    app.setup_extension("helpers.book.figure_numbers")
    app.setup_extension("helpers.book.print_tables")
    app.setup_extension("helpers.book.latex_preamble")
    app.setup_extension("helpers.book.page_metadata")
    app.connect("config-inited", _theme_options)
    app.connect("html-page-context", _pdf_button, priority=600)  # after the theme adds its buttons
    app.connect("html-page-context", _page_assets, priority=900)  # after the themes add theirs
    app.connect("html-page-context", _repair_body)
    app.connect("build-finished", _trim_icons)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": provenance.version()}
