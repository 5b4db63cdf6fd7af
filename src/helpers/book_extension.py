"""A small Sphinx extension for the book (listed in ``_config.yml`` under ``extra_extensions``).

* Prints the version, git commit and build date in every HTML page's footer.
* Removes duplicate scripts from pages (sphinx-thebe injects its inline configuration twice
  under jupyter-book, which redeclares a ``const`` and logs an error in every reader's console).
* Writes the ledger of every glued number of this build (from the notebooks it executed) to
  ``_build/html/numbers.json`` and ``numbers.csv``.
* Publishes the data beside the HTML: ``_build/html/data/`` receives the CSV tables,
  ``datapackage.json`` and ``references.bib``, so the descriptor's relative paths resolve.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from helpers import provenance
from helpers.paths import PROJECT_ROOT


def _footer(app, config) -> None:
    options = dict(config.html_theme_options or {})
    options["extra_footer"] = f'<p class="book-provenance">{provenance.stamp()}</p>'
    config.html_theme_options = options


def _dedupe_scripts(app, pagename, templatename, context, doctree) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, unique = set(), []
    for script in scripts:
        # the same inline script arrives with filename None and with filename "": compare the
        # file (either empty form alike) and the attributes, which hold an inline script's body
        filename = getattr(script, "filename", script) or ""
        key = (str(filename), tuple(sorted((k, str(v)) for k, v in getattr(script, "attributes", {}).items())))
        if key in seen:
            continue
        seen.add(key)
        unique.append(script)
    context["script_files"] = unique


def _publish_data(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / "data"
    target.mkdir(parents=True, exist_ok=True)
    source = PROJECT_ROOT / "data"
    for path in sorted(source.iterdir()):
        if path.suffix in (".csv", ".json", ".bib"):
            shutil.copyfile(path, target / path.name)


def _write_ledger(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    from helpers import ledger

    executed = Path(app.outdir).parent / "jupyter_execute"
    rows = ledger.build(executed, from_build=True)  # raises, failing the build, if a value is missing
    (Path(app.outdir) / "numbers.json").write_text(ledger.to_json(rows), encoding="utf-8")
    (Path(app.outdir) / "numbers.csv").write_text(ledger.to_csv(rows), encoding="utf-8")


def setup(app):
    app.connect("config-inited", _footer)
    app.connect("html-page-context", _dedupe_scripts, priority=900)  # after the themes add theirs
    app.connect("build-finished", _publish_data)
    app.connect("build-finished", _write_ledger)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": provenance.version()}
