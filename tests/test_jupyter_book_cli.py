"""The build's way of running jupyter-book (``helpers.book.jupyter_book_cli``) skips only the
interpreter's teardown: exit codes, everything written to the streams and exit handlers are
as they would be from ``jupyter-book`` itself. (Its speed is measured by ``make bench``.)"""

from __future__ import annotations

import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

CLI = [sys.executable, "-m", "helpers.book.jupyter_book_cli"]


def test_success_exits_zero_with_the_output_flushed_to_a_pipe():
    result = subprocess.run([*CLI, "--version"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0
    assert version("jupyter-book").split("+")[0] in result.stdout


def test_a_failed_command_keeps_its_exit_code_and_message(tmp_path):
    missing = tmp_path / "no-such-book"
    result = subprocess.run([*CLI, "build", str(missing)], capture_output=True, text=True, timeout=120)
    plain = subprocess.run(
        [str(Path(sys.executable).with_name("jupyter-book")), "build", str(missing)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert plain.returncode != 0
    assert result.returncode == plain.returncode
    assert "no-such-book" in result.stdout + result.stderr


def test_exit_handlers_still_run(tmp_path):
    marker = tmp_path / "ran"
    probe = (
        "import atexit, sys; from pathlib import Path\n"
        f"atexit.register(lambda: Path({str(marker)!r}).write_text('yes'))\n"
        "sys.argv = ['jupyter-book', '--version']\n"
        "from helpers.book import jupyter_book_cli\n"
        "jupyter_book_cli.main()\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert marker.read_text() == "yes"


def test_a_gated_run_starts_on_go_and_not_otherwise():
    # the build starts Sphinx before the pages are staged: it must wait, and a build that
    # stops (closing the pipe) must leave a process that did nothing
    go = subprocess.run([*CLI, "--wait-for-go", "--version"], input="go\n", capture_output=True, text=True, timeout=120)
    assert go.returncode == 0, go.stderr
    assert version("jupyter-book").split("+")[0] in go.stdout
    closed = subprocess.run([*CLI, "--wait-for-go", "--version"], input="", capture_output=True, text=True, timeout=120)
    assert closed.returncode == 3
    assert closed.stdout == ""


def test_a_build_into_a_pipe_says_nothing_in_colour_codes_and_no_temporary_path_to_open(tmp_path):
    # the build runs Sphinx in a temporary folder it removes after publishing: jupyter-book's
    # "open this file in a browser" box pointed readers of the build's log at that folder; and
    # Sphinx coloured its output for a terminal that a pipe, a log file or CI is not
    book = tmp_path / "book"
    book.mkdir()
    (book / "_config.yml").write_text("title: A page\n", encoding="utf-8")
    (book / "_toc.yml").write_text("format: jb-book\nroot: index\n", encoding="utf-8")
    (book / "index.md").write_text("# A page\n\nSome text.\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
    result = subprocess.run([*CLI, "build", str(book)], capture_output=True, text=True, timeout=300, env=env)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "build succeeded" in result.stdout
    assert "\x1b[" not in result.stdout + result.stderr
    assert "You can look at your book" not in result.stdout and "file://" not in result.stdout
    # nor the two configuration echoes of a thousand characters, nor a cache the build never uses
    assert "MdParserConfig(" not in result.stdout and "NbParserConfig(" not in result.stdout
    assert "jupyter-cache" not in result.stdout
    coloured = subprocess.run(
        [*CLI, "build", str(book)], capture_output=True, text=True, timeout=300, env={**env, "FORCE_COLOR": "1"}
    )
    assert coloured.returncode == 0 and "\x1b[" in coloured.stdout  # as a terminal asks, through the build
