"""The PDF's preamble loses sphinx-jupyterbook-latex's maths packages, and its document class the
drawing and blackboard-bold packages, and nothing else (helpers.book.latex_preamble); the LaTeX
the book's pages produce still compiles without them (the built-book PDF tests)."""

from __future__ import annotations

import shutil
import subprocess

import pytest
import yaml
from sphinx.application import Sphinx

from helpers.book import latex_preamble
from helpers.paths import PROJECT_ROOT

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


def _class_file(tmp_path, extensions) -> list[str]:
    tmp_path.mkdir(exist_ok=True)
    _tex(tmp_path, extensions)
    return (tmp_path / "out" / "jupyterBook.cls").read_text(encoding="utf-8").splitlines()


def test_the_extension_s_class_loads_the_packages_the_book_removes(tmp_path):
    """Guards the premise: if sphinx-jupyterbook-latex's class stops loading them, this says so."""
    lines = _class_file(tmp_path, ["sphinx_jupyterbook_latex"])
    assert [line for line in latex_preamble.UNUSED_IN_CLASS if line not in lines] == []


def test_the_book_s_class_loads_none_of_them_and_keeps_every_other_line(tmp_path):
    original = _class_file(tmp_path / "original", ["sphinx_jupyterbook_latex"])
    lines = _class_file(tmp_path / "book", ["sphinx_jupyterbook_latex", "helpers.book.latex_preamble"])
    assert lines == [line for line in original if line.strip() not in latex_preamble.UNUSED_IN_CLASS]
    assert len(lines) == len(original) - len(latex_preamble.UNUSED_IN_CLASS)
    assert r"\LoadClass{sphinxmanual}" in lines


def test_only_the_exact_lines_go():
    preamble = "a\n  \\usepackage{unicode-math}\n\\usepackage{unicode-math-extra}\nb\n"
    assert latex_preamble.without_maths_packages(preamble) == "a\n\\usepackage{unicode-math-extra}\nb\n"


def test_the_book_s_links_in_print_point_where_they_say(tmp_path):
    """The preamble (``_config.yml``) sets a link's scheme and "//" unbreakably with what follows
    ("https:/" ended a line once). Its first version cut an address with a second "://", as an
    archived page's, at that second one: the PDF linked to ".../web/2024/https"."""
    if not shutil.which("xelatex") or not shutil.which("pdftohtml"):
        pytest.skip("no xelatex or pdftohtml (make pdf-deps)")
    config = yaml.safe_load((PROJECT_ROOT / "_config.yml").read_text(encoding="utf-8"))
    preamble = config["sphinx"]["config"]["latex_elements"]["preamble"]
    links = [
        "https://example.org/a_b#part",
        "mailto:someone@example.org",
        "https://web.archive.org/web/2024/https://example.org/x",
    ]
    (tmp_path / "conf.py").write_text(
        f"latex_engine = 'xelatex'\nlatex_elements = {{'preamble': {preamble!r}}}\n", encoding="utf-8"
    )
    (tmp_path / "index.rst").write_text("Title\n=====\n\n" + "\n\n".join(links) + "\n", encoding="utf-8")
    app = Sphinx(tmp_path, tmp_path, tmp_path / "out", tmp_path / "doctrees", "latex", status=None, warning=None)
    app.build()
    tex = next((tmp_path / "out").glob("*.tex"))
    subprocess.run(
        ["xelatex", "-interaction=nonstopmode", "-halt-on-error", tex.name],
        cwd=tex.parent,
        capture_output=True,
        check=True,
        timeout=120,
    )
    subprocess.run(["pdftohtml", "-xml", "-q", "-i", tex.with_suffix(".pdf").name, "pages"], cwd=tex.parent, check=True)
    linked = (tex.parent / "pages.xml").read_text(encoding="utf-8")
    assert [link for link in links if f'href="{link}"' not in linked] == []
