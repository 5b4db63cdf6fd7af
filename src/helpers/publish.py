"""``python -m helpers.publish``: swap a finished build into place, atomically.

Books are built in ``_build/work/`` (which keeps Sphinx's incremental state). Only when a whole
build has succeeded is its output copied to a new release folder and the published paths
switched to it with one atomic ``rename`` of a symbolic link:

* ``_build/html`` -> ``_build/releases/<id>/html``
* ``_build/pdf/book.pdf`` -> ``_build/releases/<id>/book.pdf``

A reader (or a web server) sees either the previous complete book or the new one, never a half
written one; a failed build publishes nothing and leaves the previous book in place. Older
releases are removed, keeping the previous one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
from pathlib import Path

from helpers.paths import PROJECT_ROOT

BUILD = PROJECT_ROOT / "_build"
RELEASES = BUILD / "releases"
KEEP = 2


def _swap_link(link: Path, target: Path) -> None:
    """Point ``link`` at ``target`` atomically (a new link renamed over the old one)."""
    link.parent.mkdir(parents=True, exist_ok=True)
    if link.exists() and not link.is_symlink():  # a plain folder from an older layout
        shutil.rmtree(link) if link.is_dir() else link.unlink()
    temporary = link.with_name(f".{link.name}.new")
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    temporary.symlink_to(os.path.relpath(target, link.parent))
    os.replace(temporary, link)


def publish(html: Path | None, pdf: Path | None, build: Path = BUILD) -> Path:
    """Copy the built outputs into a new release and switch the published links to it."""
    releases = build / "releases"
    release = releases / dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    release.mkdir(parents=True)
    if html is not None:
        if not (html / "index.html").exists():
            raise SystemExit(f"{html}: no index.html; nothing published")
        shutil.copytree(html, release / "html", symlinks=True)
        _swap_link(build / "html", release / "html")
    if pdf is not None:
        if not pdf.exists():
            raise SystemExit(f"{pdf}: missing; nothing published")
        shutil.copyfile(pdf, release / "book.pdf")
        _swap_link(build / "pdf" / "book.pdf", release / "book.pdf")
    live = {p.resolve().parent for p in (build / "html", build / "pdf" / "book.pdf") if p.is_symlink()}
    for old in sorted(releases.iterdir())[:-KEEP]:
        if old.resolve() not in live:
            shutil.rmtree(old)
    return release


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path)
    parser.add_argument("--pdf", type=Path)
    args = parser.parse_args(argv)
    release = publish(args.html, args.pdf)
    print(f"published {release.relative_to(PROJECT_ROOT)}")
    if args.html:
        print(f"HTML book: {BUILD / 'html' / 'index.html'}")
    if args.pdf:
        print(f"PDF book:  {BUILD / 'pdf' / 'book.pdf'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
