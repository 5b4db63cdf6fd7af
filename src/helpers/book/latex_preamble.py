"""The PDF's LaTeX preamble without the two packages sphinx-jupyterbook-latex adds for
mathematics, which the book does not have.

sphinx-jupyterbook-latex appends ``\\usepackage[Latin,Greek]{ucharclasses}`` and
``\\usepackage{unicode-math}`` to every book's preamble. Loading them (and the OpenType maths
font unicode-math sets up) took 0.9 s of each xelatex pass, and the book needs two passes; the
book's text is set in FreeSerif whatever they do. Without them, the one mathematical symbol the
PDF shows, the hook arrow Sphinx puts where it wraps a long line of code output, is drawn from
LaTeX's standard maths fonts. If the extension's text ever changes, nothing is removed and the
PDF is built as before, only slower.
"""

from __future__ import annotations

#: The lines removed from the preamble, as sphinx-jupyterbook-latex 1.0 writes them.
UNUSED = (r"\usepackage[Latin,Greek]{ucharclasses}", r"\usepackage{unicode-math}")


def without_maths_packages(preamble: str) -> str:
    lines = preamble.splitlines(keepends=True)
    return "".join(line for line in lines if line.strip() not in UNUSED)


def _lean_preamble(app, config) -> None:
    elements = config.latex_elements
    if "preamble" in elements:
        elements["preamble"] = without_maths_packages(elements["preamble"])


def setup(app):
    # after sphinx-jupyterbook-latex's own config-inited handler (default priority 500)
    app.connect("config-inited", _lean_preamble, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
