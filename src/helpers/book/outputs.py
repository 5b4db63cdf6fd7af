"""The commands that turn the staged, executed book into each format, run side by side.

* ``html``: ``jupyter-book build`` (the HTML builder).
* ``latex``: ``jupyter-book build --builder latex``: the PDF's LaTeX sources (``book.tex``, its
  images and Sphinx's support files), without compiling them.
* ``pdf``: the LaTeX sources, then ``make all-pdf`` in their folder (Sphinx's Makefile: latexmk,
  xelatex, xdvipdfmx); or, given the LaTeX sources an earlier build wrote from exactly the same
  inputs, a copy of them and ``make all-pdf`` alone.

Each format is a chain of steps in its own processes, in a fresh output folder, with its output
streamed line by line under a ``[format]`` prefix; the chain stops at the first step that fails.
A *gated* chain starts its Sphinx process at once but lets it build only on :meth:`Run.go`.
Sphinx runs through :mod:`helpers.book.jupyter_book_cli`, which skips the interpreter's teardown.
"""

from __future__ import annotations

import contextlib
import functools
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from helpers.book import console, jupyter_book_cli, processes

#: Read by latexmk after Sphinx's own latexmkrc. xdvipdfmx compresses at level 6 instead of 9:
#: about a second less for the book's 116 pages, for a PDF about 3% larger.
LATEXMKRC = "$xdvipdfmx = 'xdvipdfmx -z 6 -E -o %D %O %S';\n"
LATEXMKRC_NAME = "book.latexmkrc"
#: latexmk runs xelatex without writing a PDF on each pass and converts to PDF once at the end
#: (what Sphinx's LaTeX Makefile advises "for faster builds"), then reads the book's rc file.
#: ``-silent``: xelatex's account of every file it loads and every page it ships (about 500 lines
#: a build) goes to ``book.log`` alone; latexmk still says each pass it starts, and a compile that
#: fails says the errors it stopped on (:func:`latex_errors`).
LATEXMKOPTS = f"-xelatex -r {LATEXMKRC_NAME} -silent"
#: How many of a failed compile's LaTeX errors the build repeats from ``book.log``.
LATEX_ERRORS_SHOWN = 3

Step = list[str] | Callable[[], None]


def jupyter_book(source: Path, output: Path, flags: list[str], *builder: str, gated: bool = False) -> list[str]:
    """``jupyter-book build`` of ``source`` into ``output`` (``builder``: e.g. ``--builder latex``);
    ``gated``: started now, building only after :meth:`Run.go`."""
    return [
        sys.executable,
        "-m",
        "helpers.book.jupyter_book_cli",
        *([jupyter_book_cli.WAIT_FOR_GO] if gated else []),
        "build",
        *builder,
        *flags,
        "--path-output",
        str(output),
        str(source),
    ]


class Run:
    """One format: its steps run one after another in a thread; ``wait`` returns the exit code.

    ``gated``: the first step is a Sphinx run started with ``--wait-for-go``: it imports what it
    needs at once and builds only once :meth:`go` is called (the pages are staged); ``stop``
    before that ends it having done nothing.
    """

    def __init__(
        self,
        fmt: str,
        steps: list[tuple[Step, Path | None]],
        result: Path,
        env: dict[str, str],
        gated: bool = False,
        explain: Callable[[], list[str]] | None = None,
    ) -> None:
        self.fmt = fmt
        self.gated = gated
        self._go = threading.Event()
        self.result = result
        self.env = {**env, **_colours(env)}
        self.lines: list[str] = []
        #: What ``explain`` (given) said of a failed step: the lines that say why it failed.
        self.explained: list[str] = []
        self._explain = explain
        self.code: int | None = None
        self.finished_at: float | None = None  # time.monotonic() when the last step ended
        self._process: subprocess.Popen | None = None
        self._stopped = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, args=(steps,), daemon=True)
        self._thread.start()

    def _say(self, line: str) -> None:
        self.lines.append(line)
        console.say(f"[{self.fmt}] {line}")

    def _run(self, steps: list[tuple[Step, Path | None]]) -> None:
        code = 0
        try:
            for index, (step, cwd) in enumerate(steps):
                waits = self.gated and index == 0
                if self._stopped.is_set():
                    code = 1
                    break
                if callable(step):
                    step()
                    continue
                self._say(f"$ {' '.join(step)}" + (f"  (in {cwd})" if cwd else ""))
                with self._lock:
                    if self._stopped.is_set():
                        code = 1
                        break
                    self._process = subprocess.Popen(
                        step,
                        cwd=cwd,
                        env=self.env,
                        stdin=subprocess.PIPE if waits else subprocess.DEVNULL,
                        stdout=subprocess.PIPE,
                        stderr=subprocess.STDOUT,
                        text=True,
                        errors="replace",
                    )
                    if waits and self._go.is_set():
                        self._send_go()
                for line in self._process.stdout:
                    self._say(line)
                code = self._process.wait()
                if code != 0:
                    if self._explain is not None and not self._stopped.is_set():
                        self.explained = self._explain()
                        for line in self.explained:
                            self._say(line)
                    break
        except Exception as error:  # a step that could not start or a preparation that failed
            self._say(f"ERROR: {error}")
            code = 1
        self.code = code
        self.finished_at = time.monotonic()

    def go(self) -> None:
        """The pages are staged: a gated run starts building (a run not gated ignores this)."""
        with self._lock:
            self._go.set()
            self._send_go()

    def _send_go(self) -> None:  # with self._lock held
        process = self._process
        if self.gated and process is not None and process.stdin is not None and not process.stdin.closed:
            try:
                process.stdin.write("go\n")
                process.stdin.close()
            except OSError:  # it has already ended; its exit code says how
                pass

    def wait(self) -> int:
        self._thread.join()
        return self.code if self.code is not None else 1

    def stop(self) -> None:
        """Stop the running step with every process it started (``make all-pdf`` runs latexmk,
        which runs xelatex), and start no other."""
        self._stopped.set()
        with self._lock:
            process = self._process
        if process is None or process.poll() is not None:
            return
        # found before the step ends: its processes then lose their parent, and the trace to it
        step = [(process.pid, processes.started(process.pid)), *processes.descendants(process.pid)]
        for pid, started in step:
            processes.signal_if_running(pid, started, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)
        for pid, started in step:
            processes.signal_if_running(pid, started, signal.SIGKILL)  # whatever of the step is still there

    def warnings(self) -> list[str]:
        said = [line.strip() for line in self.lines if "WARNING" in line or "ERROR" in line or "Error" in line]
        return [*self.explained, *(line for line in said if line not in self.explained)][:20]


def _colours(env: dict[str, str]) -> dict[str, str]:
    """Sphinx colours its output only for a terminal, and its output goes to the build, which
    prints it: in colour when the build's own output is a terminal (``NO_COLOR`` says never)."""
    if "NO_COLOR" in env or "FORCE_COLOR" in env or not sys.stdout.isatty():
        return {}
    return {"FORCE_COLOR": "1"}


def latex_errors(log: Path, shown: int = LATEX_ERRORS_SHOWN) -> list[str]:
    """The first ``shown`` errors in a LaTeX log, each on one line as TeX wrote it: the line
    starting with ``!``, those after it down to the line of the source it stopped at
    (``l.<n> ...``), and the rest of that source line; then where the whole log is (a failed
    build leaves its folder until the next build). Nothing if there is no log (the compile
    failed before xelatex ran, and what failed says so itself)."""
    try:
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    errors: list[str] = []
    for index, line in enumerate(lines):
        if len(errors) == shown:
            break
        if not line.startswith("!"):
            continue
        error = [line]
        for at in range(index + 1, min(index + 8, len(lines))):
            if lines[at].startswith("!"):
                break
            error.append(lines[at])
            if lines[at].startswith("l."):
                error += lines[at + 1 : at + 2]
                break
        errors.append(" ".join(part.strip() for part in error if part.strip()))
    if not errors:
        return []
    return [*(f"LaTeX error: {error}" for error in errors), f"LaTeX's whole log: {log}"]


def html(source: Path, output: Path, flags: list[str], env: dict[str, str], gated: bool = False) -> Run:
    command = jupyter_book(source, output, flags, gated=gated)
    return Run("html", [(command, None)], output / "_build" / "html", env, gated)


def latex(source: Path, output: Path, flags: list[str], env: dict[str, str], gated: bool = False) -> Run:
    command = jupyter_book(source, output, flags, "--builder", "latex", gated=gated)
    return Run("latex", [(command, None)], output / "_build" / "latex", env, gated)


def _compile_steps(folder: Path) -> list[tuple[Step, Path | None]]:
    def write_rc() -> None:
        (folder / LATEXMKRC_NAME).write_text(LATEXMKRC, encoding="utf-8")

    return [(write_rc, None), (["make", "all-pdf"], folder)]


def pdf(
    source: Path, output: Path, flags: list[str], env: dict[str, str], sources: Path | None = None, gated: bool = False
) -> Run:
    """The PDF; from ``sources`` (LaTeX sources written from the same inputs) when given, else
    from a Sphinx run (``gated``: see :class:`Run`). A compile that fails says the errors xelatex
    wrote to ``book.log``, which ``-silent`` keeps out of the build's output (a failed Sphinx run
    writes no log, and its warnings say why themselves)."""
    env = {**env, "LATEXMKOPTS": LATEXMKOPTS}
    if sources is not None:
        folder = output / "latex"

        def copy() -> None:
            shutil.copytree(sources, folder)

        first, gated = copy, False
    else:
        folder = output / "_build" / "latex"
        first = jupyter_book(source, output, flags, "--builder", "latex", gated=gated)
    steps = [(first, None), *_compile_steps(folder)]
    return Run("pdf", steps, folder / "book.pdf", env, gated, functools.partial(latex_errors, folder / "book.log"))
