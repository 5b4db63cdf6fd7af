"""CITATION.cff is valid (Citation File Format 1.2.0) and the book's version matches the package's."""

from __future__ import annotations

import pytest

from helpers.book import citation, provenance
from helpers.paths import PROJECT_ROOT


def test_citation_cff_validates():
    cff = citation.read(PROJECT_ROOT / "CITATION.cff")
    bibtex = citation.as_bibtex(cff, "ukraine2024figures")
    assert bibtex.startswith("@misc{ukraine2024figures,") and cff["title"] in bibtex


def test_an_invalid_citation_names_the_field(tmp_path):
    bad = tmp_path / "CITATION.cff"
    bad.write_text(
        (PROJECT_ROOT / "CITATION.cff").read_text(encoding="utf-8").replace("cff-version: 1.2.0", "cff-version: x")
    )
    with pytest.raises(citation.CitationError, match="cff-version"):
        citation.read(bad)


def test_citation_version_matches_the_package():
    text = (PROJECT_ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert f"version: {provenance.version()}" in text


def test_the_bibtex_entry_reads_as_bibtex_reads_it():
    """The month is BibTeX's macro (``nov``), which both BibTeX styles and biblatex read as the
    month; ``{11}`` printed as '11' in classic styles."""
    from pybtex.database import parse_string

    cff = citation.read(PROJECT_ROOT / "CITATION.cff")
    entry = parse_string(citation.as_bibtex(cff, "book"), "bibtex").entries["book"]
    released = citation.dt.date.fromisoformat(str(cff["date-released"]))
    assert entry.fields["month"] == f"{released:%B}" and entry.fields["year"] == str(released.year)
    assert entry.fields["title"] == cff["title"] and entry.fields["version"] == cff["version"]
