"""``make bench``: how fast the book builds and tests, against the plain notebook loop, and page weights.

Measured side by side in one run on this machine, as medians of ``BENCH_RUNS`` runs (default 3):

* the *peer*: ``jupyter nbconvert --execute --to html`` over the same notebooks, one after
  another (the plainest tool that executes and renders the same pages);
* a clean HTML build (``make html`` with no execution cache), as a ratio of the peer, and the
  same build with one notebook executed at a time (``WORKERS=1``), to show how it scales with cores;
* a no-change ``make book`` (after one that published);
* a ``make html`` after editing one data table, as a share of the clean HTML build, and which
  pages it re-executed, for two tables: ``places.csv``, which most chapters read, and
  ``raw_inputs.csv``, which one chapter reads (the ledger page re-executes only when a number it
  lists or a table it reads for sources changed; the first edit also changes the commit shown,
  "+local changes", so How to cite re-executes too);
* a ``make html`` after editing a page without code (``chapters/bibliography.md``) in a tree
  already edited, so that no page's stamp changes either: it re-executes nothing, so its time is
  the part of every rebuild that does not depend on what changed (validation, staging, and the
  Sphinx runs over every page, as a strict build must), the least any edit can take;
* a ``make book`` after ``make html`` (the executions and the HTML reused, and the LaTeX sources
  ``make html`` wrote on its second core compiled);
* ``make test`` (``BENCH_TEST_RUNS`` runs, default 1), stage by stage (the targets it runs, in
  its order), so the report says where its time goes, with the CPU time the machine was busy
  during each stage (so run it on a machine doing nothing else).

It also reports the floor of a clean build (kernel start-up plus each notebook's own execution,
summed, and divided by the cores), where the rest of the clean build goes, and the weight of
every HTML page with its assets. Writes ``_build/bench/report.json`` and ``report.md``; the
README's table is copied from ``report.md``. Targets are those of the project's issue on build
speed; a missed target is reported with by how much. Timed runs edit the two tables and restore
them (and ``datapackage.json``) byte for byte afterwards.
"""

from __future__ import annotations

import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path

from helpers import toc
from helpers.book.build import STAGES_PREFIX
from helpers.paths import PROJECT_ROOT

BUILD = PROJECT_ROOT / "_build"
OUT = BUILD / "bench"
TARGETS = {
    "clean_ratio": 0.8,  # clean HTML build / nbconvert loop
    "no_change_s": 2.0,
    "one_table_pct": 30.0,  # of the clean build
    "pdf_after_html_s": 15.0,
    "make_test_s": 90.0,
    "page_mb": 1.5,
}
MAKE = ["make", "--no-print-directory"]
#: The one-table edits timed: (table, bytes replaced once, replacement). A text cell each, so the
#: data still validate.
TABLE_EDITS = (
    ("places.csv", b"a focus of Russia's advance", b"a focus of Russia's advance (bench)"),
    ("raw_inputs.csv", b"checked against these pins", b"checked against these pins (bench)"),
)
#: The page edited to time a rebuild that executes nothing: a page without code, edited twice
#: (a blank line added, then a second one), the first time untimed, to make the tree differ from
#: its commit so that the timed edit changes no page's stamp.
CODELESS_PAGE = "chapters/bibliography.md"


def run(command: list[str], cwd: Path = PROJECT_ROOT) -> tuple[float, str]:
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"bench: {' '.join(command)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return elapsed, result.stdout + result.stderr


def forget_builds() -> None:
    """Start from nothing built: no execution cache, no preview, no published release."""
    for name in ("cache", "tmp", "preview", "releases", "current", "html", "pdf"):
        path = BUILD / name
        if path.is_symlink() or path.is_file():
            path.unlink()
        else:
            shutil.rmtree(path, ignore_errors=True)


def nbconvert_loop() -> float:
    """The peer: execute and render each notebook with nbconvert, one after another."""
    jupyter = Path(sys.executable).with_name("jupyter")
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        for page in toc.notebooks(PROJECT_ROOT):
            run([str(jupyter), "nbconvert", "--execute", "--to", "html", "--output-dir", out, str(page.path)])
        return time.perf_counter() - start


def make_test_stages() -> list[str]:
    """The targets ``make test`` runs, in its order (read from the Makefile)."""
    return run([*MAKE, "-s", "print-TEST_STAGES"])[1].split()


#: The kernel's account of the time every core spent busy since boot (Linux).
PROC_STAT = Path("/proc/stat")


def busy_seconds(stat: Path = PROC_STAT, ticks_per_second: int | None = None) -> float:
    """CPU seconds all cores have spent busy since boot: the first line of ``/proc/stat``
    (user, nice, system, idle, iowait, irq, softirq, steal, in clock ticks), less idle and iowait."""
    ticks = [int(field) for field in stat.read_text(encoding="ascii").splitlines()[0].split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = ticks
    return (user + nice + system + irq + softirq + steal) / (ticks_per_second or os.sysconf("SC_CLK_TCK"))


def _cpu_seconds() -> float:
    """CPU seconds spent so far: by the whole machine where the kernel says (the benchmark runs
    alone), else by this process's children that ended and were waited for."""
    if PROC_STAT.is_file():
        return busy_seconds()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def test_stages() -> tuple[dict[str, float], dict[str, float]]:
    """``make test``, one stage after another (as make runs them), each timed: its wall seconds,
    and the CPU seconds the machine was busy meanwhile: the time the stage would need on its
    cores if nothing ever waited. Counted from the machine, not from the processes the stage
    waited for: a browser's renderers end unseen by the tests that start the browser, and the
    tests of the built book were charged 172 CPU-s that way where the cores were busy for 420."""
    wall, cpu = {}, {}
    for stage in make_test_stages():
        before = _cpu_seconds()
        wall[stage] = run([*MAKE, stage])[0]
        cpu[stage] = _cpu_seconds() - before
    return wall, cpu


KERNEL_IMPORTS = "import altair, pandas, pandera\nimport helpers.present.charts"


def kernel_start(warm=None) -> float:
    """Seconds to start a kernel and import what every chapter imports; ``warm``: forked from
    that warm process (``helpers.book.warm_kernels``), as the clean build starts its kernels."""
    import asyncio

    import nbformat

    from helpers.book.execute import ipc_client

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(KERNEL_IMPORTS)]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    start = time.perf_counter()
    with ipc_client(notebook, PROJECT_ROOT, 120, warm) as client:
        asyncio.run(client.async_execute())
    return time.perf_counter() - start


def forked_kernel_start() -> float:
    """Seconds to fork a kernel from a warm process that has done its imports, and import."""
    from helpers.book.warm_kernels import WarmProcess

    warm = WarmProcess(dict(os.environ))
    try:
        kernel_start(warm)  # the first waits for the warm process's own imports
        return statistics.median(kernel_start(warm) for _ in range(3))
    finally:
        warm.stop()


class _Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        stylesheet = tag == "link" and "stylesheet" in (attrs.get("rel") or "")
        url = attrs.get("src") if tag in ("script", "img") else attrs.get("href") if stylesheet else None
        if url and not url.startswith(("http:", "https:", "data:", "//")):
            self.found.add(url.split("?")[0].split("#")[0])


def page_weights(html_root: Path) -> dict[str, float]:
    """MB of each page with the scripts, stylesheets and images it loads."""
    weights = {}
    for page in sorted(html_root.rglob("*.html")):
        if "_static" in page.parts or page.name in ("genindex.html", "search.html"):
            continue
        parser = _Assets()
        parser.feed(page.read_text(encoding="utf-8", errors="replace"))
        total = page.stat().st_size
        for asset in parser.found:
            path = (page.parent / asset).resolve()
            if path.is_file():
                total += path.stat().st_size
        weights[str(page.relative_to(html_root))] = total / 1e6
    return weights


def executed_pages(log: str) -> list[str]:
    return sorted(set(re.findall(r"\[execute\] executing (\S+)", log)))


def own_execution_s(log: str) -> float:
    return sum(float(s) for s in re.findall(r"\[execute\] executed \S+ in ([\d.]+) s", log))


STAGES_LINE = re.compile(rf"^{re.escape(STAGES_PREFIX)} (.*)$", re.M)


def build_stages_s(log: str) -> dict[str, float]:
    """The build's own account of where its time went (its last ``seconds by stage`` line)."""
    found = STAGES_LINE.findall(log)
    if not found:
        return {}
    return {stage: float(value) for stage, value in (item.rsplit(" ", 1) for item in found[-1].split(", "))}


def median_stages(runs: list[tuple[float, dict[str, float]]]) -> dict[str, float]:
    """Median seconds of each stage over runs of (wall seconds, stages); ``start-up and checks``
    is the wall time the stages do not cover (starting make and Python, fingerprinting)."""
    names = list(dict.fromkeys(name for _, stages in runs for name in stages))
    medians = {name: statistics.median(stages.get(name, 0.0) for _, stages in runs) for name in names}
    medians["start-up and checks"] = statistics.median(wall - sum(stages.values()) for wall, stages in runs)
    return medians


def execution_wall_s(log: str) -> float:
    return sum(float(s) for s in re.findall(r"\[execute\] done in ([\d.]+) s", log))


def main() -> int:
    runs = int(os.environ.get("BENCH_RUNS", "3"))
    test_runs = int(os.environ.get("BENCH_TEST_RUNS", "1"))
    run([*MAKE, "setup"])
    descriptor = PROJECT_ROOT / "data" / "datapackage.json"
    tables = {name: PROJECT_ROOT / "data" / name for name, _, _ in TABLE_EDITS}
    page = PROJECT_ROOT / CODELESS_PAGE
    original = {path: path.read_bytes() for path in [*tables.values(), descriptor, page]}

    peer, clean, one_worker, no_change, pdf_after_html, logs = [], [], [], [], [], []
    one_table: dict[str, list[float]] = {name: [] for name in tables}
    clean_stages: list[tuple[float, dict[str, float]]] = []
    one_table_stages: dict[str, list[tuple[float, dict[str, float]]]] = {name: [] for name in tables}
    reexecuted: dict[str, list[str]] = {}
    no_execution: list[tuple[float, dict[str, float]]] = []
    no_execution_pages: list[str] = []
    try:
        for _ in range(runs):
            peer.append(nbconvert_loop())
            forget_builds()
            seconds, log = run([*MAKE, "html", "WORKERS=1"])
            one_worker.append((seconds, build_stages_s(log)))
            forget_builds()
            seconds, log = run([*MAKE, "html"])
            clean.append(seconds)
            clean_stages.append((seconds, build_stages_s(log)))
            logs.append((seconds, log))
            pdf_after_html.append(run([*MAKE, "book"])[0])
            no_change.append(run([*MAKE, "book"])[0])
            for name, old, new in TABLE_EDITS:
                path = tables[name]
                assert old in original[path], f"{name}: the bench's edit no longer applies"
                path.write_bytes(original[path].replace(old, new, 1))
                run([*MAKE, "datapackage"])
                seconds, log = run([*MAKE, "html"])  # like for like with the clean HTML build
                one_table[name].append(seconds)
                one_table_stages[name].append((seconds, build_stages_s(log)))
                reexecuted[name] = executed_pages(log)
                path.write_bytes(original[path])
                descriptor.write_bytes(original[descriptor])
                # untimed: back to the executions of the unedited data, so that the next edit's
                # rebuild does not also redo the pages that read the table just restored
                run([*MAKE, "html"])
            page.write_bytes(original[page] + b"\n")
            run([*MAKE, "html"])  # untimed: How to cite now shows "+local changes"
            page.write_bytes(original[page] + b"\n\n")
            seconds, log = run([*MAKE, "html"])
            no_execution.append((seconds, build_stages_s(log)))
            no_execution_pages.extend(executed_pages(log))
            page.write_bytes(original[page])
    finally:
        for path, raw in original.items():
            path.write_bytes(raw)
    test_runs_by_stage = sorted(
        (test_stages() for _ in range(test_runs)), key=lambda wall_cpu: sum(wall_cpu[0].values())
    )
    tests = [sum(wall.values()) for wall, _ in test_runs_by_stage]
    median_test_wall, median_test_cpu = test_runs_by_stage[len(test_runs_by_stage) // 2]
    median_seconds, median_log = sorted(logs)[len(logs) // 2]
    cores = os.cpu_count() or 1
    kernel = kernel_start()
    forked = forked_kernel_start()
    notebooks = len(executed_pages(median_log))
    floor_serial = own_execution_s(median_log)
    report = {
        "machine": {"cores": cores, "python": platform.python_version(), "platform": platform.platform()},
        "runs": {"builds": runs, "make_test": test_runs},
        "peer_nbconvert_loop_s": statistics.median(peer),
        "clean_html_s": statistics.median(clean),
        "clean_one_worker_s": statistics.median(seconds for seconds, _ in one_worker),
        "clean_one_worker_stages_s": median_stages(one_worker),
        "no_change_s": statistics.median(no_change),
        "one_table": {
            name: {
                "s": statistics.median(seconds),
                "reexecuted": reexecuted[name],
                "stages_s": median_stages(one_table_stages[name]),
            }
            for name, seconds in one_table.items()
        },
        "no_execution_edit": {
            "page": CODELESS_PAGE,
            "s": statistics.median(seconds for seconds, _ in no_execution),
            "reexecuted": sorted(set(no_execution_pages)),
            "stages_s": median_stages(no_execution),
        },
        "clean_stages_s": median_stages(clean_stages),
        "pdf_after_html_s": statistics.median(pdf_after_html),
        "make_test_s": statistics.median(tests),
        "make_test_stages_s": median_test_wall,  # the median run
        "make_test_cpu_s": median_test_cpu,
        "profile": {
            "clean_s": median_seconds,
            "notebooks": notebooks,
            "kernel_start_s": kernel,
            "forked_kernel_start_s": forked,
            "own_execution_sum_s": floor_serial,
            "floor_s": floor_serial / cores,
            "execution_wall_s": execution_wall_s(median_log),
        },
        "page_mb": page_weights(BUILD / "html"),
    }
    report["clean_ratio"] = report["clean_html_s"] / report["peer_nbconvert_loop_s"]
    for edit in [*report["one_table"].values(), report["no_execution_edit"]]:
        edit["pct"] = 100 * edit["s"] / report["clean_html_s"]
    report["largest_page_mb"] = max(report["page_mb"].values())
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "report.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    markdown = render(report)
    (OUT / "report.md").write_text(markdown, encoding="utf-8")
    print(markdown)
    return 0


def _verdict(value: float, target: float, unit: str) -> str:
    """Say "met", or by how much the figure misses its target, in the target's own unit."""
    if value <= target:
        return "met"
    over = value - target
    amounts = {"s": f"{over:.1f} s", "%": f"{over:.0f} points", "×": f"{over:.2f}×", "MB": f"{over:.2f} MB"}
    return f"missed by {amounts[unit]}"


def _stage_lines(r: dict) -> list[str]:
    builds = [("clean HTML build", r.get("clean_stages_s", {}))] + [
        (f"after editing data/{name}", edit.get("stages_s", {})) for name, edit in r["one_table"].items()
    ]
    if edit := r.get("no_execution_edit"):
        builds.append((f"after editing {edit['page']} ({_executed(edit)} executed)", edit["stages_s"]))
    names = {"sphinx_html": "html", "other_formats": "other formats"}
    return [
        f"- {label}: " + ", ".join(f"{names.get(stage, stage)} {seconds:.2f}" for stage, seconds in stages.items())
        for label, stages in builds
        if stages
    ]


def _executed(edit: dict) -> str:
    """The pages an edit's rebuild re-executed, or "nothing"."""
    return ", ".join(edit["reexecuted"]) or "nothing"


def _no_execution_lines(r: dict) -> list[str]:
    edit = r.get("no_execution_edit")
    if not edit:
        return []
    return [
        "",
        f"The least any edit takes: after editing {edit['page']}, a page without code, in a tree already "
        f"edited (so that no page's stamp changes), `make html` re-executed {_executed(edit)} and took "
        f"{edit['s']:.1f} s, {edit['pct']:.0f}% of the clean build: validation, staging and the Sphinx runs "
        "over every page, which every rebuild does whatever changed. A table edit adds the pages that "
        "read the table.",
    ]


def _scaling_lines(r: dict) -> list[str]:
    one = r.get("clean_one_worker_s")
    if not one:
        return []
    cores = r["machine"]["cores"]
    text = (
        f"Scaling with cores: the clean HTML build executing one notebook at a time (`WORKERS=1`) took "
        f"{one:.1f} s; with {cores} at a time (one per core, the default) {r['clean_html_s']:.1f} s, "
        f"{one / r['clean_html_s']:.2f}× as fast."
    )
    serial = r.get("clean_one_worker_stages_s", {}).get("execute")
    parallel = r.get("clean_stages_s", {}).get("execute")
    if serial and parallel:
        text += (
            f" Executing the notebooks took {serial:.1f} s one at a time and {parallel:.1f} s {cores} at a time "
            f"({serial / parallel:.2f}×). One at a time, the preview also skips the PDF's LaTeX sources it "
            "writes on a second core."
        )
    return ["", text]


def _test_cpu_lines(r: dict) -> list[str]:
    cpu = r.get("make_test_cpu_s")
    if not cpu:
        return []
    cores = r["machine"]["cores"]
    total = sum(cpu.values())
    return [
        "",
        "CPU time the machine was busy, by stage: "
        + ", ".join(f"{stage} {seconds:.0f} s" for stage, seconds in cpu.items())
        + f"; {total:.0f} s in all, which takes at least {total / cores:.0f} s on {cores} cores "
        "however the tests are scheduled.",
    ]


def render(r: dict) -> str:
    p, t, peer = r["profile"], TARGETS, r["peer_nbconvert_loop_s"]
    rest = p["clean_s"] - p["execution_wall_s"]
    rows = [
        ("nbconvert loop (peer)", f"{peer:.1f} s", "", "", ""),
        (
            "clean HTML build",
            f"{r['clean_html_s']:.1f} s",
            f"{r['clean_ratio']:.2f}× peer",
            f"≤ {t['clean_ratio']}× peer",
            _verdict(r["clean_ratio"], t["clean_ratio"], "×"),
        ),
        (
            "no-change `make book`",
            f"{r['no_change_s']:.2f} s",
            f"{r['no_change_s'] / peer:.2f}× peer",
            f"≤ {t['no_change_s']:.0f} s",
            _verdict(r["no_change_s"], t["no_change_s"], "s"),
        ),
        *(
            (
                f"`make html` after editing data/{name}",
                f"{edit['s']:.1f} s",
                f"{edit['pct']:.0f}% of clean; re-executed: {', '.join(edit['reexecuted']) or 'none'}",
                f"≤ {t['one_table_pct']:.0f}% of clean",
                _verdict(edit["pct"], t["one_table_pct"], "%"),
            )
            for name, edit in r["one_table"].items()
        ),
        (
            "`make book` after `make html` (PDF added)",
            f"{r['pdf_after_html_s']:.1f} s",
            f"{r['pdf_after_html_s'] / peer:.2f}× peer",
            f"≤ {t['pdf_after_html_s']:.0f} s",
            _verdict(r["pdf_after_html_s"], t["pdf_after_html_s"], "s"),
        ),
        (
            "`make test`",
            f"{r['make_test_s']:.1f} s",
            f"{r['make_test_s'] / peer:.1f}× peer",
            f"≤ {t['make_test_s']:.0f} s",
            _verdict(r["make_test_s"], t["make_test_s"], "s"),
        ),
        (
            "largest page with its assets",
            f"{r['largest_page_mb']:.2f} MB",
            "",
            f"≤ {t['page_mb']} MB",
            _verdict(r["largest_page_mb"], t["page_mb"], "MB"),
        ),
    ]
    lines = [
        "# Benchmark",
        "",
        f"Machine: {r['machine']['cores']} cores, Python {r['machine']['python']}, {r['machine']['platform']}. "
        f"Medians of {r['runs']['builds']} runs ({r['runs']['make_test']} for make test), measured side by side.",
        "",
        "| measure | value | compared | target | result |",
        "|---|---|---|---|---|",
        *(f"| {' | '.join(row)} |" for row in rows),
        "",
        f"Clean-build profile: {p['clean_s']:.1f} s in all. Executing {p['notebooks']} notebooks took "
        f"{p['execution_wall_s']:.1f} s of wall time; their own execution times (each including its kernel's "
        f"start-up and imports: about {p['forked_kernel_start_s']:.1f} s a kernel forked from the warm "
        f"process, as this build's are, against {p['kernel_start_s']:.1f} s started the usual way) add up to "
        f"{p['own_execution_sum_s']:.1f} s, so the floor on {r['machine']['cores']} cores is "
        f"{p['floor_s']:.1f} s. The other {rest:.1f} s are validation, staging and Sphinx (reading the "
        "executed notebooks, writing HTML).",
        *_no_execution_lines(r),
        *_scaling_lines(r),
        "",
        "Where each build's time goes (medians, seconds; `html` ends with the HTML Sphinx run, "
        "`other formats` is the wait after it for the LaTeX run beside it):",
        "",
        *_stage_lines(r),
        "",
        "`make test` by stage: "
        + ", ".join(f"{stage} {seconds:.1f} s" for stage, seconds in r.get("make_test_stages_s", {}).items())
        + ".",
        *_test_cpu_lines(r),
        "",
        "| page | MB with assets |",
        "|---|---|",
        *(f"| {page} | {mb:.2f} |" for page, mb in r["page_mb"].items()),
    ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
