"""Each pybtex plugin looked up once per Sphinx run, not once per citation.

sphinxcontrib-bibtex asks pybtex for a plugin (the plain-text backend, above all) every time it
resolves a citation, and pybtex answers by scanning the entry points of every installed package
(``importlib.metadata.entry_points``: tens of milliseconds with this environment's packages). The
ledger page cites a source on each of its rows, so a build resolved about a thousand citations
and spent most of the LaTeX build's "resolving references" step in these scans (15.7 s of a 46 s
``make book`` after ``make html``, measured on 29 November 2026).

The installed packages cannot change while Sphinx runs, so the book's Sphinx extension remembers
each answer for the life of the process. Plugins registered at run time
(``pybtex.plugin.register_plugin``) are still looked up first: pybtex checks them before it asks
the entry points.
"""

from __future__ import annotations

import functools

import pybtex.plugin


def remember_entry_points() -> None:
    """Make pybtex scan the installed entry points once per (group, name) in this process."""
    scan = pybtex.plugin.entry_points
    if getattr(scan, "remembers", False):
        return

    @functools.cache
    def found(group: str, name: str) -> tuple:
        return tuple(scan(group=group, name=name))

    def entry_points(*, group: str, name: str) -> tuple:
        return found(group, name)

    entry_points.remembers = True
    pybtex.plugin.entry_points = entry_points
