"""Kernels forked from one warm process: the libraries every page imports are imported once.

A kernel started the usual way (``python -m ipykernel_launcher``) spends about 1.2 s before a
page's first cell has done anything: Python and ipykernel start, then the page imports pandas,
altair and pandera. The build executes every page in a kernel of its own, so a clean build paid
that once per page, on cores it needs for the pages' own work.

Here one *warm* process, started by the build, imports ipykernel and those libraries once, then
forks a kernel for each page. The fork is a fresh kernel in every way a page can tell: its own
process (its own session, the page's folder as working directory, exactly the environment the
build gives a kernel, standard input from ``/dev/null``), started from a process that has run
no page, no ``helpers`` code and no event loop. Only third-party modules are imported ahead:
the trace of a page's ``helpers`` imports (``helpers.paths.record_imported_helpers``) stays
what the page imported itself. The random generators are seeded afresh in each kernel, as a new
process seeds them.

Nothing outlives the build: the warm process dies with the build (``PR_SET_PDEATHSIG``) or when
its standard input closes, and each kernel dies with the warm process. The kernel manager sees
each kernel through :class:`ForkedKernel`, which answers as :class:`subprocess.Popen` does; its
exit status comes from the warm process, which reaps it.

``python -m helpers.book.warm_kernels SOCKET BUILD_PID`` runs the warm process (the build starts it).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from helpers.book import processes, socket_folders

#: Imported once, in the warm process, before any kernel is forked. Third-party only: a page's
#: trace lists the ``helpers`` modules it imported itself.
PRELOADED = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "IPython",
    "numpy",
    "pandas",
    "altair",
    "pandera.pandas",
)
_PR_SET_PDEATHSIG = 1


#: Pages to execute from which a warm process started once they are known (``make notebooks``)
#: forks their kernels: its imports cost about as much as two kernels' imports, and each forked
#: kernel saves about 0.6 s, so fewer pages are executed as fast in kernels started the usual way.
#: The build starts its warm process ahead instead (:func:`start_ahead`), for any number of pages.
WARM_FROM = 3


def worth_forking(pages: int) -> bool:
    """Whether ``pages`` pages about to execute should have their kernels forked from a warm
    process started now: at least :data:`WARM_FROM` of them, and on Linux only (:func:`can_fork`).
    Otherwise kernels start the usual way."""
    return pages >= WARM_FROM and can_fork()


def can_fork() -> bool:
    """Linux only: forking a process that has loaded numpy is not safe on macOS, and the warm
    process relies on Linux to end with the build (``PR_SET_PDEATHSIG``)."""
    return sys.platform.startswith("linux")


def start_ahead(env: dict[str, str], cwd: Path) -> WarmProcess | None:
    """A warm process started before the build knows which pages will execute (``None`` where
    kernels cannot be forked).

    The build starts it first thing, so that its imports take the second core while the build
    validates the data and stages the book: by the time a page executes they are paid or nearly,
    and even one page is forked from it (a kernel started the usual way pays them itself, after
    the staging). A build that finds nothing to execute ends it at once (:meth:`WarmProcess.stop`).
    """
    return WarmProcess(env, cwd=cwd) if can_fork() else None


#: Seconds a request for a kernel may wait for the warm process (its imports take about one).
FORK_TIMEOUT = 120

#: Seconds a stopped build waits for a fork under way, to shut that kernel down.
STOP_WAIT = 10


def _die_with_parent(parent: int) -> None:
    """Ask Linux to SIGKILL this process when ``parent``, the process that started it, ends.

    Linux signals only on an end still to come: a parent that ended before the request (a kernel
    forked just as the build was killed) left this process to another parent, and it ends now.
    """
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os.kill(os.getpid(), signal.SIGKILL)


# --- the warm process ---------------------------------------------------------------------------


def _preload() -> None:
    before = dict(os.environ)
    for name in PRELOADED:
        with contextlib.suppress(ImportError):  # a kernel that needs it will say so itself
            __import__(name)
    os.environ.clear()  # pandera sets variables for pyspark on import; a kernel gets the build's
    os.environ.update(before)


def _kernel(request: dict, inherited: list[socket.socket], warm: int) -> None:
    """In the forked child: become the kernel ``request`` asks for, then end. ``inherited``:
    the warm process's sockets, which are not the kernel's to hold open; ``warm``: the warm
    process's pid."""
    code = 1
    try:
        for held in inherited:
            held.close()
        os.setsid()
        _die_with_parent(warm)
        for signum in (signal.SIGCHLD, signal.SIGTERM, signal.SIGINT, signal.SIGPIPE):
            signal.signal(signum, signal.SIG_DFL if signum != signal.SIGINT else signal.default_int_handler)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        # the kernel ends if the warm process does (read by ipykernel when imported, so given as
        # an argument too)
        os.environ["JPY_PARENT_PID"] = str(warm)
        sys.path[0] = request["cwd"]
        for name in [m for m in sys.modules if m == "helpers" or m.startswith("helpers.")]:
            del sys.modules[name]  # imported to start this process (``-m``): a page imports its own
        sys.argv = ["ipykernel_launcher", *request["args"], f"--IPKernelApp.parent_handle={warm}"]
        import random

        random.seed()
        with contextlib.suppress(ImportError):
            import numpy

            numpy.random.seed()
        from ipykernel import kernelapp

        kernelapp.launch_new_instance()
        code = 0
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    except BaseException:
        import traceback

        traceback.print_exc()
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def serve(path: Path, build: int) -> None:
    """The warm process: preload, then fork a kernel for each request on the socket at ``path``.

    A request is one JSON line (``cwd``, ``env``, ``args``); the reply is ``pid N``, and later
    ``exit S`` (``S`` as :attr:`subprocess.Popen.returncode` gives it) on the same connection.
    Ends when its standard input closes (the build is done) or the build (pid ``build``) ends.
    """
    _die_with_parent(build)
    warm = os.getpid()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C reaches the build, which stops it
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))
    listener.listen(16)  # a request made meanwhile waits for the imports
    _preload()
    waiting: dict[socket.socket, bytes] = {}
    children: dict[int, socket.socket] = {}
    try:
        while True:
            readable, _, _ = select.select([sys.stdin, listener, *waiting], [], [], 0.05)
            if sys.stdin in readable and not sys.stdin.readline():
                return
            if listener in readable:
                connection, _ = listener.accept()
                waiting[connection] = b""
            for connection in [c for c in readable if c in waiting]:
                chunk = connection.recv(65536)
                waiting[connection] += chunk
                if not chunk:
                    connection.close()
                    del waiting[connection]
                elif waiting[connection].endswith(b"\n"):
                    request = json.loads(waiting.pop(connection))
                    pid = os.fork()
                    if pid == 0:  # (this process's pid, read before the fork: it may be gone by now)
                        _kernel(request, [listener, connection, *waiting, *children.values()], warm)
                    children[pid] = connection
                    connection.sendall(f"pid {pid}\n".encode())
            while children:
                pid, status = os.waitpid(-1, os.WNOHANG)
                if pid == 0:
                    break
                connection = children.pop(pid, None)
                if connection is not None:
                    with contextlib.suppress(OSError):
                        connection.sendall(f"exit {_returncode(status)}\n".encode())
                    connection.close()
    finally:
        # kernels still running when the build is done with them go too, reaped here and reported
        # (an orphan's new parent may never reap it: a container's first process need not)
        for pid, connection in children.items():
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                _, status = os.waitpid(pid, 0)
                connection.sendall(f"exit {_returncode(status)}\n".encode())


def _returncode(status: int) -> int:
    return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)


# --- the build's side ---------------------------------------------------------------------------


class ForkedKernel:
    """A kernel forked by the warm process, answering as :class:`subprocess.Popen` does for
    what the kernel manager asks (``pid``, ``poll``, ``wait``, signals)."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int, connection: socket.socket) -> None:
        self.pid = pid
        self.returncode: int | None = None
        self._connection = connection
        self._buffer = b""
        self._orphaned = False  # the warm process is gone without reporting the kernel's end
        self._started = processes.started(pid)  # tells the kernel from a later process given its pid

    def poll(self) -> int | None:
        if self.returncode is None:
            self._read(block=False)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout)
            if self._orphaned:  # nothing more will come over the connection: look again shortly
                time.sleep(0.05 if left is None else min(0.05, left))
            else:
                select.select([self._connection], [], [], left)
        return self.returncode

    def _reported(self) -> bool:
        if self._buffer.startswith(b"exit ") and self._buffer.endswith(b"\n"):
            self.returncode = int(self._buffer.split()[1])
            self._connection.close()
        return self.returncode is not None

    def _read(self, block: bool) -> None:
        if self._reported():
            return
        if not self._orphaned:
            self._connection.setblocking(block)
            try:
                chunk = self._connection.recv(4096)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                chunk = b""
            self._buffer += chunk
            if self._reported() or chunk:
                return
            self._orphaned = True
            self._connection.close()
        # the warm process was killed without reporting: the kernel dies with it (SIGKILL), and
        # may then stay a zombie that nobody here can collect (helpers.book.processes)
        if not processes.running(self.pid, self._started):
            self.returncode = -signal.SIGKILL

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class WarmProcess:
    """The build's handle on the warm process: started at once (it imports on its own core
    meanwhile), asked for kernels, stopped when the build is done with kernels. ``cwd``: its
    working folder (the build's, so that it is seen as the build's)."""

    def __init__(self, env: dict[str, str], cwd: Path | None = None) -> None:
        # a short folder (a socket's path may not be longer than 107 bytes), removed by the
        # next warm process if this build is killed before it can
        self.asked = False  # whether a kernel was asked of it
        self.folder = socket_folders.new("book-warm-")
        self.path = self.folder / "warm.sock"
        # its output, and its kernels', goes where a kernel's output goes: the build's
        self.process = subprocess.Popen(
            [sys.executable, "-m", "helpers.book.warm_kernels", str(self.path), str(os.getpid())],
            env=env,
            cwd=cwd,
            stdin=subprocess.PIPE,
        )

    def _connect(self) -> socket.socket:
        while True:
            connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                connection.connect(str(self.path))
                return connection
            except (FileNotFoundError, ConnectionRefusedError):
                connection.close()
                if self.process.poll() is not None:
                    raise RuntimeError(f"the warm kernel process ended (exit code {self.process.returncode})") from None
                time.sleep(0.01)  # it has not bound its socket yet

    def fork(self, cwd: str, env: dict[str, str], args: list[str]) -> ForkedKernel:
        """A new kernel (blocking: call it off the event loop)."""
        self.asked = True  # from now on a stop waits for the fork, to shut its kernel down
        connection = self._connect()
        connection.settimeout(FORK_TIMEOUT)  # its imports hung: the kernel starts the usual way
        try:
            connection.sendall(json.dumps({"cwd": cwd, "env": env, "args": args}).encode() + b"\n")
            reply = b""
            while not reply.endswith(b"\n"):
                chunk = connection.recv(4096)
                if not chunk:
                    raise RuntimeError("the warm kernel process ended before forking a kernel")
                reply += chunk
        except BaseException:
            connection.close()
            raise
        first, _, rest = reply.partition(b"\n")
        kernel = ForkedKernel(int(first.split()[1]), connection)
        kernel._buffer = rest
        return kernel

    def stop(self) -> None:
        """End the warm process, and with it any kernel still running. One never asked for a
        kernel is killed at once: it reads its standard input only once its imports are done,
        and a build that executed nothing (or whose ledger page's execution turned out to hold)
        should not wait for them."""
        if not self.asked:
            with contextlib.suppress(OSError):
                self.process.kill()
        with contextlib.suppress(OSError, ValueError):
            self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


def kernel_manager_class(warm: WarmProcess):
    """A kernel manager class (for nbclient) whose kernels ``warm`` forks.

    Only the launch differs from jupyter_client's local kernels: the connection file, the
    sockets, the environment and the working folder are prepared as usual, and the command
    (``python -m ipykernel_launcher -f FILE``) becomes a request to the warm process.
    """
    import uuid

    from jupyter_client.manager import AsyncKernelManager
    from jupyter_client.provisioning import LocalProvisioner

    class WarmProvisioner(LocalProvisioner):
        async def launch_kernel(self, cmd: list[str], **kwargs):
            if cmd[1:3] != ["-m", "ipykernel_launcher"] or cmd[0] != sys.executable:
                return await super().launch_kernel(cmd, **kwargs)  # not a kernel of this Python
            cwd = str(kwargs.get("cwd") or os.getcwd())
            env = dict(kwargs.get("env") or os.environ)
            loop = asyncio.get_running_loop()
            fork = loop.run_in_executor(None, warm.fork, cwd, env, cmd[3:])
            try:
                self.process = await asyncio.shield(fork)
            except asyncio.CancelledError:
                # the build was stopped as the kernel was being forked: the kernel is this
                # provisioner's all the same, for the client to shut down (nothing else would).
                # A fork takes milliseconds; a warm process that hangs does not hold the stop up
                # (its kernels end with it when the build stops it)
                with contextlib.suppress(Exception):
                    self.process = await asyncio.wait_for(asyncio.shield(fork), STOP_WAIT)
                    self.pid, self.pgid, self.cwd = self.process.pid, None, cwd
                raise
            except (OSError, RuntimeError) as error:  # slower, not wrong: start it the usual way
                from helpers.book import console

                console.say(f"[execute] {error}; starting a kernel the usual way")
                return await super().launch_kernel(cmd, **kwargs)
            self.pid, self.pgid, self.cwd = self.process.pid, None, cwd
            return self.connection_info

    class WarmKernelManager(AsyncKernelManager):
        async def _async_pre_start_kernel(self, **kw):
            self.kernel_id = self.kernel_id or kw.pop("kernel_id", str(uuid.uuid4()))
            if self.provisioner is None:
                self.provisioner = WarmProvisioner(kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self)
            return await super()._async_pre_start_kernel(**kw)

    return WarmKernelManager


if __name__ == "__main__":
    serve(Path(sys.argv[1]), int(sys.argv[2]))
