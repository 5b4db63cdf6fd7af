"""Running the book's build on a test book, as `make book` runs it on the real one."""

from __future__ import annotations

import fcntl
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from helpers.paths import PROJECT_ROOT

BOOKS = Path(__file__).resolve().parents[1] / "books"


def make_var(name: str) -> str:
    """A variable of the project's Makefile (the build flags live there, and only there)."""
    return subprocess.run(
        ["make", "-s", "--no-print-directory", f"print-{name}"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def make_book_on(data: Path) -> subprocess.CompletedProcess:
    """The project's real `make book`, with its loaders pointed at ``data`` (a copy a test corrupted).

    Tests on several workers (``make test`` runs pytest-xdist) take turns here: the project's
    build lock admits one build at a time, and a second one is refused, not queued.
    """
    turn = PROJECT_ROOT / "_build" / ".make-book-tests.lock"
    turn.parent.mkdir(exist_ok=True)
    with open(turn, "a", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file is closed
        return subprocess.run(
            ["make", "--no-print-directory", "book"],
            cwd=PROJECT_ROOT,
            env={**os.environ, "BOOK_DATA_DIR": str(data)},
            capture_output=True,
            text=True,
            timeout=300,
        )


def copy_book(name: str, target: Path) -> Path:
    """A test book from tests/books/ with its own copy of the project's data/."""
    shutil.copytree(BOOKS / name, target)
    shutil.copytree(PROJECT_ROOT / "data", target / "data")
    return target


def command(book: Path, formats: tuple[str, ...] = ("html", "pdf"), workers: int | None = None) -> list[str]:
    cmd = [sys.executable, "-m", "helpers.book.build", "--root", str(book), "--jb-flags", make_var("JB_FLAGS")]
    for fmt in formats:
        cmd += ["--format", fmt]
    if workers is not None:
        cmd += ["--workers", str(workers)]
    return cmd


def environment(book: Path) -> dict[str, str]:
    return {**os.environ, "BOOK_DATA_DIR": str(book / "data"), "PYTHONUNBUFFERED": "1"}


def build(
    book: Path, formats: tuple[str, ...] = ("html", "pdf"), workers: int | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        command(book, formats, workers), env=environment(book), capture_output=True, text=True, timeout=900
    )


#: Starts the command in its arguments with SIGINT and SIGQUIT as a terminal gives them. A
#: command started in the background of a script (``make test &``) inherits them ignored, as
#: Unix asks, and Python (as make does) then leaves SIGINT ignored: a test's Ctrl-C would not
#: reach the build, and the build would publish (seen as exit 0 in the SIGINT tests).
AS_FROM_A_TERMINAL = (
    "import os, signal, sys\n"
    "for signum in (signal.SIGINT, signal.SIGQUIT):\n"
    "    signal.signal(signum, signal.SIG_DFL)\n"
    "os.execv(sys.argv[1], sys.argv[1:])\n"
)


def start(book: Path, log: Path, formats: tuple[str, ...] = ("html", "pdf")) -> subprocess.Popen:
    """A build running in the background (its own process group), its output going to ``log``,
    taking signals as one started from a terminal does, however the tests were started."""
    with open(log, "w", encoding="utf-8") as handle:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            [sys.executable, "-c", AS_FROM_A_TERMINAL, *command(book, formats)],
            env=environment(book),
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def wait_for(process: subprocess.Popen, log: Path, marker: str, timeout: float = 600) -> None:
    """Wait until the build started with :func:`start` logs ``marker``."""
    deadline = time.monotonic() + timeout
    while marker not in log.read_text(encoding="utf-8", errors="replace"):
        if process.poll() is not None:
            raise AssertionError(f"the build ended before {marker!r}:\n{log.read_text()[-3000:]}")
        if time.monotonic() > deadline:
            raise AssertionError(f"no {marker!r} within {timeout} s")
        time.sleep(0.05)


def kill_when(
    process: subprocess.Popen,
    log: Path,
    marker: str,
    delay: float,
    signum: int,
    timeout: float = 600,
    alone: bool | None = None,
    book: Path | None = None,
) -> list[str]:
    """Send ``signum`` to the build ``delay`` seconds after ``marker`` is logged, and wait for it
    to end. A SIGKILL goes to its whole process group unless ``alone``; other signals to the build
    alone. Returns what of :func:`processes_of` ``book`` ran just before the signal (given a book)."""
    wait_for(process, log, marker, timeout)
    seen = time.monotonic()
    time.sleep(delay)
    running = processes_of(book) if book is not None else []
    if process.poll() is not None:  # not a build that took the signal: the test came too late
        raise AssertionError(
            f"the build ended (exit code {process.returncode}) within {time.monotonic() - seen:.2f} s of "
            f"{marker!r}, before the signal:\n{log.read_text(encoding='utf-8', errors='replace')[-3000:]}"
        )
    if alone is None:
        alone = signum != signal.SIGKILL
    if alone:
        os.kill(process.pid, signum)  # as a user's Ctrl-C, a CI time-out or the out-of-memory killer
    else:
        os.killpg(process.pid, signum)  # nothing in the group survives, as with a lost machine
    process.wait(timeout=120)
    return running


def published(book: Path) -> Path:
    return book / "_build" / "html"


def published_pdf(book: Path) -> Path:
    return book / "_build" / "pdf" / "book.pdf"


def pdf_text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def edit_value(book: Path, table: str, old: str, new: str) -> None:
    """Change one value in a test book's table and record its hash, as an intended edit would."""
    path = book / "data" / f"{table}.csv"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "helpers.data.datapackage", "--update"],
        env=environment(book),
        check=True,
        capture_output=True,
    )


def shell_quote(cmd: list[str]) -> str:
    return " ".join(shlex.quote(c) for c in cmd)


def processes_of(book: Path) -> list[str]:
    """Command lines of processes still alive that work on ``book``: named in their command line
    (Sphinx runs, the build) or working in its folder (kernels)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            line = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
            cwd = os.readlink(entry / "cwd")
        except OSError:
            continue
        if line and (str(book) in line or Path(cwd).is_relative_to(book)):
            found.append(line)
    return found


def left_running(book: Path, timeout: float = 10) -> list[str]:
    """What of :func:`processes_of` ``book`` is still alive after waiting up to ``timeout``
    seconds for it to end (processes that end by themselves take a moment)."""
    deadline = time.monotonic() + timeout
    while (found := processes_of(book)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return found


def sphinx_processes(book: Path) -> list[str]:
    """Command lines of Sphinx runs (``helpers.book.jupyter_book_cli``) still alive for ``book``."""
    return [line for line in processes_of(book) if "helpers.book.jupyter_book_cli" in line]
