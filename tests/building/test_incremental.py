"""Rebuilds re-execute exactly the pages whose inputs changed, judged by content, never by time."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest

from tests.building import bookrun
from tests.building.test_integrity import ledger_values, page

pytestmark = pytest.mark.build


def executed(output: str) -> set[str]:
    return {line.split("executing ", 1)[1].strip() for line in output.splitlines() if "[execute] executing " in line}


def test_nothing_changed_builds_nothing(book: Path):
    result = bookrun.build(book)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "nothing changed" in result.stdout and "jupyter-book" not in result.stdout


def test_a_touched_file_with_the_same_bytes_changes_nothing(book: Path):
    table = book / "data" / "casualties.csv"
    os.utime(table, (1, 1))
    result = bookrun.build(book)
    assert result.returncode == 0 and "nothing changed" in result.stdout


def test_an_edited_table_re_executes_only_the_pages_that_read_it(book: Path):
    bookrun.edit_value(book, "territory", ",2700,", ",2800,")
    result = bookrun.build(book)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    # index reads territory; the ledger page reads index's execution; deaths and how_to_cite do not
    assert executed(result.stdout) == {"index", "chapters/numbers"}
    assert "2,800" in page(book, "index")


def test_an_edit_the_ledger_does_not_read_leaves_the_ledger_page_alone(book: Path):
    # the ledger page reads a table's source keys, not its notes: index re-executes (it reads
    # territory), its glued numbers do not change, and nothing the ledger page lists changed
    bookrun.edit_value(book, "territory", "End of period not stated", "End of the period not stated")
    result = bookrun.build(book)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert executed(result.stdout) == {"index"}


def test_a_new_build_date_re_executes_only_the_pages_that_show_it(book: Path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1893456000")  # 1 January 2030
    result = bookrun.build(book)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    # how_to_cite shows the date; the ledger page reads only the glued numbers and the text of
    # how_to_cite's execution, and those did not change: nothing else re-executes
    assert executed(result.stdout) == {"chapters/how_to_cite"}
    assert "built 2030-01-01" in page(book, "chapters/how_to_cite")


def test_a_page_added_to_the_table_of_contents_is_in_the_ledger_page(book: Path):
    # a new chapter that glues a number of its own, listed in _toc.yml and nowhere else
    chapter = nbformat.read(book / "chapters" / "deaths.ipynb", as_version=4)
    for cell in chapter.cells:
        cell.source = (
            cell.source.replace('"named_deaths"', '"named_deaths_again"')
            .replace("glued.named_deaths", "glued.named_deaths_again")
            .replace("# Deaths", "# Deaths again")
        )
    nbformat.write(chapter, book / "chapters" / "deaths_again.ipynb")
    toc = book / "_toc.yml"
    toc.write_text(
        toc.read_text(encoding="utf-8").replace(
            "  - file: chapters/deaths\n", "  - file: chapters/deaths\n  - file: chapters/deaths_again\n"
        ),
        encoding="utf-8",
    )
    result = bookrun.build(book)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    # the ledger page lists every page of the table of contents: it re-executes, though no
    # execution it read before changed
    assert executed(result.stdout) == {"chapters/deaths_again", "chapters/numbers"}
    assert "named_deaths_again" in ledger_values(book)
    assert "named_deaths_again" in page(book, "chapters/numbers")


LATEX_REUSED = "LaTeX sources written from exactly these inputs already"


def test_make_book_after_make_html_reuses_that_html_and_its_latex_sources(book: Path):
    bookrun.edit_value(book, "territory", ",2700,", ",2600,")
    # two workers: the preview writes the PDF's LaTeX sources on the core Sphinx's HTML run leaves idle
    preview = bookrun.build(book, ("html",), workers=2)
    assert preview.returncode == 0, preview.stdout[-3000:] + preview.stderr[-3000:]
    assert "2,700" in page(book, "index")  # a preview publishes nothing
    assert "2,600" in (book / "_build" / "preview" / "html" / "index.html").read_text(encoding="utf-8")
    assert (book / "_build" / "preview" / "current" / "latex" / "book.tex").is_file()
    result = bookrun.build(book)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "reusing it" in result.stdout and "not validated again" in result.stdout
    assert LATEX_REUSED in result.stdout and "--builder latex" not in result.stdout  # no Sphinx run at all
    assert executed(result.stdout) == set()
    assert "2,600" in page(book, "index") and "2,600" in bookrun.pdf_text(bookrun.published_pdf(book))


def test_a_previews_latex_sources_serve_only_the_inputs_they_were_written_from(book: Path):
    bookrun.edit_value(book, "territory", ",2700,", ",2600,")
    assert bookrun.build(book, ("html",), workers=2).returncode == 0
    bookrun.edit_value(book, "territory", ",2600,", ",2500,")
    result = bookrun.build(book)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert LATEX_REUSED not in result.stdout and "--builder latex" in result.stdout
    pdf = bookrun.pdf_text(bookrun.published_pdf(book))
    assert "2,500" in pdf and "2,600" not in pdf


def test_a_preview_on_one_worker_writes_no_latex_sources(book: Path):
    bookrun.edit_value(book, "territory", ",2700,", ",2600,")
    preview = bookrun.build(book, ("html",), workers=1)
    assert preview.returncode == 0, preview.stdout[-3000:] + preview.stderr[-3000:]
    assert "[latex]" not in preview.stdout
    assert not (book / "_build" / "preview" / "current" / "latex").exists()


def test_traces_record_the_code_and_facts_each_page_used(built_book: Path):
    import json

    traces = built_book / "_build" / "cache" / "traces"
    index = json.loads((traces / "index.json").read_text(encoding="utf-8"))["inputs"]
    assert "helpers/data/load.py" in index and "data/territory.csv" in index
    assert "helpers/book/bench.py" not in index and "data/casualties.csv" not in index
    assert not any(name.startswith("fact:") for name in index)
    cite = json.loads((traces / "chapters__how_to_cite.json").read_text(encoding="utf-8"))["inputs"]
    assert "fact:commit" in cite and "fact:build_date" in cite
