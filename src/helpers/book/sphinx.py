"""A small Sphinx extension for the book (listed in ``_config.yml`` under ``extra_extensions``).

* Prints the version, git commit and build date in every HTML page's footer.
* Links the PDF book from every page's download menu (the build puts ``book.pdf`` beside the
  pages), in place of the browser's "Print to PDF".
* Loads the vega runtime only on pages with charts, and removes duplicate scripts from pages
  (sphinx-thebe injects its inline configuration twice under jupyter-book, which redeclares a
  ``const`` and logs an error in every reader's console).

Executing the notebooks, the ledger (``numbers.json``), publishing the data and the incremental
logic are the build's (``helpers.book.build``), not Sphinx's: Sphinx runs on executed notebooks in a
fresh folder every time, so none of its saved state is ever reused.
"""

from __future__ import annotations

from helpers.book import provenance


def _footer(app, config) -> None:
    options = dict(config.html_theme_options or {})
    options["extra_footer"] = f'<p class="book-provenance">{provenance.stamp()}</p>'
    config.html_theme_options = options


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


def _dedupe_scripts(app, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    has_charts = "book-chart" in (context.get("body") or "")
    seen, unique = set(), []
    for script in scripts:
        if not has_charts and "vega-runtime" in str(getattr(script, "filename", script) or ""):
            continue  # the chart runtime is loaded only by pages that draw charts
        # the same inline script arrives with filename None and with filename "": compare the
        # file (either empty form alike) and the attributes, which hold an inline script's body
        filename = getattr(script, "filename", script) or ""
        key = (str(filename), tuple(sorted((k, str(v)) for k, v in getattr(script, "attributes", {}).items())))
        if key in seen:
            continue
        seen.add(key)
        unique.append(script)
    context["script_files"] = unique


def setup(app):
    app.connect("config-inited", _footer)
    app.connect("html-page-context", _pdf_button, priority=600)  # after the theme adds its buttons
    app.connect("html-page-context", _dedupe_scripts, priority=900)  # after the themes add theirs
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": provenance.version()}
