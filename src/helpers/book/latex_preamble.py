"""The PDF's LaTeX preamble without the two packages sphinx-jupyterbook-latex adds for
mathematics, and its document class without the drawing and blackboard-bold packages: the book
uses none of them.

sphinx-jupyterbook-latex appends ``\\usepackage[Latin,Greek]{ucharclasses}`` and
``\\usepackage{unicode-math}`` to every book's preamble. Loading them (and the OpenType maths
font unicode-math sets up) took 0.9 s of each xelatex pass, and the book needs two passes; the
book's text is set in FreeSerif whatever they do. Without them, the one mathematical symbol the
PDF shows, the hook arrow Sphinx puts where it wraps a long line of code output, is drawn from
LaTeX's standard maths fonts. If the extension's text ever changes, nothing is removed and the
PDF is built as before, only slower.

The extension's document class (``jupyterBook.cls``, copied into the LaTeX folder) loads TikZ,
PGF and pgfplots, which took about 0.35 s of each xelatex pass (the book draws its charts as
images), and ``bbm`` for blackboard-bold maths letters, the one package the book needed from
Debian's ``texlive-fonts-extra`` (a 509 MB download, 1.4 GB installed). The class file is
rewritten without those lines once the LaTeX builder has written it; the macros the class
defines with them (``\\RR`` and the like) stay defined and unused. As for the preamble, if the
class's text changes, nothing is removed (and ``make pdf-deps`` no longer installs ``bbm``: the PDF
would then say that ``bbm.sty`` is missing).
"""

from __future__ import annotations

from pathlib import Path

#: The lines removed from the preamble, as sphinx-jupyterbook-latex 1.0 writes them.
UNUSED = (r"\usepackage[Latin,Greek]{ucharclasses}", r"\usepackage{unicode-math}")
#: The extension's document class, which it copies into the LaTeX folder.
CLASS_FILE = "jupyterBook.cls"
#: The lines removed from that class, as sphinx-jupyterbook-latex 1.0 has them.
UNUSED_IN_CLASS = (
    r"\RequirePackage{tikz}",
    r"\usetikzlibrary{arrows}",
    r"\usetikzlibrary{calc}",
    r"\usetikzlibrary{intersections}",
    r"\usetikzlibrary{decorations}",
    r"\RequirePackage{pgf}",
    r"\RequirePackage{pgfplots}",
    r"\RequirePackage{bbm}",
)


def _without(text: str, unused: tuple[str, ...]) -> str:
    """``text`` without the lines that are exactly one of ``unused`` (indentation aside)."""
    return "".join(line for line in text.splitlines(keepends=True) if line.strip() not in unused)


def without_maths_packages(preamble: str) -> str:
    return _without(preamble, UNUSED)


def _lean_preamble(app, config) -> None:
    elements = config.latex_elements
    if "preamble" in elements:
        elements["preamble"] = without_maths_packages(elements["preamble"])


def _lean_class(app, exception) -> None:
    """Once the LaTeX builder has written everything, the class file without the unused packages."""
    cls = Path(app.outdir) / CLASS_FILE
    if exception is None and app.builder.name == "latex" and cls.is_file():
        text = cls.read_text(encoding="utf-8")
        lean = _without(text, UNUSED_IN_CLASS)
        if lean != text:
            cls.write_text(lean, encoding="utf-8")


def setup(app):
    # after sphinx-jupyterbook-latex's own config-inited handler (default priority 500)
    app.connect("config-inited", _lean_preamble, priority=900)
    app.connect("build-finished", _lean_class)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
