"""A small Sphinx extension for the book (listed in ``_config.yml`` under ``extra_extensions``).

* Prints the version, git commit and build date in every HTML page's footer.
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


def _publish_data(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / "data"
    target.mkdir(parents=True, exist_ok=True)
    source = PROJECT_ROOT / "data"
    for path in sorted(source.iterdir()):
        if path.suffix in (".csv", ".json", ".bib"):
            shutil.copyfile(path, target / path.name)


def setup(app):
    app.connect("config-inited", _footer)
    app.connect("build-finished", _publish_data)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": provenance.version()}
