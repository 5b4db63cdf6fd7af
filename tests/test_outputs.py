"""The build's runs of each format (``helpers.book.outputs``): stopping one ends all it started."""

from __future__ import annotations

import os
import time
from pathlib import Path

from helpers.book import outputs, processes


def alive(pid: int) -> bool:
    """Running (a zombie, ended but not yet reaped by whoever adopted it, counts as ended)."""
    return processes.started(pid) is not None


def wait_for(path: Path, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    while not (path.exists() and path.read_text().strip()):
        assert time.monotonic() < deadline, f"{path} not written"
        time.sleep(0.05)
    return path.read_text().strip()


def test_stopping_a_step_ends_every_process_it_started(tmp_path: Path):
    # `make all-pdf` runs latexmk, which runs xelatex: stopping the PDF must stop xelatex too,
    # not leave it writing into a build that is being thrown away
    started = tmp_path / "grandchild"
    script = f"sh -c 'sleep 60' & echo $! > {started}; wait"
    run = outputs.Run("demo", [(["sh", "-c", script], None)], tmp_path / "result", dict(os.environ))
    grandchild = int(wait_for(started))
    assert alive(grandchild)
    run.stop()
    deadline = time.monotonic() + 5
    while alive(grandchild) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(grandchild)
    assert run.wait() != 0


def test_a_gated_run_stopped_before_go_builds_nothing(tmp_path: Path):
    run = outputs.html(tmp_path / "no-book", tmp_path / "out", [], dict(os.environ), gated=True)
    time.sleep(0.5)
    run.stop()
    assert run.wait() != 0
    assert not any("Running Sphinx" in line for line in run.lines)
    assert not (tmp_path / "out").exists()


class _Writes:
    """A stdout that records each write call."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def write(self, text: str) -> int:
        self.calls.append(text)
        return len(text)

    def flush(self) -> None:
        pass


def test_a_run_writes_each_line_whole(monkeypatch):
    """The PDF's Sphinx command, written by its run's thread, landed between "[execute] executing
    chapters/how_to_cite" and its newline, written by the main thread: print() writes a line and
    its end in two calls. Every line of the build's output is now one write."""
    import sys
    from types import SimpleNamespace

    from helpers.book import console

    stdout = _Writes()
    monkeypatch.setattr(sys, "stdout", stdout)
    outputs.Run._say(SimpleNamespace(lines=[], fmt="pdf"), "$ sphinx-build")
    outputs.Run._say(SimpleNamespace(lines=[], fmt="pdf"), "a line that ends itself\n")
    console.say("[execute] executing chapters/how_to_cite")
    assert stdout.calls == [
        "[pdf] $ sphinx-build\n",
        "[pdf] a line that ends itself\n",
        "[execute] executing chapters/how_to_cite\n",
    ]


# What the PDF's compile says: the LaTeX error that stopped it, not xelatex's page-by-page log.

#: The part of Sphinx's LaTeX Makefile the build runs (``make all-pdf``), for a one-page document.
LATEX_MAKEFILE = "all-pdf:\n\tlatexmk -pdf -dvi- -ps- $(LATEXMKOPTS) 'book.tex'\n"
ONE_PAGE = "\\documentclass{article}\n\\begin{document}\n%s\n\\end{document}\n"


def compile_pdf(tmp_path: Path, body: str) -> outputs.Run:
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "Makefile").write_text(LATEX_MAKEFILE, encoding="utf-8")
    (sources / "book.tex").write_text(ONE_PAGE % body, encoding="utf-8")
    run = outputs.pdf(tmp_path / "src", tmp_path / "out", [], dict(os.environ), sources=sources)
    run.wait()
    return run


def test_a_pdf_that_does_not_compile_says_which_latex_error_stopped_it(tmp_path: Path):
    # the build's failure message lists run.warnings(); xelatex's own words for the error
    # ("! Undefined control sequence.", and the line it stopped at) were not among them
    run = compile_pdf(tmp_path, "Some text \\undefinedmacro here.")
    assert run.wait() != 0
    said = "\n".join(run.warnings())
    assert "Undefined control sequence" in said, said
    assert "\\undefinedmacro" in said, said


def test_a_pdf_that_compiles_keeps_xelatex_s_log_to_its_log_file(tmp_path: Path):
    # every file xelatex loads, every page it ships: about 500 lines of the book's build output
    run = compile_pdf(tmp_path, "Some text.")
    assert run.wait() == 0 and run.result.is_file()
    loading = [line for line in run.lines if line.lstrip().startswith(("(/", "[1", "(./"))]
    assert loading == [], loading[:5]
    assert (run.result.parent / "book.log").is_file()
