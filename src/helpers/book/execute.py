"""Executing the book's notebooks: in parallel, each once, with a trace of what it read.

The build does not let Sphinx execute notebooks. It executes them here, before Sphinx runs, so
that

* independent notebooks run side by side (one kernel per core), and pages marked
  ``"book": {"execute_last": true}`` in their notebook metadata (the ledger) run after all others,
  with this build's executions of the other pages to read;
* a notebook is executed again only when something it used changed. Each successful execution
  leaves a *trace*: the SHA-256 of the notebook's code and text, of the environment (Python,
  the lock, the execution settings) and of every input it used: data files read through
  ``helpers`` (or only the columns it read: the ledger page reads the tables' source keys), the
  ``helpers`` modules its kernel imported, facts of the build it showed (the commit),
  ``_toc.yml`` if it listed the pages, and the part of other pages' executions it read (the
  ledger reads their cells and glued values: ``helpers.book.glued_values``). The trace is
  written only after the execution succeeded, in one atomic rename, and is trusted only if
  every hash still matches; a failed or killed build therefore never leaves a trace that a
  later build could wrongly trust.

A touched file with the same bytes changes no hash and re-executes nothing. A SIGINT or SIGTERM
while notebooks execute cancels every execution, shuts its kernel down and ends in
``KeyboardInterrupt``: the build says it was interrupted (not that a notebook failed).
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import csv
import hashlib
import json
import os
import shutil
import signal
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from helpers.book import console, glued_values, socket_folders
from helpers.paths import COLUMNS_PART
from helpers.toc import Page

#: Code run in each kernel after the notebook: records the ``helpers`` modules it imported.
RECORD_IMPORTS = "import helpers.paths as _book_paths\n_book_paths.record_imported_helpers()"


class ExecutionFailed(Exception):
    """One or more notebooks failed; the message names each notebook, cell and error."""


def sha256_bytes(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def sha256_file(path: Path) -> str:
    try:
        return sha256_bytes(Path(path).read_bytes())
    except OSError:
        return "missing"


def source_digest(notebook) -> str:
    """Hash of what a notebook *is* (its cells' kinds, sources and metadata), not its outputs."""
    cells = [[cell.cell_type, cell.source, cell.get("metadata", {})] for cell in notebook.cells]
    meta = {k: notebook.metadata.get(k) for k in ("kernelspec", "book", "mystnb")}
    return sha256_bytes(json.dumps([cells, meta], sort_keys=True).encode("utf-8"))


def executes_last(notebook) -> bool:
    return bool(notebook.metadata.get("book", {}).get("execute_last"))


def tidy(notebook) -> None:
    """Drop what differs between runs without meaning anything (execution timestamps)."""
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)


@dataclass
class Inputs:
    """What executions may depend on, as fixed at the start of one build.

    ``resolve`` maps the path a kernel logged to a stable name and its hash: data files are
    named relative to the data folder (the build executes on a snapshot of it), ``helpers``
    modules relative to the package, executions of other pages by page, and other files of the
    book (``_toc.yml``) relative to its root, so that a copied book names them the same.
    """

    data_snapshot: Path
    executed: Path
    package: Path
    facts: dict[str, str]
    code: dict[str, str] = field(default_factory=dict)  # helpers module name -> hash at build start
    root: Path | None = None  # the book's folder

    def resolve(self, logged: str) -> tuple[str, str]:
        name = self._name(logged)
        return name, self.digest(name)

    def _name(self, logged: str) -> str:
        if logged.startswith("fact:"):
            return logged
        raw, _, part = logged.partition("#")
        path = Path(raw)
        for prefix, base in self._bases():
            if path.is_relative_to(base):
                return prefix + path.relative_to(base).as_posix() + (f"#{part}" if part else "")
        return "file:" + logged

    def _bases(self) -> list[tuple[str, Path]]:
        # most specific first: the build's working folders sit inside the book's folder
        bases = [("data/", self.data_snapshot), ("executed/", self.executed), ("helpers/", self.package)]
        return bases + ([("book/", self.root)] if self.root is not None else [])

    def digest(self, name: str) -> str:
        """The current hash of a named input (as of this build's snapshot)."""
        if name.startswith("fact:"):
            return sha256_bytes(self.facts.get(name[len("fact:") :], "").encode("utf-8"))
        raw, _, part = name.partition("#")
        kind, _, rest = raw.partition("/")
        if kind == "helpers" and rest in self.code:
            return self.code[rest]
        base = {prefix.rstrip("/"): base for prefix, base in self._bases()}.get(kind)
        path = base / rest if base is not None else Path(raw[len("file:") :])
        if not part:
            return sha256_file(path)
        if part.startswith(COLUMNS_PART):
            return _columns_digest(path, part[len(COLUMNS_PART) :].split(","))
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
            if path.suffix == ".ipynb" and part == glued_values.LEDGER_PART:
                entry = glued_values.ledger_part(document)
            else:  # one table's entry in datapackage.json
                entry = next((r for r in document["resources"] if r.get("name") == part), None)
        except (OSError, ValueError, KeyError, TypeError):
            return "missing"
        return sha256_bytes(json.dumps(entry, sort_keys=True).encode("utf-8"))


def _columns_digest(path: Path, columns: list[str]) -> str:
    """Hash of some columns of a CSV table, row by row, as text; ``missing`` if one is gone."""
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader)
            where = [header.index(column) for column in columns]
            rows = [[row[i] if i < len(row) else None for i in where] for row in reader]
    except (OSError, ValueError, StopIteration, UnicodeDecodeError, csv.Error):
        return "missing"
    return sha256_bytes(json.dumps(rows).encode("utf-8"))


@dataclass
class Trace:
    """What one successful execution of a page used, with hashes (see the module docstring)."""

    source: str
    environment: str
    inputs: dict[str, str]
    result: str  # file name of the executed notebook in the cache

    def holds(self, source: str, environment: str, inputs: Inputs) -> bool:
        return (
            self.source == source
            and self.environment == environment
            and all(inputs.digest(name) == digest for name, digest in self.inputs.items())
        )


class Cache:
    """Executed notebooks and their traces under ``_build/cache``; every write is atomic."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        (self.root / "traces").mkdir(parents=True, exist_ok=True)
        (self.root / "notebooks").mkdir(parents=True, exist_ok=True)

    def _trace_path(self, docname: str) -> Path:
        return self.root / "traces" / (docname.replace("/", "__") + ".json")

    def trace(self, docname: str) -> Trace | None:
        try:
            return Trace(**json.loads(self._trace_path(docname).read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            return None  # none, or unreadable: execute again

    def notebook(self, trace: Trace) -> bytes | None:
        path = self.root / "notebooks" / trace.result
        try:
            raw = path.read_bytes()
        except OSError:
            return None
        return raw if sha256_bytes(raw) == trace.result.removesuffix(".ipynb") else None

    def store(self, docname: str, raw: bytes, trace_fields: dict) -> None:
        name = sha256_bytes(raw) + ".ipynb"
        _atomic_write(self.root / "notebooks" / name, raw)
        _atomic_write(
            self._trace_path(docname),
            json.dumps({**trace_fields, "result": name}, indent=1, sort_keys=True).encode("utf-8"),
        )

    def prune(self, keep: set[str]) -> None:
        """Remove executed notebooks no trace refers to."""
        for path in (self.root / "notebooks").iterdir():
            if path.name not in keep:
                path.unlink(missing_ok=True)


def _atomic_write(path: Path, raw: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(raw)
    os.replace(temporary, path)


@dataclass
class Job:
    page: Page
    stage_path: Path  # where the notebook sits in the staged book (it runs in that folder)
    notebook: object
    source: str


def _describe_error(page: Page, notebook, error: Exception) -> str:
    """``chapters/x.ipynb, cell 4: ZeroDivisionError: division by zero``."""
    for index, cell in enumerate(notebook.cells, start=1):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                return f"{page.docname}.ipynb, cell {index}: {output.get('ename')}: {output.get('evalue')}"
    first = str(error).strip().splitlines()
    return f"{page.docname}.ipynb: {type(error).__name__}: {first[-1] if first else ''}"


def _stderr_outputs(notebook) -> list[str]:
    found = []
    for index, cell in enumerate(notebook.cells, start=1):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                found.append(f"cell {index} wrote to stderr: {output.get('text', '').strip()[:300]}")
    return found


def _notebook_bytes(notebook) -> bytes:
    # nbformat is imported where a notebook is handled: importing it costs about 2.5 s (jsonschema
    # and its format checkers), which a build that finds nothing changed never needs to pay.
    import nbformat

    return nbformat.writes(notebook).encode("utf-8")


async def _run(job: Job, env: dict[str, str], deps_log: Path, timeout: int, running: set, warm=None) -> None:
    """Execute one notebook; its client is in ``running`` while it runs.

    The kernel talks to the build over IPC sockets (files in a folder of its own), not TCP ports.
    Over TCP, jupyter_client picks a free port for each of the kernel's sockets, lets it go, and
    the kernel binds it a moment later: with kernels starting side by side, one lost a port in
    between and died before replying ("Kernel died before replying to kernel_info"). The folder
    is a short one under the system's temporary folder: a socket's path may not be longer than
    107 bytes, which the build's work folder can exceed.
    """
    import nbformat

    notebook = job.notebook
    notebook.cells.append(nbformat.v4.new_code_cell(RECORD_IMPORTS))
    with ipc_client(notebook, job.stage_path.parent, timeout, warm) as client:
        deps_log.write_text("", encoding="utf-8")
        running.add(client)
        try:
            await client.async_execute(env={**env, "BOOK_DEPS_FILE": str(deps_log)})
        finally:
            running.discard(client)
            notebook.cells.pop()


@contextlib.contextmanager
def ipc_client(notebook, folder: Path, timeout: int, warm=None):
    """An nbclient client that runs ``notebook`` in ``folder``, stopping at the first error, its
    kernel talking over IPC sockets in a folder of its own (removed afterwards), for the reasons
    :func:`_run` gives; ``make notebooks`` uses it too. The kernel manager nbclient creates (and
    so shuts down after the run) takes the sockets' configuration; a kernel still running once the
    client is done with it (stopped as it started) is killed before the folder goes. ``warm``: a
    :class:`helpers.book.warm_kernels.WarmProcess` that forks the kernel."""
    from nbclient import NotebookClient
    from traitlets.config import Config

    sockets = socket_folders.new("book-kernel-")
    extra = {}
    if warm is not None:
        from helpers.book import warm_kernels

        extra["kernel_manager_class"] = warm_kernels.kernel_manager_class(warm)
    client = None
    try:
        client = NotebookClient(
            notebook,
            **extra,
            config=Config({"KernelManager": {"transport": "ipc", "ip": str(sockets / "kernel")}}),
            timeout=timeout,
            kernel_name="python3",
            allow_errors=False,
            resources={"metadata": {"path": str(folder)}},
        )
        yield client
    finally:
        if client is not None:
            _kill_a_kernel_left_running(client)
            _take_back_a_spent_exit_hook(client)
        shutil.rmtree(sockets, ignore_errors=True)


def _kill_a_kernel_left_running(client) -> None:
    """Kill ``client``'s kernel if it still runs, and wait for it to end.

    nbclient shuts a kernel down once it has started; one stopped while it starts (a build
    stopped just then) is left running, and a kernel that has not yet bound its sockets when
    their folder goes prints a traceback into the build's output as it dies.
    """
    provisioner = getattr(client.km, "provisioner", None)
    kernel = getattr(provisioner, "process", None)
    if kernel is not None and kernel.poll() is None:
        kernel.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            kernel.wait(timeout=10)


def _take_back_a_spent_exit_hook(client) -> None:
    """Unregister nbclient's exit hook for ``client`` once its clean-up has run.

    nbclient registers a hook to shut its kernel down should the process exit first, and takes
    it back at the end of its clean-up. A build stopped while a page shuts its kernel down cuts
    that clean-up short after it dropped its kernel manager (its last step) but before it took
    the hook back; the hook then failed as the build exited ("assert self.km is not None", a
    traceback in a stopped build's output). A hook whose kernel manager is still there (a page
    stopped while its kernel started) is left: it removes the kernel's connection file at exit.
    """
    if client.km is None:
        atexit.unregister(client._cleanup_kernel)


STOPPING_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class _BuildLoop(asyncio.SelectorEventLoop):
    """An event loop on which only the build handles signals.

    nbclient sets its own SIGINT and SIGTERM handlers on the loop for each notebook: a signal
    shut one kernel down, so that notebook "failed" while the others ran on, and on its way out
    it reset SIGTERM to the default action (die at once, cleaning nothing up) for the rest of the
    build. Here nbclient's calls are refused (it expects that off the main thread and carries
    on), and :func:`_run_stoppably` sets the build's own.
    """

    def add_signal_handler(self, sig, callback, *args):
        raise RuntimeError("while notebooks execute, the build handles signals")

    def remove_signal_handler(self, sig):
        raise RuntimeError("while notebooks execute, the build handles signals")


def _run_stoppably(main, stopped: list[int], running: set) -> None:
    """Run the coroutine ``main``; on SIGINT or SIGTERM, note the signal in ``stopped`` and
    cancel it, so that every kernel is shut down (nbclient's clean-up runs as it is cancelled).
    The kernels of the clients in ``running`` are shut down at once, not asked to finish their
    cell first (a kernel asked mid-cell logs a traceback as its sockets close).

    The process's own handlers for those signals are as before once this returns.
    """
    loop = _BuildLoop()
    asyncio.set_event_loop(loop)  # as asyncio.run does: code that asks for the current loop gets it
    previous = {signum: signal.getsignal(signum) for signum in STOPPING_SIGNALS}
    installed = []
    try:
        task = loop.create_task(main)

        def stop(signum: int) -> None:
            stopped.append(signum)
            for client in running:
                client.shutdown_kernel = "immediate"
            task.cancel()

        if threading.current_thread() is threading.main_thread():
            for signum in STOPPING_SIGNALS:
                asyncio.SelectorEventLoop.add_signal_handler(loop, signum, stop, signum)
                installed.append(signum)
        try:
            loop.run_until_complete(task)
        except asyncio.CancelledError:
            if not stopped:
                raise
        finally:
            leftovers = [t for t in asyncio.all_tasks(loop) if not t.done()]
            for leftover in leftovers:
                leftover.cancel()
            if leftovers:
                loop.run_until_complete(asyncio.gather(*leftovers, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
    finally:
        for signum in installed:
            asyncio.SelectorEventLoop.remove_signal_handler(loop, signum)
            signal.signal(signum, previous[signum])
        asyncio.set_event_loop(None)
        loop.close()


async def _every_one(coroutines) -> None:
    """Run ``coroutines`` side by side until every one has ended, then raise the first
    exception one raised (or CancelledError if the wait was cancelled).

    ``asyncio.gather`` ends as soon as one coroutine is cancelled or fails: a page cancelled
    before its kernel was ready (a stopped build) ended the wait while the other pages were
    still shutting their kernels down, and the build then cancelled those again, cutting the
    shutdown short (nbclient left its exit hook behind, which failed as the build exited).
    """
    outcomes = await asyncio.gather(*coroutines, return_exceptions=True)
    for outcome in outcomes:
        if isinstance(outcome, BaseException):
            raise outcome


def _holding_trace(job: Job, cache: Cache, inputs: Inputs, environment: str) -> Trace | None:
    """The trace of ``job``'s last execution if it still holds (same notebook, environment and
    inputs), else None."""
    trace = cache.trace(job.page.docname)
    return trace if trace is not None and trace.holds(job.source, environment, inputs) else None


def _pages_to_execute(jobs: list[Job], cache: Cache, inputs: Inputs, environment: str) -> int:
    """How many pages will execute: those whose trace does not hold, and a page executed last
    (the ledger) unless nothing else executes and its own trace holds."""

    def holds(job: Job) -> bool:
        return _holding_trace(job, cache, inputs, environment) is not None

    first = sum(1 for job in jobs if not executes_last(job.notebook) and not holds(job))
    last = sum(1 for job in jobs if executes_last(job.notebook) and (first or not holds(job)))
    return first + last


def execute(
    jobs: list[Job],
    cache: Cache,
    inputs: Inputs,
    environment: str,
    env: dict[str, str],
    workdir: Path,
    timeout: int,
    workers: int,
    log=None,
    when_cores_free=None,
    started_ahead=None,
) -> dict[str, bytes]:
    """Execute (or take from the cache) every job's notebook; return executed notebooks by page.

    Independent notebooks run ``workers`` at a time; those marked ``execute_last`` run after all
    others have finished. Raises :class:`ExecutionFailed` naming every failed notebook.
    ``when_cores_free`` is called once, as soon as every independent notebook has taken a core
    (to execute, or found reusable): from then on fewer kernels than cores run, and the build
    starts Sphinx on what they leave idle. ``started_ahead``: a warm process the build started
    before it knew what would execute (:func:`helpers.book.warm_kernels.start_ahead`): every
    kernel is forked from it, and it is stopped once the pages are done, or at once if no page
    executes. Without one (where kernels cannot be forked), kernels start the usual way.
    """
    log = log or console.say
    results: dict[str, bytes] = {}
    failures: list[str] = []
    stopped: list[int] = []  # the signal that stopped the build, if one did
    running: set = set()  # the clients of the notebooks executing now
    warm = None  # the warm process that forks the kernels, if enough pages execute
    (workdir / "deps").mkdir(parents=True, exist_ok=True)
    inputs.executed.mkdir(parents=True, exist_ok=True)

    def reuse(job: Job) -> bool:
        trace = _holding_trace(job, cache, inputs, environment)
        if trace is None:
            return False
        raw = cache.notebook(trace)
        if raw is None:
            return False
        results[job.page.docname] = raw
        (inputs.executed / f"{job.page.docname}.ipynb").parent.mkdir(parents=True, exist_ok=True)
        (inputs.executed / f"{job.page.docname}.ipynb").write_bytes(raw)
        return True

    independent = [job for job in jobs if not executes_last(job.notebook)]
    cores_free = when_cores_free or (lambda: None)
    waiting = len(independent)  # independent notebooks that have not yet taken a core

    def took_a_core(job: Job) -> None:
        nonlocal waiting
        if not executes_last(job.notebook):
            waiting -= 1
            if waiting == 0:
                cores_free()

    async def one(job: Job, gate: asyncio.Semaphore) -> None:
        async with gate:
            took_a_core(job)
            if reuse(job):
                log(f"[execute] {job.page.docname}: unchanged, reusing its execution")
                return
            log(f"[execute] executing {job.page.docname}")
            started = time.monotonic()
            deps_log = workdir / "deps" / (job.page.docname.replace("/", "__") + ".txt")
            try:
                await _run(job, env, deps_log, timeout, running, warm)
            except Exception as error:
                if not stopped:  # a kernel shut down because the build was stopped did not fail
                    failures.append(_describe_error(job.page, job.notebook, error))
                return
            problems = _stderr_outputs(job.notebook)
            if problems:
                failures.extend(f"{job.page.docname}.ipynb: {p}" for p in problems)
                return
            tidy(job.notebook)
            raw = _notebook_bytes(job.notebook)
            logged = {line for line in deps_log.read_text(encoding="utf-8").splitlines() if line}
            used = dict(inputs.resolve(line) for line in sorted(logged))
            cache.store(job.page.docname, raw, {"source": job.source, "environment": environment, "inputs": used})
            results[job.page.docname] = raw
            target = inputs.executed / f"{job.page.docname}.ipynb"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(raw)
            log(f"[execute] executed {job.page.docname} in {time.monotonic() - started:.2f} s")

    async def run_all() -> None:
        gate = asyncio.Semaphore(max(1, workers))
        last = [job for job in jobs if executes_last(job.notebook)]
        if not independent:
            cores_free()
        await _every_one([one(job, gate) for job in independent])
        if failures:
            return  # pages that read the others' executions cannot be right
        await _every_one([one(job, gate) for job in last])

    try:
        if started_ahead is not None:
            if _pages_to_execute(jobs, cache, inputs, environment):
                # (the ledger page counts until it is known whether its trace holds: perhaps none)
                log("[execute] the pages that execute have their kernels forked from the warm process started ahead")
                warm = started_ahead
            else:
                started_ahead.stop()  # not left importing beside the Sphinx runs
        _run_stoppably(run_all(), stopped, running)
    finally:
        if warm is not None:
            warm.stop()
    if stopped:
        raise KeyboardInterrupt(f"signal {stopped[0]} while notebooks were executing")
    if failures:
        raise ExecutionFailed("\n".join(failures))
    return results
