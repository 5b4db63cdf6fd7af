"""``python -m helpers.book.build``: build the book from the current tree, publish it whole or not at all.

``make book`` runs this. One build, under a lock so that two cannot interleave in one clone:

1. Fingerprint every input of the book (pages, configuration, static files, the data, the
   ``helpers`` code, the lock, the commit and the date). If the published release was built
   from exactly these inputs, stop: the book is current (no Sphinx, no kernel).
2. Validate the data (the file/line/column/rule message stops the build here).
3. Snapshot the data and stage the book in a fresh folder under ``_build/tmp/``.
4. Execute the notebooks (``helpers.book.execute``): in parallel, reusing an earlier execution only
   when its trace of content hashes still holds; the ledger page last. Their kernels are forked
   from a warm process started before step 2 (``helpers.book.warm_kernels``), which imports the
   libraries on the second core while this process validates and stages; if no page executes,
   it is ended then.
5. Run Sphinx (``jupyter-book build`` with the Makefile's strict flags, execution off) for HTML
   and LaTeX side by side, each in a fresh output folder, then compile the LaTeX
   (``helpers.book.outputs``), so no saved state or half-written LaTeX file from an earlier run
   is ever read again. The Sphinx processes start as soon as the last independent notebook has
   a core: they import what they need on the core the executions leave idle and read nothing
   until the executed pages are staged (``--wait-for-go``); a failed execution stops them.
   What a complete release built from exactly the same inputs already holds is copied
   instead: its HTML, and the LaTeX sources a preview (``make html``) wrote on its idle second
   core.
6. Write ``numbers.json``/``numbers.csv``: the rows the ledger page's execution shows (this
   build's, or the one reused because nothing it reads changed), check that the tree did not
   change while building, and publish HTML, PDF and data as one release (``helpers.book.publish``).

A failure or an interruption at any step publishes nothing and says why; the only state carried
from one build to the next is the execution cache, whose entries are written atomically after
success and trusted only while their hashes hold.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import platform
import shlex
import shutil
import signal
import sys
import time
from pathlib import Path

import yaml

from helpers import toc
from helpers.book import console, execute, geojson, ledger_files, outputs, provenance, publish, warm_kernels
from helpers.paths import PROJECT_ROOT, data_dir

PACKAGE = Path(__file__).resolve().parents[1]  # the helpers package
FORMATS = ("html", "pdf")


class BuildFailed(Exception):
    """The build cannot publish; the message says why."""


class Interrupted(BaseException):
    """SIGTERM reached the build (SIGINT raises KeyboardInterrupt)."""


# --- inputs -----------------------------------------------------------------------------------


def _files(base: Path) -> list[Path]:
    if not base.is_dir():
        return []
    return sorted(
        p
        for p in base.rglob("*")
        if p.is_file()
        and "__pycache__" not in p.parts
        and not any(part.startswith(".") for part in p.relative_to(base).parts)
    )


def facts(root: Path) -> dict[str, str]:
    """Facts of this build that pages may show; fixed once, handed to every kernel and Sphinx."""
    return {
        "commit": provenance.current_commit(root),
        "build_date": provenance.build_date(),
        "version": provenance.version(),
    }


def fingerprint(root: Path, data: Path, book_facts: dict[str, str], settings: dict) -> dict[str, str]:
    """Name -> SHA-256 of everything the book is built from."""
    found = {}
    for name in ("_config.yml", "_toc.yml", "CITATION.cff"):
        found[name] = execute.sha256_file(root / name)
    for page in toc.pages(root):
        found[page.path.relative_to(root).as_posix()] = execute.sha256_file(page.path)
    for folder in ("_static", "_templates"):
        for path in _files(root / folder):
            found[path.relative_to(root).as_posix()] = execute.sha256_file(path)
    for path in _files(data):
        found["data/" + path.relative_to(data).as_posix()] = execute.sha256_file(path)
    for path in _files(PACKAGE):
        found["helpers/" + path.relative_to(PACKAGE).as_posix()] = execute.sha256_file(path)
    for name in ("requirements.lock", "pyproject.toml"):
        found["project/" + name] = execute.sha256_file(PROJECT_ROOT / name)
    for name, value in {**book_facts, **settings}.items():
        found[f"fact:{name}"] = execute.sha256_bytes(str(value).encode("utf-8"))
    return found


def key_of(inputs: dict[str, str]) -> str:
    return execute.sha256_bytes(json.dumps(inputs, sort_keys=True).encode("utf-8"))


# --- the lock ----------------------------------------------------------------------------------


class Lock:
    """An exclusive lock on ``_build/.lock`` for one build; released when the process ends."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> Lock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = open(self.path, "a+", encoding="utf-8")
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.handle.seek(0)
            holder = self.handle.read().strip() or "another process"
            self.handle.close()
            raise BuildFailed(
                f"another build is running in this clone ({holder}); wait for it to finish, then run the command again"
            ) from None
        self.handle.seek(0)
        self.handle.truncate()
        self.handle.write(f"pid {os.getpid()}, started {time.strftime('%H:%M:%S')}\n")
        self.handle.flush()
        return self

    def __exit__(self, *exc) -> None:
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()


# --- staging and Sphinx --------------------------------------------------------------------------


def stage(root: Path, data: Path, target: Path) -> Path:
    """A copy of the book to build from: configuration with execution off, static files, a
    snapshot of the data. Pages are added after execution."""
    target.mkdir(parents=True)
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    config.setdefault("execute", {})["execute_notebooks"] = "off"  # executed before Sphinx runs
    (target / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")
    shutil.copyfile(root / "_toc.yml", target / "_toc.yml")
    if (root / "CITATION.cff").exists():
        shutil.copyfile(root / "CITATION.cff", target / "CITATION.cff")
    for folder in ("_static", "_templates"):
        if (root / folder).is_dir():
            shutil.copytree(root / folder, target / folder)
    shutil.copytree(data, target / "data", ignore=shutil.ignore_patterns(".*", "__pycache__"))
    return target


# --- the build ------------------------------------------------------------------------------------


def _validate(cache_dir: Path, inputs: dict[str, str]) -> None:
    """Validate the data, unless exactly these data, validation code and libraries passed before.

    Validation is a function of the data files, the ``helpers.data`` code and the locked
    libraries, so a success recorded under the hash of all three is as good as running it again.
    """
    relevant = {
        name: digest
        for name, digest in inputs.items()
        if name.startswith(("data/", "helpers/data/", "helpers/paths.py", "project/"))
    }
    key = key_of(relevant)
    record = cache_dir / "validated"
    if record.exists() and record.read_text(encoding="utf-8").strip() == key:
        console.say("[validate] the data, the contract and the libraries are as last validated: not validated again")
        return
    from helpers.data import validate  # pandas and pandera: a second to import, so only when needed

    if validate.main() != 0:
        raise BuildFailed("the data did not validate (see above)")
    cache_dir.mkdir(parents=True, exist_ok=True)
    temporary = record.with_name(f".validated.{os.getpid()}")
    temporary.write_text(key + "\n", encoding="utf-8")
    os.replace(temporary, record)


def _reusable_release(build_dir: Path, base: Path, content_key: str) -> Path | None:
    """A release built from exactly these inputs (by `make html` or `make book`), if any."""
    for other in (build_dir / "preview", build_dir):
        if other == base:
            continue
        record = publish.manifest(other)
        if record and record.get("content_key") == content_key:
            release = publish.live_release(other)
            if (release / "html" / "index.html").exists():
                return release
    return None


PDF_SIZE_MARK = '<span class="book-pdf-size"></span>'


def _link_pdf(html: Path, pdf: Path) -> None:
    """Put the PDF book beside the HTML pages that link it, and show its size where they say so."""
    shutil.copyfile(pdf, html / "book.pdf")
    size = f'<span class="book-pdf-size">(PDF, {pdf.stat().st_size / 1e6:.1f} MB)</span>'
    for page in html.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        if PDF_SIZE_MARK in text:
            page.write_text(text.replace(PDF_SIZE_MARK, size), encoding="utf-8")


def _ledger_files(jobs: list[execute.Job], executed: dict[str, bytes]) -> dict[str, str]:
    """``numbers.json`` and ``numbers.csv`` (name -> text): the rows the ledger page's execution
    shows (``helpers.book.ledger_files``); none for a book without a ledger page."""
    for job in jobs:
        if execute.executes_last(job.notebook):
            try:
                return ledger_files.files(executed[job.page.docname], job.page.docname)
            except ValueError as error:
                raise BuildFailed(str(error)) from None
    return {}


#: The build's last line before its result: seconds by stage (read by ``make bench``).
STAGES_PREFIX = "[build] seconds by stage:"


class _Stages:
    """Where a build's time went, stage by stage, for the build's last lines and ``make bench``.

    ``sphinx_html`` ends when the HTML run ends; ``other_formats`` is the wait after it for the
    LaTeX or PDF run beside it (all of that run when the HTML was reused).
    """

    def __init__(self) -> None:
        self._last = time.monotonic()
        self.seconds: dict[str, float] = {}

    def mark(self, stage: str, at: float | None = None) -> None:
        now = time.monotonic() if at is None else at
        self.seconds[stage] = max(0.0, now - self._last)
        self._last = max(self._last, now)

    def line(self) -> str:
        return f"{STAGES_PREFIX} " + ", ".join(f"{stage} {s:.2f}" for stage, s in self.seconds.items())


def run(root: Path, formats: list[str], flags: list[str], fresh: bool, workers: int) -> str:
    """Build and publish; return a line saying what was published. Raises BuildFailed."""
    if "html" not in formats:
        raise BuildFailed("the HTML book is required (the PDF alone is not published)")
    build_dir = root / "_build"
    base = _release_base(root, formats)
    data = data_dir()
    book_facts = facts(root)
    settings = {"flags": " ".join(flags), "formats": ",".join(sorted(formats)), "python": platform.python_version()}
    inputs_at_start = fingerprint(root, data, book_facts, settings)
    key = key_of(inputs_at_start)
    content_key = key_of({k: v for k, v in inputs_at_start.items() if k != "fact:formats"})
    live = publish.manifest(base)
    if not fresh and live and live.get("key") == key:
        return f"nothing changed since release {live['release']}: the published book is current"
    tmp_root = build_dir / "tmp"
    shutil.rmtree(tmp_root, ignore_errors=True)  # left by a failed or killed build (we hold the lock)
    publish.remove_partials(base)
    work = tmp_root / f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}"
    work.mkdir(parents=True)
    snapshot = work / "src" / "data"  # staged after validation
    env = {
        **os.environ,
        "BOOK_ROOT": str(root),
        "BOOK_DATA_DIR": str(snapshot),
        "BOOK_COMMIT": book_facts["commit"],
        "BOOK_BUILD_DATE": book_facts["build_date"],
        "BOOK_EXECUTED_DIR": str(work / "executed"),
        "PYTHONHASHSEED": "0",
    }
    # The kernels' warm process imports on the second core while this one validates and stages;
    # the execution uses it if any page executes and ends it otherwise (helpers.book.warm_kernels).
    warm = warm_kernels.start_ahead(env, work)
    try:
        # Imported only when there is something to build: nbformat (through jsonschema's format
        # checkers) takes longer to import than a build that finds nothing changed needs in all.
        import nbformat

        clock = _Stages()
        if fresh:
            (build_dir / "cache" / "validated").unlink(missing_ok=True)
        _validate(build_dir / "cache", inputs_at_start)
        clock.mark("validate")
        cache = execute.Cache(build_dir / "cache")
        if fresh:
            shutil.rmtree(cache.root, ignore_errors=True)
            cache = execute.Cache(build_dir / "cache")
        source = stage(root, data, work / "src")
        os.environ.update({k: env[k] for k in ("BOOK_ROOT", "BOOK_DATA_DIR", "BOOK_COMMIT", "BOOK_BUILD_DATE")})
        config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")).get("execute", {})
        timeout = int(config.get("timeout", 300))
        environment = execute.sha256_bytes(
            json.dumps(
                [
                    platform.python_version(),
                    inputs_at_start["project/requirements.lock"],
                    inputs_at_start["project/pyproject.toml"],
                    timeout,
                ],
                sort_keys=True,
            ).encode("utf-8")
        )
        code = {path.relative_to(PACKAGE).as_posix(): execute.sha256_file(path) for path in _files(PACKAGE)}
        inputs = execute.Inputs(
            data_snapshot=snapshot, executed=work / "executed", package=PACKAGE, facts=book_facts, code=code, root=root
        )
        jobs = []
        for page in toc.pages(root):
            if not page.is_notebook:
                target = source / page.path.relative_to(root)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(page.path, target)
                continue
            notebook = nbformat.read(page.path, as_version=4)
            for cell in notebook.cells:
                if cell.cell_type == "code":
                    cell.outputs, cell.execution_count = [], None
            jobs.append(
                execute.Job(page, source / page.path.relative_to(root), notebook, execute.source_digest(notebook))
            )
        reused = None if fresh else _reusable_release(build_dir, base, content_key)
        stored_latex = reused / "latex" if reused is not None and (reused / "latex" / "book.tex").is_file() else None
        if reused is not None:
            console.say(f"[html] built from exactly these inputs already ({reused.name}): reusing it")
        if stored_latex is not None and "pdf" in formats:
            console.say(
                f"[pdf] LaTeX sources written from exactly these inputs already ({reused.name}): compiling them"
            )
        runs: list[outputs.Run] = []
        extras: list[outputs.Run] = []

        def start_sphinx() -> None:
            """Start the formats' runs, gated: Sphinx imports what it needs on the cores the last
            executions leave idle, and reads nothing before ``go`` (the executed pages staged)."""
            if runs or extras:
                return
            if reused is None:
                runs.append(outputs.html(source, work / "out-html", flags, env, gated=True))
            if "pdf" in formats:
                gated = stored_latex is None
                runs.append(outputs.pdf(source, work / "out-pdf", flags, env, sources=stored_latex, gated=gated))
            # A preview leaves the second core idle while Sphinx writes HTML: it writes the PDF's LaTeX
            # sources meanwhile, kept with the preview, so that `make book` only has to compile them.
            # Not part of the preview's result: if they fail, `make book` will build them and say why.
            if formats == ["html"] and workers > 1 and reused is None:
                extras.append(outputs.latex(source, work / "out-latex", flags, env, gated=True))

        clock.mark("stage")
        started = time.monotonic()
        try:
            try:
                executed = execute.execute(
                    jobs,
                    cache,
                    inputs,
                    environment,
                    env,
                    work,
                    timeout,
                    workers,
                    when_cores_free=start_sphinx,
                    started_ahead=warm,
                )
            except execute.ExecutionFailed as error:
                raise BuildFailed(f"a notebook failed:\n{error}") from None
            for job in jobs:
                job.stage_path.parent.mkdir(parents=True, exist_ok=True)
                job.stage_path.write_bytes(executed[job.page.docname])
            console.say(f"[execute] done in {time.monotonic() - started:.1f} s")
            numbers = _ledger_files(jobs, executed) if reused is None else {}
            clock.mark("execute")
            start_sphinx()  # a no-op: the execution started them once every notebook had a core
            for run in [*runs, *extras]:
                run.go()
            codes = {run.fmt: run.wait() for run in runs}
            latex_code = extras[0].wait() if extras else None
        finally:
            for run in [*runs, *extras]:
                run.stop()
        extra = extras[0] if extras else None
        html_run = next((run for run in runs if run.fmt == "html"), None)
        if html_run is not None and html_run.finished_at is not None:
            clock.mark("sphinx_html", at=html_run.finished_at)
        clock.mark("other_formats")
        failed = [run for run in runs if codes[run.fmt] != 0 or not run.result.exists()]
        if failed:
            details = "\n".join(f"  [{run.fmt}] {line}" for run in failed for line in run.warnings())
            # a LaTeX error is no warning: a run that explained its failure says why itself
            strict = "" if all(run.explained for run in failed) else " (a warning is a failure)"
            raise BuildFailed(f"the {' and '.join(r.fmt.upper() for r in failed)} build failed{strict}:\n{details}")
        latex = None
        if extra is not None:
            if latex_code == 0 and (extra.result / "book.tex").is_file():
                latex = extra.result
            else:
                console.say(
                    "[latex] the PDF's LaTeX sources did not build cleanly (not needed for this preview; "
                    "`make book` will build them again and stop on what failed)"
                )
        if reused is not None:
            html = work / "html-reused"
            shutil.copytree(reused / "html", html, symlinks=True)
        else:
            html = next(run.result for run in runs if run.fmt == "html")
            for name, text in numbers.items():
                (html / name).write_text(text, encoding="utf-8")
        pdf = next((run.result for run in runs if run.fmt == "pdf"), None)
        if pdf is not None:
            _link_pdf(html, pdf)

        if fingerprint(root, data, facts(root), settings) != inputs_at_start:
            raise BuildFailed("the book's files changed while it was being built; run the build again")
        record = {
            "key": key,
            "content_key": content_key,
            "commit": book_facts["commit"],
            "build_date": book_facts["build_date"],
            "pages": [page.docname for page in toc.pages(root)],
        }
        geojson.write(snapshot)  # the maps' polygons for GIS tools, from the table this build validated
        release = publish.publish(html, pdf, base, data=snapshot, record=record, latex=latex)
        cache.prune({trace.result for job in jobs if (trace := cache.trace(job.page.docname))})
        shutil.rmtree(work, ignore_errors=True)
        clock.mark("publish")
        console.say(clock.line())
        where = "published" if base == build_dir else "built a preview (not published: `make book` publishes)"
        return f"{where} release {release.name}: {base / 'html' / 'index.html'}" + (
            f" and {base / 'pdf' / 'book.pdf'}" if pdf else ""
        )
    finally:
        if warm is not None:
            warm.stop()  # stopped already, unless the build stopped before executing any page


def _release_base(root: Path, formats: list[str]) -> Path:
    """Where a build publishes: ``_build`` for the whole book, ``_build/preview`` for HTML alone."""
    return root / "_build" if set(formats) == set(FORMATS) else root / "_build" / "preview"


def _still_published(root: Path, formats: list[str]) -> str:
    live = publish.manifest(_release_base(root, formats))
    return f"the published book is still release {live['release']}" if live else "no book has been published yet"


def _raise_interrupted(signum, frame) -> None:
    raise Interrupted()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=PROJECT_ROOT, help="the book's folder (default: this project)")
    parser.add_argument("--format", action="append", choices=FORMATS, help="html and/or pdf (default: both, published)")
    parser.add_argument("--jb-flags", required=True, help="jupyter-book's flags: the Makefile's JB_FLAGS")
    parser.add_argument("--fresh", action="store_true", help="ignore the execution cache")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="notebooks executed at once")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    formats = [fmt for fmt in FORMATS if fmt in (args.format or FORMATS)]
    signal.signal(signal.SIGTERM, _raise_interrupted)
    try:
        with Lock(root / "_build" / ".lock"):
            try:
                console.say(run(root, formats, shlex.split(args.jb_flags), args.fresh, args.workers))
                return 0
            except BuildFailed as error:
                print(
                    f"build failed: {error}\nnothing published; {_still_published(root, formats)}",
                    file=sys.stderr,
                    flush=True,
                )
                return 1
            except (KeyboardInterrupt, Interrupted):
                print(
                    f"build interrupted: nothing published; {_still_published(root, formats)}",
                    file=sys.stderr,
                    flush=True,
                )
                return 130
            except Exception:  # a bug, not a data or build problem: still say what is published
                import traceback

                traceback.print_exc()
                print(
                    f"build failed: unexpected error (traceback above)\nnothing published; "
                    f"{_still_published(root, formats)}",
                    file=sys.stderr,
                    flush=True,
                )
                return 1
    except BuildFailed as error:  # the lock is held by another build
        print(
            f"build not started: {error}\nnothing published; {_still_published(root, formats)}",
            file=sys.stderr,
            flush=True,
        )
        return 1


if __name__ == "__main__":
    from helpers.book.jupyter_book_cli import exit_without_teardown

    # a build that imported pandas and nbformat and held the executions spends about 0.8 s
    # freeing them at exit; the lock goes with the process either way
    exit_without_teardown(main())
