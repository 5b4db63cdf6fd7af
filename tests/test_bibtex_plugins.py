"""Resolving citations does not rescan the installed packages once per citation.

sphinxcontrib-bibtex asks pybtex for a plugin (the plain-text backend, the citation style) each
time it resolves a citation, and pybtex answered each request by scanning the entry points of
every installed package. With the ledger page citing a source on every row, that was about a
thousand scans: most of the LaTeX build's "resolving references" (15.7 s of a 46 s `make book`
after `make html`, measured 29 November).
"""

from __future__ import annotations

import subprocess
import sys

from sphinx.application import Sphinx

CITATIONS = 40


def _project(root):
    (root / "refs.bib").write_text(
        "@misc{isw2024, author = {{Institute for the Study of War}}, title = {Assessment}, year = {2024}}\n",
        encoding="utf-8",
    )
    (root / "conf.py").write_text(
        "extensions = ['sphinxcontrib.bibtex', 'helpers.book.sphinx']\n"
        "bibtex_bibfiles = ['refs.bib']\n"
        "bibtex_reference_style = 'author_year'\n",
        encoding="utf-8",
    )
    cites = "\n\n".join(f"Figure {i} :cite:p:`isw2024`." for i in range(CITATIONS))
    (root / "index.rst").write_text(f"Title\n=====\n\n{cites}\n\n.. bibliography::\n", encoding="utf-8")


def test_plugin_lookups_do_not_grow_with_the_citations(tmp_path, entry_point_scans):
    lookups = entry_point_scans
    _project(tmp_path)
    app = Sphinx(tmp_path, tmp_path, tmp_path / "out", tmp_path / "doctrees", "latex", status=None, warning=None)
    app.build()
    assert app.statuscode == 0
    assert lookups, "the build resolved no citation through pybtex: the test checks nothing"
    # sphinxcontrib-bibtex looks up its docutils backend once as it is set up, before the book's
    # extension is: at most two scans of any plugin, whatever the number of citations.
    assert max(lookups.values()) <= 2, f"pybtex scanned the installed packages per citation: {dict(lookups)}"


def test_works_sharing_author_and_year_are_cited_with_their_months():
    """Two Kyiv Independent reports of 2024 were both cited "[The Kyiv Independent, 2024]"; the
    book's citation style dates them "October 2024" and "November 2024" (the built book's test
    ``tests/publish/test_citations.py`` checks every citation shown)."""
    from pybtex.database import parse_string

    from helpers.book import reference_style
    from helpers.data.bibliography import entries

    assert reference_style.dated_keys(entries()) == {"kyivindependent2024oct", "kyivindependent2024nov"}
    by_one_author = parse_string(
        "@misc{a, author={{X}}, year={2024}, month=oct, title={A}}\\n"
        "@misc{b, author={{X}}, year={2024}, month=nov, title={B}}\\n"
        "@misc{c, author={{X}}, year={2023}, title={C}}\\n"
        "@misc{d, title={Untitled}, year={2024}}\\n",
        "bibtex",
    )
    assert reference_style.dated_keys(by_one_author.entries) == {"a", "b"}


def test_the_citation_style_reads_the_bibliography_without_importing_pandas():
    """Each Sphinx run (HTML and LaTeX) reads the bibliography to find the works it dates by
    month; importing pandas for it cost about 0.4 s of each run, after the pages were staged."""
    code = (
        "import sys\n"
        "from helpers.book import reference_style\n"
        "dated = reference_style._dated_keys()\n"
        "print(len(dated), 'pandas' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    found, imported = result.stdout.split()
    assert int(found) >= 2, "no work is dated by month: the test checks nothing"
    assert imported == "False", "reading the bibliography imported pandas"
