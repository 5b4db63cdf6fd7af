"""CITATION.cff is valid (cffconvert) and the book's version matches the package's."""

from __future__ import annotations

from cffconvert import Citation

from helpers.book import provenance
from helpers.paths import PROJECT_ROOT


def test_citation_cff_validates():
    citation = Citation((PROJECT_ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    citation.validate()  # raises on any schema error
    assert "@misc" in citation.as_bibtex()


def test_citation_version_matches_the_package():
    text = (PROJECT_ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert f"version: {provenance.version()}" in text
