"""Publishing a finished build: HTML, PDF and data as one release, switched in one step.

A release is a folder ``_build/releases/<id>/`` holding ``html/`` (with the data the book was
built from in ``html/data/``), ``pdf/book.pdf`` and ``BUILD.json`` (what was built, from which
inputs); a preview's may hold ``latex/``, the PDF's LaTeX sources for a later ``make book``.
It is assembled under a hidden name (``.partial-<id>``), ``BUILD.json`` is written last, the
folder is renamed to its final name, and then one symbolic link, ``_build/current``, is switched
to it with an atomic rename. The paths readers use never change:

* ``_build/html`` -> ``current/html``
* ``_build/pdf`` -> ``current/pdf`` (so ``_build/pdf/book.pdf``)

so a reader (or a web server) sees the previous complete book or the new one, never a mix of
two builds. Anything that fails before the switch leaves ``current`` as it was. Folders without
``BUILD.json`` (a publish killed half way) are never kept, never counted as a previous release;
complete releases beyond the newest :data:`KEEP` are removed, never the live one.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path

from helpers.paths import PROJECT_ROOT

BUILD = PROJECT_ROOT / "_build"
KEEP = 3
MANIFEST = "BUILD.json"
PARTIAL = ".partial-"


def _swap_link(link: Path, target: str) -> None:
    """Point ``link`` at ``target`` (relative) atomically: a new link renamed over the old one."""
    link.parent.mkdir(parents=True, exist_ok=True)
    if link.exists() and not link.is_symlink():  # a plain folder or file from an older layout
        shutil.rmtree(link) if link.is_dir() else link.unlink()
    if link.is_symlink() and os.readlink(link) == target:
        return
    temporary = link.with_name(f".{link.name}.{os.getpid()}.new")
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    temporary.symlink_to(target)
    os.replace(temporary, link)


def live_release(build: Path = BUILD) -> Path | None:
    """The release ``current`` points at, if it is complete."""
    current = build / "current"
    if not current.is_symlink():
        return None
    release = current.resolve()
    return release if (release / MANIFEST).exists() else None


def manifest(build: Path = BUILD) -> dict | None:
    """``BUILD.json`` of the live release, if any."""
    release = live_release(build)
    if release is None:
        return None
    try:
        return json.loads((release / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def remove_partials(build: Path = BUILD) -> None:
    """Remove half-assembled releases (a publish that was killed). Call only under the build lock."""
    releases = build / "releases"
    if releases.is_dir():
        for path in releases.iterdir():
            if path.name.startswith(PARTIAL) or (path.is_dir() and not (path / MANIFEST).exists()):
                shutil.rmtree(path, ignore_errors=True)


def _prune(build: Path) -> None:
    releases = build / "releases"
    live = live_release(build)
    complete = sorted(
        p for p in releases.iterdir() if p.is_dir() and not p.name.startswith(".") and (p / MANIFEST).exists()
    )
    for old in complete[:-KEEP]:
        if live is None or old.resolve() != live:
            shutil.rmtree(old, ignore_errors=True)


DATA_ZIP = "book-data.zip"


def _zip(files: list[Path], target: Path) -> None:
    """The data as one download, byte-for-byte the same for the same files (fixed timestamps)."""
    import zipfile

    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            info = zipfile.ZipInfo(f"data/{path.name}", date_time=(2024, 11, 20, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())


def publish(
    html: Path,
    pdf: Path | None,
    build: Path = BUILD,
    data: Path | None = None,
    record: dict | None = None,
    latex: Path | None = None,
) -> Path:
    """Move a finished build into a new release and switch ``current`` to it in one step.

    ``html`` (a folder with ``index.html``) and ``pdf`` (a file, or None for an HTML-only
    preview) are moved, ``data`` (a folder of tables) copied to ``html/data``. Raises
    ``SystemExit`` with the reason, leaving the published book untouched, if anything is missing
    or cannot be written. ``latex`` (a folder of LaTeX sources, or None) is moved to ``latex/``.
    """
    html = Path(html)
    if not (html / "index.html").exists():
        raise SystemExit(f"{html}: no index.html; nothing published")
    if pdf is not None and not Path(pdf).is_file():
        raise SystemExit(f"{pdf}: missing; nothing published")
    releases = build / "releases"
    releases.mkdir(parents=True, exist_ok=True)
    remove_partials(build)
    name = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    partial = releases / f"{PARTIAL}{name}"
    try:
        partial.mkdir()
        shutil.move(str(html), partial / "html")
        if data is not None:
            target = partial / "html" / "data"
            target.mkdir(exist_ok=True)
            files = sorted(path for path in Path(data).iterdir() if path.is_file())
            for path in files:
                shutil.copyfile(path, target / path.name)
            _zip(files, target / DATA_ZIP)
        if pdf is not None:
            (partial / "pdf").mkdir()
            shutil.copyfile(pdf, partial / "pdf" / "book.pdf")
        if latex is not None:
            shutil.move(str(latex), partial / "latex")
        record = {**(record or {}), "release": name, "formats": ["html"] + (["pdf"] if pdf is not None else [])}
        (partial / MANIFEST).write_text(json.dumps(record, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        release = releases / name
        os.rename(partial, release)
    except OSError as error:
        shutil.rmtree(partial, ignore_errors=True)
        raise SystemExit(f"could not assemble the release ({error}); nothing published") from error
    _swap_link(build / "current", f"releases/{name}")  # the one step that publishes
    for link, target in (("html", "current/html"), ("pdf", "current/pdf")):
        _swap_link(build / link, target)
    _prune(build)
    return release
