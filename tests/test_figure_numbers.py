"""Sphinx numbers the book's figures and tables from the doctrees it has just read.

With numfig on, Sphinx walked every page's doctree to number its figures and tables, loading
each from the pickle it had just written although the same doctree was still in memory: about
0.35 s of each Sphinx run of the book (`helpers.book.figure_numbers`).
"""

from __future__ import annotations

import inspect

import pytest
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.environment.collectors.toctree import TocTreeCollector

PAGES = ("index", "first", "second")


def _project(root, extensions):
    root.mkdir()
    (root / "conf.py").write_text(f"extensions = {extensions!r}\nnumfig = True\n", encoding="utf-8")
    (root / "index.rst").write_text(
        "Book\n====\n\n.. toctree::\n   :numbered:\n\n   first\n   second\n\n"
        ".. table:: On the front page\n\n   =  =\n   a  b\n   =  =\n",
        encoding="utf-8",
    )
    for page in PAGES[1:]:
        tables = "\n".join(f".. table:: Table {n} of {page}\n\n   =  =\n   a  b\n   =  =\n" for n in (1, 2))
        (root / f"{page}.rst").write_text(f"{page.title()}\n{'=' * len(page)}\n\n{tables}\n", encoding="utf-8")


def _build(root, extensions, builder):
    """Build; return the figure numbers and the pages whose doctrees were loaded from pickles."""
    loads = []
    original = BuildEnvironment.get_doctree

    def counted(self, docname):
        loads.append(docname)
        return original(self, docname)

    _project(root, extensions)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(BuildEnvironment, "get_doctree", counted)
        # Sphinx's own numbering, whatever an earlier build in this process set up; restored after
        pristine = inspect.unwrap(TocTreeCollector.assign_figure_numbers)
        patch.setattr(TocTreeCollector, "assign_figure_numbers", pristine)
        app = Sphinx(root, root, root / "out", root / "doctrees", builder, status=None, warning=None)
        app.build()
    assert app.statuscode == 0
    return app.env.toc_fignumbers, loads


@pytest.mark.parametrize("builder", ["html", "latex"])
def test_figures_are_numbered_as_sphinx_numbers_them_without_loading_a_pickle(tmp_path, builder):
    plain, plain_loads = _build(tmp_path / "plain", [], builder)
    book, book_loads = _build(tmp_path / "book", ["helpers.book.figure_numbers"], builder)
    assert plain["second"]["table"]["id2"] == (2, 2)  # numbered by chapter: the test checks something
    assert book == plain
    # Sphinx loads each page once to number its figures; the book's extension none of them
    assert len(plain_loads) - len(book_loads) == len(PAGES), (plain_loads, book_loads)
