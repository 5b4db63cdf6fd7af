"""In the PDF every table breaks across pages and wraps within the page (helpers.book.print_tables)."""

from __future__ import annotations

from sphinx.application import Sphinx

from helpers.book import print_tables

LONG = "a claim of many words that a narrow column would have to wrap over several lines"


PAD = print_tables.PADDING


def test_weights_follow_the_text_within_bounds():
    rows = [["claim", "text", "verdict"], [LONG, "write-up 000", "consistent"], [LONG, "both", "contradicted"]]
    claim, text, verdict = print_tables.column_weights(rows)
    assert claim == print_tables.MAX_WEIGHT + PAD  # long sentences: capped
    assert text >= len("write-") + 1 + PAD  # the longest word (to its hyphen) fits, with padding
    assert verdict >= len("contradicted") + 1 + PAD
    assert claim > verdict


def test_a_narrow_column_keeps_its_longest_word_when_the_others_want_the_whole_line():
    """The data chapter's table of tables: a four-letter header over short counts, beside long
    descriptions. Shared in proportion to the text, "rows" got less room than its own word."""
    header = ["table", "file", "schema", "rows", "description", "licence"]
    row = ["deepstate_changes", "data/deepstate_changes.csv", "TerritoryChange", "60", LONG, LONG]
    weights = print_tables.column_weights([header, row, row])
    # names break after an underscore (the book's LaTeX preamble lets them), so those are words
    words = ["deepstate_", "data/deepstate_", "TerritoryChange", "rows"]
    for word, weight in zip(words, weights[:4], strict=True):
        assert weight >= len(word) + 1 + PAD, (word, weights)
    assert print_tables.LINE_CHARS - len(weights) <= sum(weights) <= print_tables.LINE_CHARS  # the line, filled
    # the rest of the line went to the long text
    assert weights[4] > len("description") + 1 + PAD and weights[5] > len("licence") + 1 + PAD


def test_links_break_after_slashes_and_dots():
    parts = ["see", "https:/", "/", "example.", "org/", "a_b/", "c"]
    assert print_tables.words("see https://example.org/a_b/c") == parts


def test_a_long_code_in_a_link_asks_for_a_few_characters_not_all_of_them():
    # LaTeX may break a link inside a code (the preamble lets it break after any letter or
    # digit); a whole article id as the link column's need starved the table's other columns
    pieces = print_tables.words("https://www.actionnewsjax.com/news/politics/us-give/BJHH4A2XR5A63CZHOMJMQGQAHA/")
    assert "".join(pieces) == "https://www.actionnewsjax.com/news/politics/us-give/BJHH4A2XR5A63CZHOMJMQGQAHA/"
    assert max(len(piece) for piece in pieces) == print_tables.LINK_PIECE


def test_names_break_after_underscores_and_hyphens_only():
    found = print_tables.words("occupied_since_2022_km2 a/b.csv war-datasets")
    assert found == ["occupied_", "since_", "2022_", "km2", "a/b.csv", "war-", "datasets"]


def test_when_words_overfill_the_line_dates_and_numbers_keep_their_room():
    header = ["figure_id", "value", "as of", "originator", "source"]
    row = ["internationalisation_x", "at least 45,287", "2024-10-11", "Internationalisation", "x" * 32]
    weights = print_tables.column_weights([header, row, row])
    assert weights[2] >= len("2024-10-11") + 1 + PAD  # kept whole, and room for it
    assert weights[1] >= len("45,287") + 1 + PAD
    assert sum(weights) <= print_tables.LINE_CHARS + 1


def test_dates_stay_whole():
    assert print_tables.words("2024-08-06 to 2024-11-20") == ["2024-08-06", "to", "2024-11-20"]


def test_capitals_count_wider():
    assert print_tables.width("BJHH") > print_tables.width("bjhh") == 4


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
    assert rf"\X{{{print_tables.MAX_WEIGHT + PAD}}}{{" in tex  # the claim column's given width, capped


#: The figures in kursk.csv as Data and methods lists them (two rows): eight columns whose longest
#: words overfill the printed line at the body's size.
FIGURES = [
    ["figure_id", "quantity", "value", "unit", "as of", "originator", "reported by", "source"],
    [
        "kursk_ua_claimed_settlements_aug_2024",
        "Settlements in Kursk region Ukraine said it controlled",
        "93",
        "settlements",
        "2024-08-31",
        "Armed Forces of Ukraine (Gen. Syrskyi)",
        "Market Research Telecast",
        "marketresearchtelecast2024",
    ],
    [
        "kursk_ua_peak_area_2024",
        "Peak area of Kursk region held by Ukraine",
        "about 1,376",
        "km2",
        "2024-08-31",
        "Ukrainian General Staff source (via Reuters)",
        "Nenka",
        "nenka2024kursk",
    ],
]


def test_a_table_too_wide_for_the_body_size_is_set_smaller_and_every_short_word_fits():
    """The figure tables' words overfilled the line, every column was narrowed alike, and words
    LaTeX cannot hyphenate ran into the next column ("Ukrainian", by 4.3 pt; "settlements_",
    by 9.4 pt; 17 overfull boxes in the PDF). Such a table is set smaller, and the column whose
    longest word is longest (a source key, which LaTeX hyphenates) gives up room first."""
    size = print_tables.table_size(FIGURES)
    assert size.command in (r"\small", r"\footnotesize"), size
    weights = print_tables.column_weights(FIGURES, size.line, size.padding)
    assert sum(weights) <= size.line + 1
    needs = {
        column: print_tables.width(word) + 1 + size.padding
        for column, word in [(0, "settlements_"), (3, "settlements"), (4, "2024-08-31"), (5, "Ukrainian")]
    }
    short = {column: weights[column] for column, need in needs.items() if weights[column] < need}
    assert not short, f"columns narrower than their longest word: {short} ({weights})"
    assert weights[7] < print_tables.width("marketresearchtelecast2024") + 1 + size.padding


def test_a_table_that_fits_keeps_the_body_size():
    size = print_tables.table_size([["claim", "verdict"], [LONG, "consistent"]])
    assert size.command == "" and size.line == print_tables.LINE_CHARS


def test_a_smaller_table_is_set_in_a_group_in_latex(tmp_path):
    (tmp_path / "conf.py").write_text("extensions = ['helpers.book.print_tables']\n", encoding="utf-8")
    rows = "\n".join("   * - " + "\n     - ".join(row) for row in FIGURES)
    (tmp_path / "index.rst").write_text(
        f"Title\n=====\n\n.. list-table:: Figures\n   :header-rows: 1\n\n{rows}\n", encoding="utf-8"
    )
    app = Sphinx(tmp_path, tmp_path, tmp_path / "out", tmp_path / "doctrees", "latex", status=None, warning=None)
    app.build()
    tex = next((tmp_path / "out").glob("*.tex")).read_text(encoding="utf-8")
    size = print_tables.table_size(FIGURES)
    start = tex.index(rf"\begingroup{size.command}")
    assert start < tex.index(r"\begin{longtable}") < tex.index(r"\end{longtable}") < tex.index(r"\endgroup", start)


def test_a_source_key_breaks_around_its_year():
    """Source keys such as nenka2024kursk have no place LaTeX may break them: in the Kursk
    figure table four ran 5 to 9 pt past the table's edge."""
    assert print_tables.words("nenka2024kursk bbc2024gains taken_2023 km2") == [
        "nenka",
        "2024",
        "kursk",
        "bbc",
        "2024",
        "gains",
        "taken_",
        "2023",
        "km2",
    ]


def test_in_latex_a_source_key_in_a_table_may_break_around_its_year(tmp_path):
    (tmp_path / "conf.py").write_text("extensions = ['helpers.book.print_tables']\n", encoding="utf-8")
    rows = "\n".join("   * - " + "\n     - ".join(row) for row in FIGURES)
    (tmp_path / "index.rst").write_text(
        f"Title\n=====\n\nnenka2024kursk in prose.\n\n.. list-table:: Figures\n   :header-rows: 1\n\n{rows}\n",
        encoding="utf-8",
    )
    app = Sphinx(tmp_path, tmp_path, tmp_path / "out", tmp_path / "doctrees", "latex", status=None, warning=None)
    app.build()
    tex = next((tmp_path / "out").glob("*.tex")).read_text(encoding="utf-8")
    assert r"nenka\allowbreak{}2024\allowbreak{}kursk" in tex
    assert "nenka2024kursk in prose" in tex  # only tables


#: Events as Data and methods lists them: every column's longest word fits the printed line at
#: the body's size once a source key may break around its year.
EVENTS = [
    ["event_id", "date", "event", "actor", "source_key"],
    [
        "kursk_incursion_start",
        "2024-08-06",
        "Ukrainian forces cross into Russia's Kursk region",
        "Ukraine",
        "marketresearchtelecast2024",
    ],
    ["us_election_2024", "2024-11-05", "US presidential election", "United States", "uscode3"],
    [
        "us_mines_announced",
        "2024-11-20",
        "US Defense Secretary Austin announces anti-personnel mines for Ukraine",
        "United States",
        "ap2024mines",
    ],
]


def test_raw_markup_in_a_cell_does_not_count_as_its_text(tmp_path):
    """Raw markup in a cell was measured as text. The HTML around each date
    (``<span class="nowrap">``) made the date column of the events table as wide as its events;
    the LaTeX break points put into a source key (``\\allowbreak{}``) made the key one
    40-character word, and the table was set in ``\\footnotesize`` with the key column widest:
    the events were left a column a few words wide (Data and methods, PDF)."""
    assert print_tables.table_size(EVENTS).command == ""
    (tmp_path / "conf.py").write_text("extensions = ['helpers.book.print_tables']\n", encoding="utf-8")
    marked = [
        [row[0], f':raw-html:`<span class="nowrap">`\\ {row[1]}\\ :raw-html:`</span>`', *row[2:]] for row in EVENTS[1:]
    ]
    rows = "\n".join("   * - " + "\n     - ".join(row) for row in [EVENTS[0], *marked])
    (tmp_path / "index.rst").write_text(
        ".. role:: raw-html(raw)\n   :format: html\n\n"
        f"Title\n=====\n\n.. list-table:: Events\n   :header-rows: 1\n\n{rows}\n",
        encoding="utf-8",
    )
    app = Sphinx(tmp_path, tmp_path, tmp_path / "out", tmp_path / "doctrees", "latex", status=None, warning=None)
    app.build()
    tex = next((tmp_path / "out").glob("*.tex")).read_text(encoding="utf-8")
    assert r"\begingroup" not in tex
    weights = print_tables.column_weights(EVENTS)
    assert "".join(rf"\X{{{w}}}{{{sum(weights)}}}" for w in weights) in tex
