"""A small Sphinx extension for the book (listed in ``_config.yml`` under ``extra_extensions``).

* Prints the version, git commit and build date in every HTML page's footer.
* Loads the vega runtime only on pages with charts, and removes duplicate scripts from pages (sphinx-thebe injects its inline configuration twice
  under jupyter-book, which redeclares a ``const`` and logs an error in every reader's console).
* Writes the ledger of every glued number of this build (from the notebooks it executed) to
  ``_build/html/numbers.json`` and ``numbers.csv``.
* Rebuilds incrementally without serving stale numbers: while a page's notebook executes, every
  file it reads through ``helpers`` is logged (``helpers.paths.record_dependency``); the page's
  dependencies are those files plus the ``helpers`` sources and ``CITATION.cff``, each with its
  SHA-256. On the next build a page whose dependencies changed is re-read, so its notebook is
  re-executed, even though its own source did not change; pages that read nothing changed are
  not executed again.
* Publishes the data beside the HTML: ``_build/html/data/`` receives the CSV tables,
  ``datapackage.json`` and ``references.bib``, so the descriptor's relative paths resolve.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from helpers import provenance
from helpers.paths import PROJECT_ROOT


DEPS_DIR = "book-deps"


def _digest(path) -> str:
    """SHA-256 of a file, or of one resource of a data package (``datapackage.json#table``)."""
    name, _, part = str(path).partition("#")
    try:
        raw = Path(name).read_bytes()
    except OSError:
        return "missing"
    if part:
        import json

        entry = next((r for r in json.loads(raw)["resources"] if r["name"] == part), None)
        raw = json.dumps(entry, sort_keys=True).encode("utf-8")
    return hashlib.sha256(raw).hexdigest()


def _always(app) -> list[Path]:
    helpers_dir = Path(__file__).parent
    return sorted(helpers_dir.glob("*.py")) + [PROJECT_ROOT / "CITATION.cff"]


def _log_for(app, docname: str) -> Path:
    return Path(app.doctreedir) / DEPS_DIR / (docname.replace("/", "__") + ".txt")


def _start_logging(app, docname, source) -> None:
    log = _log_for(app, docname)
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text("", encoding="utf-8")
    os.environ["BOOK_DEPS_FILE"] = str(log)  # inherited by the kernel myst-nb starts for this page


def _store_dependencies(app, doctree) -> None:
    docname = app.env.docname
    log = _log_for(app, docname)
    os.environ.pop("BOOK_DEPS_FILE", None)
    read = {line for line in log.read_text(encoding="utf-8").splitlines() if line} if log.exists() else set()
    files = sorted(read | {str(f) for f in _always(app)})
    if not hasattr(app.env, "book_dependencies"):
        app.env.book_dependencies = {}
    app.env.book_dependencies[docname] = {
        "files": {str(f): _digest(f) for f in files},
        "data_dir": os.environ.get("BOOK_DATA_DIR", ""),
    }


def _purge(app, env, docname) -> None:
    getattr(env, "book_dependencies", {}).pop(docname, None)


def _outdated(app, env, added, changed, removed) -> list[str]:
    from sphinx.util import logging

    logger = logging.getLogger(__name__)
    stale = []
    for docname, recorded in getattr(env, "book_dependencies", {}).items():
        if docname in removed or docname in changed:
            continue
        if recorded["data_dir"] != os.environ.get("BOOK_DATA_DIR", ""):
            reasons = ["BOOK_DATA_DIR"]
        else:
            reasons = [f for f, digest in recorded["files"].items() if _digest(f) != digest]
        if reasons:
            stale.append(docname)
            shown = ", ".join(os.path.relpath(r.partition("#")[0], PROJECT_ROOT) + (f"#{r.partition('#')[2]}" if "#" in r else "") for r in reasons[:3])
            logger.info(f"[book] re-executing {docname}: {shown} changed")
    return stale


def _footer(app, config) -> None:
    options = dict(config.html_theme_options or {})
    options["extra_footer"] = f'<p class="book-provenance">{provenance.stamp()}</p>'
    config.html_theme_options = options


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
    pages = [page for page in ledger.PAGES if page in app.env.found_docs]
    rows = ledger.build(executed, pages, from_build=True)  # raises, failing the build, if a value is missing
    (Path(app.outdir) / "numbers.json").write_text(ledger.to_json(rows), encoding="utf-8")
    (Path(app.outdir) / "numbers.csv").write_text(ledger.to_csv(rows), encoding="utf-8")


def setup(app):
    app.connect("config-inited", _footer)
    app.connect("source-read", _start_logging)
    app.connect("doctree-read", _store_dependencies)
    app.connect("env-purge-doc", _purge)
    app.connect("env-get-outdated", _outdated)
    app.connect("html-page-context", _dedupe_scripts, priority=900)  # after the themes add theirs
    app.connect("build-finished", _publish_data)
    app.connect("build-finished", _write_ledger)
    # Dependencies live on the environment without a merge step: not safe for parallel reading.
    return {"parallel_read_safe": False, "parallel_write_safe": True, "version": provenance.version()}
