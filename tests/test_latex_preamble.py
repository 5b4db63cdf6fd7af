"""The PDF's preamble loses sphinx-jupyterbook-latex's maths packages and nothing else
(helpers.book.latex_preamble); the LaTeX the book's pages produce still compiles without them
(the built-book PDF tests)."""

from __future__ import annotations

from sphinx.application import Sphinx

from helpers.book import latex_preamble

OURS = r"\hypersetup{pdflang={en-GB}}"


def _tex(tmp_path, extensions):
    (tmp_path / "conf.py").write_text(
        f"extensions = {extensions!r}\nlatex_elements = {{'preamble': {OURS!r}}}\n", encoding="utf-8"
    )
    (tmp_path / "index.rst").write_text("Title\n=====\n\nText.\n", encoding="utf-8")
    app = Sphinx(tmp_path, tmp_path, tmp_path / "out", tmp_path / "doctrees", "latex", status=None, warning=None)
    app.build()
    return next((tmp_path / "out").glob("*.tex")).read_text(encoding="utf-8")


def test_the_extension_adds_the_maths_packages_the_book_removes(tmp_path):
    """Guards the premise: if sphinx-jupyterbook-latex stops adding them, this says so."""
    tex = _tex(tmp_path, ["sphinx_jupyterbook_latex"])
    for line in latex_preamble.UNUSED:
        assert line in tex


def test_the_book_preamble_has_neither_maths_package_and_keeps_its_own_lines(tmp_path):
    tex = _tex(tmp_path, ["sphinx_jupyterbook_latex", "helpers.book.latex_preamble"])
    for line in latex_preamble.UNUSED:
        assert line not in tex
    assert OURS in tex
    assert r"\hypersetup{" in tex and "pdfencoding=auto" in tex  # the extension's other lines stay


def test_only_the_exact_lines_go():
    preamble = "a\n  \\usepackage{unicode-math}\n\\usepackage{unicode-math-extra}\nb\n"
    assert latex_preamble.without_maths_packages(preamble) == "a\n\\usepackage{unicode-math-extra}\nb\n"
