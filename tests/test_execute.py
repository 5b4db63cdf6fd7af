"""The execution cache trusts a page's earlier execution only while everything it used is unchanged."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from helpers.book import execute

PACKAGE = Path(execute.__file__).resolve().parents[1]


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def make_inputs(tmp_path: Path) -> execute.Inputs:
    data = tmp_path / "data"
    data.mkdir()
    (data / "territory.csv").write_text("a\n1\n", encoding="utf-8")
    return execute.Inputs(
        data_snapshot=data,
        executed=tmp_path / "executed",
        package=PACKAGE,
        facts={"commit": "abc", "build_date": "2026-11-22"},
        code={"data/load.py": "load-v1", "book/bench.py": "bench-v1"},
    )


def test_a_trace_holds_until_something_it_used_changes(tmp_path: Path):
    inputs = make_inputs(tmp_path)
    used = dict(
        inputs.resolve(line)
        for line in (str(tmp_path / "data" / "territory.csv"), str(PACKAGE / "data" / "load.py"), "fact:commit")
    )
    assert set(used) == {"data/territory.csv", "helpers/data/load.py", "fact:commit"}
    trace = execute.Trace(source="s", environment="e", inputs=used, result="r.ipynb")
    assert trace.holds("s", "e", inputs)

    inputs.code["book/bench.py"] = "bench-v2"  # code the page never imported
    inputs.facts["build_date"] = "2026-11-23"  # a fact the page never showed
    assert trace.holds("s", "e", inputs)

    (tmp_path / "data" / "territory.csv").touch()  # same bytes, newer time
    assert trace.holds("s", "e", inputs)

    assert not trace.holds("s2", "e", inputs)  # the notebook itself changed
    assert not trace.holds("s", "e2", inputs)  # the environment (Python, lock) changed
    inputs.code["data/load.py"] = "load-v2"
    assert not trace.holds("s", "e", inputs)
    inputs.code["data/load.py"] = "load-v1"
    inputs.facts["commit"] = "def"
    assert not trace.holds("s", "e", inputs)
    inputs.facts["commit"] = "abc"
    (tmp_path / "data" / "territory.csv").write_text("a\n2\n", encoding="utf-8")
    assert not trace.holds("s", "e", inputs)


def test_a_cached_notebook_that_was_tampered_with_is_not_reused(tmp_path: Path):
    cache = execute.Cache(tmp_path / "cache")
    cache.store("index", b'{"cells": []}', {"source": "s", "environment": "e", "inputs": {}})
    trace = cache.trace("index")
    assert cache.notebook(trace) == b'{"cells": []}'
    (tmp_path / "cache" / "notebooks" / trace.result).write_bytes(b'{"cells": [1]}')
    assert cache.notebook(trace) is None


def test_an_unreadable_trace_means_execute_again(tmp_path: Path):
    cache = execute.Cache(tmp_path / "cache")
    (tmp_path / "cache" / "traces" / "index.json").write_text('{"source": "s", "env', encoding="utf-8")
    assert cache.trace("index") is None


def test_files_of_the_book_are_named_from_its_folder(tmp_path: Path):
    # a page that lists the chapters depends on _toc.yml; the name holds when the book is copied
    inputs = make_inputs(tmp_path)
    inputs.root = tmp_path
    (tmp_path / "_toc.yml").write_text("root: index\n", encoding="utf-8")
    used = dict([inputs.resolve(str(tmp_path / "_toc.yml")), inputs.resolve(str(tmp_path / "data" / "territory.csv"))])
    assert set(used) == {"book/_toc.yml", "data/territory.csv"}
    trace = execute.Trace(source="s", environment="e", inputs=used, result="r.ipynb")
    assert trace.holds("s", "e", inputs)
    (tmp_path / "_toc.yml").write_text("root: index\nchapters: []\n", encoding="utf-8")
    assert not trace.holds("s", "e", inputs)


def test_the_ledger_page_depends_only_on_what_it_reads_of_an_execution(tmp_path: Path):
    import json

    import nbformat

    from helpers.book.glued_values import GLUE_MIME

    inputs = make_inputs(tmp_path)
    page = tmp_path / "executed" / "chapters" / "deaths.ipynb"
    page.parent.mkdir(parents=True)
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell("At least {eval}`glued.named_deaths` soldiers"),
        nbformat.v4.new_code_cell("glue"),
    ]
    glue = nbformat.v4.new_output(
        "display_data", data={GLUE_MIME: "'79,987'"}, metadata={"scrapbook": {"name": "named_deaths"}}
    )
    table = nbformat.v4.new_output("display_data", data={"text/plain": "a table"})
    notebook.cells[1].outputs = [glue, table]
    nbformat.write(notebook, page)
    used = dict([inputs.resolve(f"{page}#ledger")])
    assert set(used) == {"executed/chapters/deaths.ipynb#ledger"}
    trace = execute.Trace(source="s", environment="e", inputs=used, result="r.ipynb")

    table["data"]["text/plain"] = "another table"  # an output the ledger does not read
    notebook.cells[1].execution_count = 7
    nbformat.write(notebook, page)
    assert trace.holds("s", "e", inputs)

    notebook.metadata["book"] = {"execute_last": True}  # the ledger lists only pages without it
    nbformat.write(notebook, page)
    assert not trace.holds("s", "e", inputs)
    del notebook.metadata["book"]

    glue["data"][GLUE_MIME] = "'80,000'"  # a number the page shows
    nbformat.write(notebook, page)
    assert not trace.holds("s", "e", inputs)
    glue["data"][GLUE_MIME] = "'79,987'"
    notebook.cells[0].source = "More than {eval}`glued.named_deaths` soldiers"  # the prose around it
    nbformat.write(notebook, page)
    assert not trace.holds("s", "e", inputs)

    page.write_text(json.dumps({"cells": "not a notebook"}), encoding="utf-8")
    assert not trace.holds("s", "e", inputs)
    page.unlink()
    assert not trace.holds("s", "e", inputs)


def test_a_reader_of_some_columns_depends_on_those_columns_alone(tmp_path: Path, monkeypatch):
    # the ledger page reads only the source keys (and figure ids) of the tables behind its
    # numbers: an edit to a note must not re-execute it, an edit to a source key must
    import shutil

    from helpers.data.load import load_columns
    from helpers.paths import PROJECT_ROOT

    data = tmp_path / "data"
    shutil.copytree(PROJECT_ROOT / "data", data)
    log = tmp_path / "deps.txt"
    monkeypatch.setenv("BOOK_DEPS_FILE", str(log))
    frame = load_columns("territory", ("figure_id", "source_key"), data)
    assert list(frame.columns) == ["figure_id", "source_key"]
    logged = log.read_text(encoding="utf-8").splitlines()
    (tmp_path / "other").mkdir()
    inputs = make_inputs(tmp_path / "other")
    inputs.data_snapshot = data
    used = dict(inputs.resolve(line) for line in logged)
    assert set(used) == {"data/territory.csv#columns=figure_id,source_key"}
    trace = execute.Trace(source="s", environment="e", inputs=used, result="r.ipynb")
    table = data / "territory.csv"
    original = table.read_text(encoding="utf-8")
    table.write_text(original.replace("End of period not stated", "End of the period not stated", 1), "utf-8")
    assert trace.holds("s", "e", inputs)
    table.write_text(original.replace(",bbc2024gains,", ",rbc2024losses,", 1), "utf-8")
    assert not trace.holds("s", "e", inputs)
    table.write_text(original.replace("figure_id,", "figure,", 1), "utf-8")  # the column is gone
    assert not trace.holds("s", "e", inputs)


def test_a_kernel_starts_when_a_port_it_was_given_has_been_taken_meanwhile(tmp_path: Path, monkeypatch):
    """Over TCP, jupyter_client picks a free port for each of a kernel's sockets, lets it go, and
    the kernel binds it a moment later; kernels started side by side (the build's connections to
    one take ephemeral ports) can lose one in between, and the kernel dies before replying
    (seen once in `make bench`: "chapters/surge.ipynb: RuntimeError: Kernel died before replying
    to kernel_info"). Here the port is taken on purpose, before the kernel binds it."""
    import asyncio
    import os
    import socket

    import nbformat
    from jupyter_client.connect import LocalPortCache

    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    monkeypatch.setattr(LocalPortCache, "find_available_port", lambda self, ip: taken.getsockname()[1])
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    job = execute.Job(page=None, stage_path=tmp_path / "page.ipynb", notebook=notebook, source="")
    try:
        asyncio.run(execute._run(job, dict(os.environ), tmp_path / "deps.log", 60, set()))
    finally:
        taken.close()
    assert notebook.cells[0].outputs[0]["data"]["text/plain"] == "2"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="no /proc: no process can be told running or not")
def test_a_killed_builds_kernel_sockets_folder_is_removed_by_the_next_execution(tmp_path: Path, monkeypatch):
    """A build killed while its kernels run (SIGKILL, the out-of-memory killer) cannot remove the
    folder of IPC sockets each kernel had in the temporary folder; the next execution, in any
    book, removes the folders of builds that no longer run and leaves those of running ones."""
    import os
    import signal
    import subprocess
    import sys
    import tempfile

    import nbformat

    temp = tmp_path / "tmp"
    temp.mkdir()
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
    path = tmp_path / "page.ipynb"
    nbformat.write(notebook, path)
    holder = (
        "import sys, nbformat\nfrom pathlib import Path\nfrom helpers.book.execute import ipc_client\n"
        "notebook = nbformat.read(sys.argv[1], as_version=4)\n"
        "with ipc_client(notebook, Path(sys.argv[1]).parent, 60) as client:\n"
        "    print(Path(client.config.KernelManager.ip).parent, flush=True)\n    sys.stdin.read()\n"
    )
    killed, alive = (
        subprocess.Popen(
            [sys.executable, "-c", holder, str(path)],
            env={**os.environ, "TMPDIR": str(temp)},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    )
    try:
        killed_folder, alive_folder = (Path(p.stdout.readline().strip()) for p in (killed, alive))
        held = set(temp.iterdir())
        assert held == {killed_folder, alive_folder}
        killed.send_signal(signal.SIGKILL)
        killed.wait()
        other = temp / "book-kernel-without-owner"  # not a folder this rule can judge: kept
        other.mkdir()

        monkeypatch.setattr(tempfile, "tempdir", str(temp))
        with execute.ipc_client(notebook, tmp_path, 60):
            during = set(temp.iterdir())
        assert len(during - held - {other}) == 1  # this execution's own
        assert killed_folder not in during, "the killed build's folder is still there"
        assert alive_folder in during  # a running build's sockets are left alone
        assert other in during
    finally:
        for process in (killed, alive):
            process.kill()
            process.wait()


def test_a_stopped_build_lets_every_page_finish_shutting_its_kernel_down():
    """On SIGINT or SIGTERM the pages executing are cancelled, and each shuts its kernel down
    as it goes (nbclient's clean-up awaits the kernel's end). A page cancelled before its
    kernel was ready ends at once; ``asyncio.gather`` then ended the build's wait for the others
    too, and the build cancelled them a second time in the middle of their clean-up: nbclient
    then left its exit hook registered with its kernel manager already gone, and the stopped
    build printed a traceback ("assert self.km is not None") as it exited (seen in CI, about
    one stopped build in two here)."""
    import asyncio
    import os
    import signal

    cleaned = []

    async def cancelled_at_once() -> None:
        await asyncio.sleep(60)  # a page still waiting for its kernel: nothing to shut down

    async def shuts_its_kernel_down() -> None:
        try:
            await asyncio.sleep(60)  # a page executing a cell
        finally:
            await asyncio.sleep(0.2)  # its kernel is killed and waited for
            cleaned.append("kernel shut down")

    async def main() -> None:
        asyncio.get_running_loop().call_later(0.1, os.kill, os.getpid(), signal.SIGINT)
        await execute._every_one([cancelled_at_once(), shuts_its_kernel_down()])

    stopped: list[int] = []
    execute._run_stoppably(main(), stopped, set())
    assert stopped == [signal.SIGINT]
    assert cleaned == ["kernel shut down"], "a page's clean-up was cut short"


def test_every_page_s_error_is_raised_once_all_pages_have_ended():
    """Waiting for every page does not hide an error that escaped one (the build's own
    bookkeeping failing, not a notebook, whose failures are collected): it is raised."""
    import asyncio

    ended = []

    async def fails() -> None:
        raise OSError("disk full")

    async def ends_later() -> None:
        await asyncio.sleep(0.1)
        ended.append("later")

    with pytest.raises(OSError, match="disk full"):
        asyncio.run(execute._every_one([fails(), ends_later()]))
    assert ended == ["later"]


STOPPED_WHILE_SHUTTING_DOWN = """
import asyncio, contextlib, os, sys
from pathlib import Path

import nbformat
from jupyter_client.manager import AsyncKernelManager

from helpers.book import execute

folder = Path(sys.argv[1])


async def main() -> None:
    shutting_down = asyncio.Event()

    async def finishing_the_shutdown(self, restart=False):
        shutting_down.set()
        await asyncio.sleep(60)  # the kernel was asked to end; nbclient waits for it

    AsyncKernelManager._async_finish_shutdown = finishing_the_shutdown
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    job = execute.Job(page=None, stage_path=folder / "page.ipynb", notebook=notebook, source="")
    page = asyncio.ensure_future(execute._run(job, dict(os.environ), folder / "deps.log", 60, set()))
    await shutting_down.wait()
    page.cancel()  # the build is stopped now
    with contextlib.suppress(asyncio.CancelledError):
        await page


asyncio.run(main())
print("the build exits", flush=True)
"""


def test_a_page_stopped_while_its_kernel_shuts_down_leaves_nothing_to_fail_at_exit(tmp_path: Path):
    """A build stopped just as a page that has executed shuts its kernel down cuts nbclient's
    clean-up short: it ends by dropping its kernel manager but never takes back the hook it
    registered to clean up at exit, and that hook then failed as the build exited, a traceback
    ("assert self.km is not None") in a stopped build's output (seen in CI)."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", STOPPED_WHILE_SHUTTING_DOWN, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and "the build exits" in done.stdout, done.stderr[-3000:]
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
