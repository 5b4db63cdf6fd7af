"""Short temporary folders for Unix sockets, each named after the process that made it.

A kernel's IPC sockets (:func:`helpers.book.execute.ipc_client`) and the warm process's socket
(:mod:`helpers.book.warm_kernels`) live in folders of their own in the temporary folder: a
socket's path may not be longer than 107 bytes, which a folder inside a deeply placed clone
could exceed. The process that makes a folder removes it when done, unless it is killed
outright (SIGKILL, the out-of-memory killer). So a folder is named
``<prefix><pid>-<start time>-<random>``, and each new one first removes those of its kind
whose process no longer runs (by number *and* start time, :mod:`helpers.book.processes`).
Where there is no ``/proc``, no process can be told running or not, and none is removed.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from helpers.book import processes


def new(prefix: str) -> Path:
    """A new folder ``<prefix><pid>-<start time>-<random>`` in the temporary folder, after the
    folders of that prefix left by processes that have ended are removed."""
    me = processes.started(os.getpid())
    temp = Path(tempfile.gettempdir())
    if me is not None:
        for folder in temp.glob(f"{prefix}*-*-*"):
            pid, started_at = folder.name[len(prefix) :].split("-")[:2]
            if pid.isdigit() and started_at.isdigit() and not processes.running(int(pid), started_at):
                shutil.rmtree(folder, ignore_errors=True)
    return Path(tempfile.mkdtemp(prefix=f"{prefix}{os.getpid()}-{me or 0}-", dir=temp))
