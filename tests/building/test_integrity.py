"""A wrong book is never published: failures, interruptions and concurrent runs (issue 12).

Each test runs the real build (``python -m helpers.book.build``, what ``make book`` runs) on the small
book in ``tests/books/small`` with its own copy of ``data/``, and checks what got published.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import signal
import subprocess
from pathlib import Path

import nbformat
import pytest

from tests.building import bookrun

pytestmark = pytest.mark.build


def page(book: Path, name: str) -> str:
    return (bookrun.published(book) / f"{name}.html").read_text(encoding="utf-8")


def release_of(book: Path) -> str:
    return os.path.realpath(bookrun.published(book))


def append_cell(path: Path, cell) -> None:
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.append(cell)
    nbformat.write(notebook, path)


def ledger_values(book: Path) -> dict[str, str]:
    rows = json.loads((bookrun.published(book) / "numbers.json").read_text(encoding="utf-8"))
    return {row["key"]: row["value"] for row in rows}


# 1. A rebuild after a failed build fails again (nothing of the failure is trusted later).


@pytest.mark.parametrize("failure", ["raising_cell", "dangling_figure", "unresolved_reference"])
def test_a_rebuild_after_a_failure_fails_again(book: Path, failure: str):
    before = release_of(book)
    if failure == "raising_cell":
        append_cell(
            book / "chapters" / "deaths.ipynb", nbformat.v4.new_code_cell("raise RuntimeError('broken on purpose')")
        )
        expected = "broken on purpose"
    elif failure == "dangling_figure":
        notebook = book / "index.ipynb"
        notebook.write_text(
            notebook.read_text(encoding="utf-8").replace("isw_russian_gain_2024_ytd", "no_such_figure"),
            encoding="utf-8",
        )
        expected = "no_such_figure"
    else:
        append_cell(
            book / "index.ipynb", nbformat.v4.new_markdown_cell("See [a page that does not exist](missing_page).")
        )
        expected = "missing_page"
    for formats in [("html", "pdf"), ("html", "pdf"), ("html",)]:
        result = bookrun.build(book, formats)
        assert result.returncode != 0, f"{formats} succeeded after a failure:\n{result.stdout[-3000:]}"
        assert expected in result.stdout + result.stderr
        assert "nothing published" in result.stderr
        assert release_of(book) == before  # the previous book is still the one published


def test_sphinx_started_beside_a_failing_page_never_builds(book: Path):
    # Sphinx starts (gated) once the last page executes on its own; that page fails: Sphinx must
    # not read anything, and no Sphinx process may outlive the build
    append_cell(book / "chapters" / "numbers.ipynb", nbformat.v4.new_code_cell("raise RuntimeError('ledger broken')"))
    result = bookrun.build(book)
    assert result.returncode != 0 and "ledger broken" in result.stdout + result.stderr
    assert "--wait-for-go" in result.stdout  # it was started before the failure
    assert "Running Sphinx" not in result.stdout
    assert bookrun.sphinx_processes(book) == []


# 2. An interrupted build never leaves state that a later build trusts.


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT], ids=["KILL", "TERM", "INT"])
def test_an_interrupted_build_leaves_no_stale_numbers(book: Path, tmp_path: Path, signum: int):
    bookrun.edit_value(book, "territory", ",2700,", ",2800,")
    log = tmp_path / "interrupted.log"
    process = bookrun.start(book, log)
    bookrun.kill_when(process, log, "pickling environment", 0.5, signum)
    assert process.returncode != 0, log.read_text(encoding="utf-8", errors="replace")[-3000:]
    assert "2,700" in page(book, "index")  # the previous book is still published, whole

    result = bookrun.build(book)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert "2,800" in page(book, "index") and "2,700" not in page(book, "index")
    assert ledger_values(book)["gain_2024"] == "2,800"
    assert "2,800" in page(book, "chapters/numbers")
    assert "2,800" in bookrun.pdf_text(bookrun.published_pdf(book))


@pytest.mark.parametrize(
    ("signum", "marker"),
    [
        (signal.SIGTERM, "[execute] executing index"),
        (signal.SIGINT, "[execute] executing index"),
        (signal.SIGTERM, "Running Sphinx"),
        (signal.SIGTERM, "Run number 1 of rule"),  # xelatex, started by latexmk, started by make
    ],
    ids=["TERM-executing", "INT-executing", "TERM-in-Sphinx", "TERM-in-LaTeX"],
)
def test_a_stopped_build_says_so_and_leaves_nothing_running(book: Path, tmp_path: Path, signum: int, marker: str):
    # a CI time-out or a Ctrl-C while kernels or Sphinx run: the build says it was interrupted
    # (not that a notebook failed, not a traceback), shuts its kernels and Sphinx down, and
    # publishes nothing. nbclient's own signal handlers used to turn the signal into a failed
    # notebook, and to leave SIGTERM's default action (die at once) for the rest of the build
    bookrun.edit_value(book, "territory", ",2700,", ",2800,")
    log = tmp_path / "stopped.log"
    process = bookrun.start(book, log)
    bookrun.kill_when(process, log, marker, 0.5, signum)
    output = log.read_text(encoding="utf-8", errors="replace")
    assert process.returncode == 130, output[-3000:]
    assert "build interrupted: nothing published" in output, output[-3000:]
    assert "Traceback" not in output and "a notebook failed" not in output, output[-3000:]
    assert "2,700" in page(book, "index")
    assert bookrun.processes_of(book) == []


def test_a_build_killed_alone_leaves_nothing_running(book: Path, tmp_path: Path):
    # the kernel's out-of-memory killer ends the build process alone, with no chance to stop
    # what it started: each of those ends by itself (a gated Sphinx run sees its input end; a
    # running one, make, latexmk and xelatex die on their next line of output, which no one reads)
    bookrun.edit_value(book, "territory", ",2700,", ",2800,")
    log = tmp_path / "killed.log"
    process = bookrun.start(book, log)
    running = bookrun.kill_when(process, log, "Run number 1 of rule", 0.3, signal.SIGKILL, alone=True, book=book)
    assert len(running) > 1, f"the build had nothing running to end by itself: {running}"
    assert bookrun.left_running(book) == []
    assert "2,700" in page(book, "index")


@pytest.mark.parametrize("how", ["TERM", "INT", "KILL-alone"])
def test_a_build_stopped_while_forked_kernels_run_leaves_nothing_running(book: Path, tmp_path: Path, how: str):
    # every page executes, so the kernels are forked from the warm process
    # (helpers.book.warm_kernels): it and they end with the build, however the build ends
    shutil.rmtree(book / "_build" / "cache")
    bookrun.edit_value(book, "territory", ",2700,", ",2800,")
    log = tmp_path / "stopped.log"
    process = bookrun.start(book, log)
    signum = {"TERM": signal.SIGTERM, "INT": signal.SIGINT, "KILL-alone": signal.SIGKILL}[how]
    running = bookrun.kill_when(process, log, "[execute] executing index", 0.5, signum, alone=True, book=book)
    assert any("helpers.book.warm_kernels" in line for line in running), running
    if how != "KILL-alone":
        output = log.read_text(encoding="utf-8", errors="replace")
        assert process.returncode == 130 and "build interrupted: nothing published" in output, output[-3000:]
        assert "Traceback" not in output, output[-3000:]
    assert bookrun.left_running(book) == []
    assert "2,700" in page(book, "index")


# 3. An interrupted LaTeX run does not wedge later PDF builds.


def test_an_interrupted_latex_run_does_not_wedge_the_pdf(book: Path, tmp_path: Path):
    bookrun.edit_value(book, "territory", ",2700,", ",2900,")
    log = tmp_path / "latex.log"
    process = bookrun.start(book, log)
    bookrun.kill_when(process, log, "Run number 1 of rule", 0.7, signal.SIGKILL)
    result = bookrun.build(book)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert "2,900" in bookrun.pdf_text(bookrun.published_pdf(book))


# 4. The ledger page and How to cite come from this build's executions.


def test_the_ledger_page_shows_this_builds_values(book: Path):
    bookrun.edit_value(book, "territory", ",2700,", ",3100,")
    # a stored output tampered with: whatever the committed notebook says, the build recomputes
    notebook = nbformat.read(book / "chapters" / "deaths.ipynb", as_version=4)
    for output in notebook.cells[1].get("outputs", []):
        output.get("data", {}).update({"application/papermill.record/text/plain": "'9,999'"})
    nbformat.write(notebook, book / "chapters" / "deaths.ipynb")

    result = bookrun.build(book)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    values = ledger_values(book)
    assert values["gain_2024"] == "3,100"
    numbers_page = page(book, "chapters/numbers")
    assert "3,100" in numbers_page and "2,700" not in numbers_page
    assert "9,999" not in numbers_page and values["named_deaths"] == "78,329"


def test_numbers_json_holds_the_rows_the_ledger_page_shows(built_book: Path):
    """One execution makes both: the rows kept with the ledger page's tables are the published files."""
    executed = nbformat.read(bookrun.published(built_book) / "_sources" / "chapters" / "numbers.ipynb", as_version=4)
    kept = [
        output.metadata["text/markdown"]["book_numbers"]
        for cell in executed.cells
        for output in cell.get("outputs", [])
        if "book_numbers" in output.get("metadata", {}).get("text/markdown", {})
    ]
    published = json.loads((bookrun.published(built_book) / "numbers.json").read_text(encoding="utf-8"))
    assert kept == [published]
    assert {row["key"] for row in published} == {"gain_2024", "named_deaths"}
    with open(bookrun.published(built_book) / "numbers.csv", encoding="utf-8", newline="") as handle:
        assert [row["key"] for row in csv.DictReader(handle)] == [row["key"] for row in published]


def test_a_ledger_page_that_keeps_no_rows_stops_the_build(book: Path):
    """The same tables shown without the rows (as the ledger page once did): no numbers.json to
    publish, so nothing is published, and the message says which page and what it lacks."""
    before = release_of(book)
    notebook = nbformat.read(book / "chapters" / "numbers.ipynb", as_version=4)
    shown = "from IPython.display import Markdown\nMarkdown(ledger.as_markdown(rows))"
    notebook.cells[1].source = notebook.cells[1].source.replace("ledger.tables(rows)", shown)
    assert notebook.cells[1].source.endswith("Markdown(ledger.as_markdown(rows))")
    nbformat.write(notebook, book / "chapters" / "numbers.ipynb")
    result = bookrun.build(book)
    assert result.returncode != 0
    assert "the ledger page chapters/numbers shows no rows for numbers.json" in result.stderr
    assert release_of(book) == before


def git(book: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(book), *args], capture_output=True, text=True, check=True).stdout.strip()


def test_how_to_cite_names_the_commit_the_book_was_built_from(book: Path):
    (book / ".gitignore").write_text("_build/\n", encoding="utf-8")
    git(book, "init", "-q")
    git(book, "-c", "user.name=t", "-c", "user.email=t@example.org", "add", "-A")
    git(book, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "first")
    assert bookrun.build(book, ("html", "pdf")).returncode == 0
    first = git(book, "rev-parse", "--short=12", "HEAD")
    assert f"commit {first}" in page(book, "chapters/how_to_cite")

    (book / "chapters" / "bibliography.md").write_text(
        (book / "chapters" / "bibliography.md").read_text(encoding="utf-8") + "\nSources as cited.\n", encoding="utf-8"
    )
    result = bookrun.build(book)
    assert "+local changes" in page(book, "chapters/how_to_cite")  # the tree differs from the commit
    git(book, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-am", "second")
    second = git(book, "rev-parse", "--short=12", "HEAD")
    result = bookrun.build(book)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    shown = page(book, "chapters/how_to_cite")
    assert f"commit {second}" in shown and "+local changes" not in shown
    assert f"commit {second}" in page(book, "index")  # the footer of every page


# 5. One release holds HTML, PDF and data, switched in one step; partial releases never count.


def test_html_pdf_and_data_are_one_release(book: Path):
    html = Path(release_of(book))
    pdf = Path(os.path.realpath(bookrun.published_pdf(book)))
    assert pdf.parent.parent == html.parent  # one release folder holds both formats
    assert (html / "data" / "territory.csv").read_bytes() == (book / "data" / "territory.csv").read_bytes()


def test_a_killed_publish_never_becomes_the_previous_release(book: Path):
    releases = Path(release_of(book)).parent.parent
    complete = Path(release_of(book)).parent
    partial = releases / (complete.name[:-1] + "9")  # sorts after the complete one
    partial.mkdir()
    (partial / "html").mkdir()  # as a publish killed while copying leaves it
    bookrun.edit_value(book, "territory", ",2700,", ",2750,")
    result = bookrun.build(book)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert not partial.exists()
    assert complete.exists()  # the previous complete release is kept, the partial one is not


# Two builds at once in one clone.


def test_a_second_build_at_the_same_time_does_not_interleave(book: Path, tmp_path: Path):
    bookrun.edit_value(book, "territory", ",2700,", ",2650,")
    log = tmp_path / "first.log"
    first = bookrun.start(book, log)
    bookrun.wait_for(first, log, "executing", timeout=120)
    second = bookrun.build(book)
    assert second.returncode != 0
    assert "another build" in second.stderr
    assert first.wait(timeout=600) == 0, log.read_text()[-3000:]
    assert "2,650" in page(book, "index")


def test_a_failed_build_says_why_and_what_is_still_published(book: Path):
    append_cell(book / "chapters" / "deaths.ipynb", nbformat.v4.new_code_cell("1 / 0"))
    result = bookrun.build(book)
    assert result.returncode != 0
    message = result.stderr
    assert "chapters/deaths.ipynb" in message and "ZeroDivisionError" in message
    assert re.search(r"nothing published; the published book is still release \S+", message)


def test_a_pdf_that_does_not_compile_says_which_latex_error_stopped_it(book: Path):
    # xelatex's errors go to book.log alone (latexmk -silent): the build repeats them, and does
    # not call a LaTeX error a warning
    before = release_of(book)
    bibliography = book / "chapters" / "bibliography.md"
    bibliography.write_text(
        bibliography.read_text(encoding="utf-8") + "\n```{raw} latex\n\\undefinedmacro\n```\n", encoding="utf-8"
    )
    result = bookrun.build(book)
    assert result.returncode != 0
    message = result.stderr
    assert "the PDF build failed:" in message, message[-3000:]
    assert "LaTeX error: ! Undefined control sequence. l." in message and "\\undefinedmacro" in message, message
    assert "LaTeX's whole log: " in message and "book.log" in message
    assert release_of(book) == before
