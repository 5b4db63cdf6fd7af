"""Processes as Linux's ``/proc`` shows them: whether one still runs, and what it started.

The build follows processes by number: it stops every process a format's step started
(:mod:`helpers.book.outputs`), and it watches the kernels its warm process forks
(:mod:`helpers.book.warm_kernels`). A number alone misleads twice. An ended process stays a
zombie until its parent collects its exit status, and the parent of an orphan (the machine's
first process) may never do so: a container's first process need not. And a number, once freed,
is given to a later process. So a process here is its number *and* its start time, and a
zombie has ended.

Where there is no ``/proc``, no process is found: nothing is signalled that might not be ours.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

#: States of a process that has ended: a zombie, or dead.
ENDED = ("Z", "X")


def stat(pid: int | str) -> list[str] | None:
    """Fields of ``/proc/<pid>/stat`` after the command name (``[0]`` the state, ``[1]`` the
    parent, ``[19]`` the start time), or None where the process or ``/proc`` is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text(encoding="utf-8", errors="replace").rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def started(pid: int) -> str | None:
    """When ``pid`` started (clock ticks after boot), or None if it has ended: gone, or a zombie."""
    fields = stat(pid)
    return fields[19] if fields and fields[0] not in ENDED else None


def running(pid: int, started_at: str | None) -> bool:
    """Whether ``pid`` is still the process that started at ``started_at``, and runs."""
    return started_at is not None and started(pid) == started_at


def descendants(pid: int) -> list[tuple[int, str]]:
    """The running processes started by ``pid`` and by those, each with its start time."""
    children: dict[int, list[tuple[int, str]]] = {}
    for folder in Path("/proc").glob("[0-9]*"):
        fields = stat(folder.name)
        if fields and fields[0] not in ENDED:
            children.setdefault(int(fields[1]), []).append((int(folder.name), fields[19]))
    found, todo = [], list(children.get(pid, []))
    while todo:
        child = todo.pop()
        found.append(child)
        todo.extend(children.get(child[0], []))
    return found


def signal_if_running(pid: int, started_at: str | None, signum: int) -> None:
    """Signal ``pid`` if it is still the process that started at ``started_at`` (not a later one
    given the same number)."""
    if not running(pid, started_at):
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):  # it has just ended
        os.kill(pid, signum)
