"""In the PDF every table breaks across pages and wraps within the page (helpers.book.print_tables)."""

from __future__ import annotations

from sphinx.application import Sphinx

from helpers.book import print_tables

LONG = "a claim of many words that a narrow column would have to wrap over several lines"


def test_weights_follow_the_text_within_bounds():
    rows = [["claim", "text", "verdict"], [LONG, "write-up 000", "consistent"], [LONG, "both", "contradicted"]]
    claim, text, verdict = print_tables.column_weights(rows)
    assert claim == print_tables.MAX_WEIGHT  # long sentences: capped
    assert text >= len("write-up") + 2  # the longest word fits
    assert verdict >= len("contradicted") + 2
    assert claim > verdict


def test_a_short_table_is_a_longtable_with_wrapping_columns_in_latex(tmp_path):
    """Sphinx's default for a short table is tabulary, which cannot break across a page."""
    (tmp_path / "conf.py").write_text("extensions = ['helpers.book.print_tables']\n", encoding="utf-8")
    rows = "\n".join(f"   * - {LONG}\n     - write-up 000\n     - consistent" for _ in range(5))
    (tmp_path / "index.rst").write_text(
        f"Title\n=====\n\n.. list-table:: Claims\n   :header-rows: 1\n\n"
        f"   * - claim\n     - text\n     - verdict\n{rows}\n",
        encoding="utf-8",
    )
    app = Sphinx(tmp_path, tmp_path, tmp_path / "out", tmp_path / "doctrees", "latex", status=None, warning=None)
    app.build()
    tex = next((tmp_path / "out").glob("*.tex")).read_text(encoding="utf-8")
    assert r"\begin{longtable}" in tex and "tabulary" not in tex
    assert r"\X{45}{" in tex  # the claim column's given width, capped
