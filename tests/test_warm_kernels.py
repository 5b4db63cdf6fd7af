"""Kernels forked from the warm process are fresh kernels, and none outlives the build."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import pytest

from helpers.book import execute, processes, socket_folders, warm_kernels

REPORT = """\
import json, os, random, sys
print(json.dumps({
    "cwd": os.getcwd(),
    "env": dict(os.environ),
    "pid": os.getpid(),
    "session": os.getsid(0),
    "stdin": os.readlink("/proc/self/fd/0"),
    "helpers": sorted(m for m in sys.modules if m == "helpers" or m.startswith("helpers.")),
    "pandas_loaded": "pandas" in sys.modules,
    "random": random.random(),
}))
"""


def run_report(folder: Path, warm, env: dict[str, str]) -> dict:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(REPORT)]
    with execute.ipc_client(notebook, folder, 60, warm) as client:
        asyncio.run(client.async_execute(env=env))
    return json.loads(notebook.cells[0].outputs[0]["text"])


def alive(pid: int) -> bool:
    return processes.started(pid) is not None  # a zombie has ended


@pytest.fixture
def warm():
    process = warm_kernels.WarmProcess({**os.environ, "WARM_ONLY": "1"})
    yield process
    process.stop()


def test_a_forked_kernel_is_a_fresh_kernel_in_the_pages_folder(warm, tmp_path: Path):
    env = {**os.environ, "PAGE_ONLY": "yes"}
    first = run_report(tmp_path, warm, env)
    second = run_report(tmp_path, warm, env)
    assert first["cwd"] == str(tmp_path)
    assert first["env"]["PAGE_ONLY"] == "yes" and "WARM_ONLY" not in first["env"]  # exactly the page's environment
    assert first["session"] == first["pid"]  # its own session: a signal to the build's group misses it
    assert first["stdin"] == "/dev/null"
    assert first["pandas_loaded"]  # imported once, in the warm process
    assert first["helpers"] == []  # a page's trace lists the helpers modules it imported itself
    assert first["random"] != second["random"]  # seeded afresh, as a new process is
    assert first["pid"] != second["pid"] and not alive(first["pid"])


def kernel_of(warm, folder: Path):
    """A kernel forked without a client: it writes its own connection file and waits."""
    return warm.fork(str(folder), dict(os.environ), ["-f", str(folder / "kernel.json")])


def test_the_kernel_manager_sees_a_forked_kernel_end(warm, tmp_path: Path):
    kernel = kernel_of(warm, tmp_path)
    assert kernel.poll() is None and alive(kernel.pid)
    kernel.terminate()
    assert kernel.wait(timeout=30) == -signal.SIGTERM and kernel.poll() == -signal.SIGTERM
    assert not alive(kernel.pid)


def test_a_kernel_dies_with_the_warm_process(warm, tmp_path: Path):
    kernel = kernel_of(warm, tmp_path)
    assert alive(kernel.pid)
    os.kill(warm.process.pid, signal.SIGKILL)  # as when the build is killed: it takes its kernels along
    assert kernel.wait(timeout=30) == -signal.SIGKILL
    assert not alive(kernel.pid)


#: Run in a process that adopts orphans and never reaps them (PR_SET_CHILD_SUBREAPER), as a
#: container's first process may: a kernel that outlives its warm process stays a zombie there.
UNREAPED_ORPHAN = """\
import ctypes, os, signal, sys
from helpers.book.warm_kernels import WarmProcess
assert ctypes.CDLL(None, use_errno=True).prctl(36, 1) == 0  # PR_SET_CHILD_SUBREAPER
warm = WarmProcess(dict(os.environ))
kernel = warm.fork(sys.argv[1], dict(os.environ), ["-f", sys.argv[1] + "/kernel.json"])
if sys.argv[2] == "killed":
    os.kill(warm.process.pid, signal.SIGKILL)  # as when the build is killed
else:
    warm.stop()  # the build is done (stopped) while the kernel still runs
print(kernel.wait(timeout=30), kernel.poll(), flush=True)
"""


@pytest.mark.parametrize("warm_process", ["killed", "stopped"])
def test_a_kernel_ended_with_its_warm_process_is_seen_to_end_while_nobody_reaps_it(warm_process, tmp_path: Path):
    """CI hung here: the kernel, adopted by a first process that never reaps, stayed a zombie,
    and its handle took a zombie for a running kernel, for ever, time-out or not."""
    script = [sys.executable, "-c", UNREAPED_ORPHAN, str(tmp_path), warm_process]
    run = subprocess.run(script, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.split() == [str(-signal.SIGKILL)] * 2


#: A child whose parent ends before the child asks to die with it (the kernel forked just as the
#: build is killed): Linux would never signal it, so it must see that and end at once.
PARENT_GONE_FIRST = """\
import os, sys, time
from helpers.book import warm_kernels
parent = os.getpid()
read, write = os.pipe()
if os.fork() == 0:
    os.close(write)
    os.read(read, 1)  # until the parent has ended
    warm_kernels._die_with_parent(parent)
    time.sleep(5)  # (a SIGKILL sent by Linux as the parent ended takes a moment to arrive)
    print("still running", flush=True)
    os._exit(0)
os._exit(0)
"""


def test_a_process_whose_parent_ended_before_it_asked_to_die_with_it_ends():
    # the run's output closes when the child ends too: what it printed is all it printed
    run = subprocess.run([sys.executable, "-c", PARENT_GONE_FIRST], capture_output=True, text=True, timeout=60)
    assert (run.stdout, run.stderr) == ("", "")


def killed_build_with_a_warm_process(env: dict[str, str]) -> tuple[int, Path]:
    """A build that started a warm process, killed outright (SIGKILL: no clean-up runs in it);
    its warm process's pid and socket folder, once that process has ended or 10 s have passed."""
    script = (
        "import os, sys, time\n"
        "from helpers.book.warm_kernels import WarmProcess\n"
        "warm = WarmProcess(dict(os.environ))\n"
        "print(warm.process.pid, warm.folder, flush=True)\n"
        "time.sleep(60)\n"
    )
    build = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=env)
    pid, folder = build.stdout.readline().split()
    build.kill()
    build.wait()
    deadline = time.monotonic() + 10
    while alive(int(pid)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return int(pid), Path(folder)


def test_the_warm_process_dies_with_the_build():
    pid, _ = killed_build_with_a_warm_process(dict(os.environ))
    assert not alive(pid)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="no /proc: no process can be told running or not")
def test_a_killed_builds_warm_socket_folder_is_removed_by_the_next_warm_process(tmp_path: Path, monkeypatch):
    """A build killed outright cannot remove the folder of its warm process's socket; the warm
    process ends with it, and the next one, of any book, removes the folder."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    _, folder = killed_build_with_a_warm_process({**os.environ, "TMPDIR": str(temp)})
    assert folder.parent == temp and folder.exists()

    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    following = warm_kernels.WarmProcess(dict(os.environ))
    try:
        assert not folder.exists(), "the killed build's warm folder is still there"
        assert following.folder.exists()
    finally:
        following.stop()
    assert not following.folder.exists()


def test_a_warm_process_that_died_falls_back_to_a_usual_kernel(tmp_path: Path):
    broken = warm_kernels.WarmProcess(dict(os.environ))
    broken.process.kill()
    broken.process.wait()
    try:
        report = run_report(tmp_path, broken, dict(os.environ))
    finally:
        broken.stop()
    assert report["cwd"] == str(tmp_path) and not report["pandas_loaded"]


def test_the_pages_that_will_execute_are_counted_before_any_executes(tmp_path: Path, monkeypatch):
    # the build's warm process, started ahead, is used when this count is not zero
    from helpers.toc import Page

    cache = execute.Cache(tmp_path / "cache")
    inputs = execute.Inputs(data_snapshot=tmp_path, executed=tmp_path / "executed", package=tmp_path, facts={})

    def job(name: str, last: bool = False) -> execute.Job:
        notebook = nbformat.v4.new_notebook(metadata={"book": {"execute_last": True}} if last else {})
        page = Page(docname=name, path=tmp_path / f"{name}.ipynb")
        return execute.Job(page, tmp_path / f"{name}.ipynb", notebook, source=name)

    def executed_before(*names: str) -> None:
        for name in names:
            cache.store(name, b"{}", {"source": name, "environment": "e", "inputs": {}})

    pages = [job("a"), job("b"), job("c"), job("ledger", last=True)]
    assert execute._pages_to_execute(pages, cache, inputs, "e") == 4  # a clean build: four pages
    executed_before("a", "b", "ledger")
    assert execute._pages_to_execute(pages, cache, inputs, "e") == 2  # c, then the ledger
    executed_before("c")
    assert execute._pages_to_execute(pages, cache, inputs, "e") == 0  # nothing at all
    assert execute._pages_to_execute(pages, cache, inputs, "e2") == 4  # a new environment: everything
    assert not warm_kernels.worth_forking(2) and warm_kernels.worth_forking(3)  # make notebooks' rule
    monkeypatch.setattr(sys, "platform", "darwin")
    assert warm_kernels.start_ahead(dict(os.environ), tmp_path) is None  # Linux only
    assert not warm_kernels.worth_forking(4)


def stuck_warm_process() -> warm_kernels.WarmProcess:
    """A warm process that takes requests and never forks."""
    stuck = object.__new__(warm_kernels.WarmProcess)
    stuck.folder = socket_folders.new("book-warm-")  # as a real one's
    stuck.path = stuck.folder / "warm.sock"
    stuck.asked = False
    listen = (
        "import socket, sys, time\n"
        "s = socket.socket(socket.AF_UNIX)\n"
        "s.bind(sys.argv[1])\n"
        "s.listen(4)\n"
        "time.sleep(120)\n"
    )
    stuck.process = subprocess.Popen([sys.executable, "-c", listen, str(stuck.path)], stdin=subprocess.PIPE)
    return stuck


def test_a_warm_process_that_never_answers_falls_back_to_a_usual_kernel(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.setattr(warm_kernels, "FORK_TIMEOUT", 1)
    stuck = stuck_warm_process()
    try:
        report = run_report(tmp_path, stuck, dict(os.environ))
    finally:
        stuck.process.kill()
        stuck.stop()
    assert report["cwd"] == str(tmp_path) and not report["pandas_loaded"]
    assert "timed out; starting a kernel the usual way" in capsys.readouterr().out  # not waiting for ever


def stop_while_starting(warm, folder: Path, monkeypatch, when: str) -> warm_kernels.ForkedKernel:
    """Run a notebook and cancel it (as a stopped build does) while its kernel starts: ``when``
    "forking" (the warm process has not answered yet) or "forked" (the kernel is starting up).
    Returns the kernel, once the build's side is done with it."""
    forked: list[warm_kernels.ForkedKernel] = []
    fork = warm.fork

    def slow_fork(*args):
        if when == "forking":
            time.sleep(0.5)  # the signal comes meanwhile
        forked.append(fork(*args))
        return forked[-1]

    monkeypatch.setattr(warm, "fork", slow_fork)
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("1")]

    async def run_and_stop(client) -> None:
        task = asyncio.ensure_future(client.async_execute(env=dict(os.environ)))
        if when == "forking":
            await asyncio.sleep(0.1)
        else:
            while not forked:
                await asyncio.sleep(0.001)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    with execute.ipc_client(notebook, folder, 60, warm) as client:
        asyncio.run(run_and_stop(client))  # (which waits for the fork still under way)
    assert len(forked) == 1
    return forked[0]


@pytest.mark.parametrize("when", ["forking", "forked"])
def test_a_kernel_starting_as_the_build_is_stopped_is_shut_down_before_its_sockets_go(
    warm, tmp_path: Path, monkeypatch, capfd, when: str
):
    """CI failed here: a Ctrl-C came as a kernel was being forked, the kernel started with nobody
    to shut it down once its sockets' folder was gone, and it printed a traceback into the build's
    output ("No such file or directory for ipc path"). nbclient shuts a kernel down only once it
    has started; before that, and for a fork still under way, the build must."""
    kernel = stop_while_starting(warm, tmp_path, monkeypatch, when)
    assert kernel.wait(timeout=10) == -signal.SIGKILL  # not a kernel that started, or failed to
    assert "Traceback" not in capfd.readouterr().err


def test_a_stop_does_not_wait_for_a_warm_process_that_hangs(tmp_path: Path, monkeypatch):
    # a stopped build waits for a fork under way (to shut its kernel down), but not for as long
    # as a request may wait (FORK_TIMEOUT): a Ctrl-C should not take minutes
    monkeypatch.setattr(warm_kernels, "STOP_WAIT", 0.5)
    stuck = stuck_warm_process()
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("1")]
    loop = asyncio.new_event_loop()  # closed without waiting for the thread still asking (as the build's is)
    started = time.monotonic()
    try:
        with execute.ipc_client(notebook, tmp_path, 60, stuck) as client:
            task = loop.create_task(client.async_execute(env=dict(os.environ)))
            loop.run_until_complete(asyncio.sleep(0.2))
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                loop.run_until_complete(task)
        stopped_after = time.monotonic() - started
    finally:
        loop.close()
        stuck.process.kill()
        stuck.stop()
    assert stopped_after < warm_kernels.FORK_TIMEOUT / 4


def test_a_warm_process_started_ahead_forks_even_one_page_and_goes_when_nothing_executes(tmp_path: Path):
    """The build starts the warm process before it validates and stages (its imports take the
    other core meanwhile), so one page alone is forked from it; a build that then finds nothing
    to execute ends it at once, rather than leave it importing beside the Sphinx runs."""
    from helpers.toc import Page

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(REPORT)]
    page = Page(docname="page", path=tmp_path / "page.ipynb")
    cache = execute.Cache(tmp_path / "cache")
    package = Path(execute.__file__).resolve().parents[1]
    inputs = execute.Inputs(data_snapshot=tmp_path, executed=tmp_path / "executed", package=package, facts={})
    env = dict(os.environ)

    def build(work: str) -> tuple[dict[str, bytes], warm_kernels.WarmProcess]:
        job = execute.Job(page, tmp_path / "page.ipynb", nbformat.from_dict(notebook), source="page")
        ahead = warm_kernels.start_ahead(env, tmp_path)
        try:
            return execute.execute([job], cache, inputs, "e", env, tmp_path / work, 60, 1, started_ahead=ahead), ahead
        finally:
            ahead.stop()

    executed, ahead = build("first")
    report = json.loads(nbformat.reads(executed["page"], as_version=4).cells[0].outputs[0]["text"])
    assert report["pandas_loaded"]  # forked from the warm process, which had imported pandas
    assert report["cwd"] == str(tmp_path) and report["pid"] != ahead.process.pid

    executed, ahead = build("second")  # the page's execution is reused: no kernel at all
    assert ahead.process.poll() == -signal.SIGKILL  # killed at once, not left to end after its imports
    assert json.loads(nbformat.reads(executed["page"], as_version=4).cells[0].outputs[0]["text"]) == report


def test_a_warm_process_never_asked_for_a_kernel_stops_without_waiting_for_its_imports():
    # a build whose ledger page, counted as executing, turned out to hold its trace waited
    # a second here: the warm process reads its standard input only after its imports
    # (ended by its closed standard input, once its imports are done, it would exit with 0)
    warm = warm_kernels.WarmProcess(dict(os.environ))
    time.sleep(0.1)  # importing now
    warm.stop()
    assert warm.process.returncode == -signal.SIGKILL and not warm.folder.exists()
