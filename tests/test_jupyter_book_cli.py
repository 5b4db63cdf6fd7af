"""The build's way of running jupyter-book (``helpers.book.jupyter_book_cli``) skips only the
interpreter's teardown: exit codes, everything written to the streams and exit handlers are
as they would be from ``jupyter-book`` itself. (Its speed is measured by ``make bench``.)"""

from __future__ import annotations

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
