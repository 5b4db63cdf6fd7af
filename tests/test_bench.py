"""``make bench``'s report: what it says, from a report of known numbers (no timing here)."""

from __future__ import annotations

import subprocess
import sys
import time

from helpers.book import bench


def report(**changes) -> dict:
    r = {
        "machine": {"cores": 2, "python": "3.11.7", "platform": "Linux"},
        "runs": {"builds": 3, "make_test": 1},
        "peer_nbconvert_loop_s": 40.0,
        "clean_html_s": 30.0,
        "clean_one_worker_s": 45.0,
        "clean_one_worker_stages_s": {"validate": 0.2, "execute": 36.0, "sphinx_html": 3.0},
        "clean_stages_s": {"validate": 0.2, "execute": 21.0, "sphinx_html": 3.0},
        "no_change_s": 1.5,
        "one_table": {
            "places.csv": {"s": 15.0, "reexecuted": ["chapters/surge"], "pct": 50.0},
            "raw_inputs.csv": {"s": 6.0, "reexecuted": ["chapters/data_and_methods"], "pct": 20.0},
        },
        "no_execution_edit": {
            "page": "chapters/bibliography.md",
            "s": 4.5,
            "reexecuted": [],
            "pct": 15.0,
            "stages_s": {"validate": 0.2, "sphinx_html": 3.0, "start-up and checks": 0.4},
        },
        "pdf_after_html_s": 14.0,
        "make_test_s": 600.0,
        "make_test_stages_s": {"lint": 1.0, "unit": 500.0, "book": 2.0, "nbval": 3.0, "publish-tests": 94.0},
        "make_test_cpu_s": {"lint": 1.5, "unit": 900.0, "book": 30.0, "nbval": 2.5, "publish-tests": 166.0},
        "profile": {
            "clean_s": 30.0,
            "notebooks": 9,
            "kernel_start_s": 1.5,
            "forked_kernel_start_s": 0.6,
            "own_execution_sum_s": 40.0,
            "floor_s": 20.0,
            "execution_wall_s": 21.0,
        },
        "page_mb": {"index.html": 1.2},
        "clean_ratio": 0.75,
        "largest_page_mb": 1.2,
    }
    r.update(changes)
    return r


def test_each_figure_is_shown_with_its_target_and_verdict():
    text = bench.render(report())
    assert "| clean HTML build | 30.0 s | 0.75× peer | ≤ 0.8× peer | met |" in text
    assert "| `make test` | 600.0 s | 15.0× peer | ≤ 90 s | missed by 510.0 s |" in text
    assert "one_table" not in text and "≤ 30% of clean | missed by 20 points |" in text  # 50% of clean against 30%


def test_a_miss_is_said_in_the_targets_unit():
    text = bench.render(report(clean_ratio=0.9, largest_page_mb=1.62))
    assert "| ≤ 0.8× peer | missed by 0.10× |" in text
    assert "| ≤ 1.5 MB | missed by 0.12 MB |" in text


def test_each_table_edit_is_reported_with_the_pages_it_re_executed():
    text = bench.render(report())
    assert "| `make html` after editing data/places.csv | 15.0 s | 50% of clean; re-executed: chapters/surge |" in text
    assert (
        "| `make html` after editing data/raw_inputs.csv | 6.0 s | 20% of clean; "
        "re-executed: chapters/data_and_methods | ≤ 30% of clean | met |"
    ) in text


def test_each_table_edit_still_applies_to_the_data():
    """The bench edits a text cell of each table; an edit that no longer matches would time nothing."""
    from helpers.paths import data_dir

    for name, old, _ in bench.TABLE_EDITS:
        assert (data_dir() / name).read_bytes().count(old) >= 1, name


def test_make_test_is_reported_stage_by_stage():
    text = bench.render(report())
    assert "`make test` by stage: lint 1.0 s, unit 500.0 s, book 2.0 s, nbval 3.0 s, publish-tests 94.0 s." in text
    assert (
        "CPU time the machine was busy, by stage: lint 2 s, unit 900 s, book 30 s, nbval 2 s, publish-tests 166 s; "
        "1100 s in all, which takes at least 550 s on 2 cores"
    ) in text


def test_a_stage_s_cpu_time_counts_the_processes_it_ran(monkeypatch):
    """A stage that keeps a core busy in a child process for a moment is charged that CPU time."""
    monkeypatch.setattr(bench, "make_test_stages", lambda: ["busy", "idle"])
    commands = {
        "busy": [
            sys.executable,
            "-c",
            "import time\nend = time.process_time() + 0.3\nwhile time.process_time() < end: pass",
        ],
        "idle": [sys.executable, "-c", "import time; time.sleep(0.3)"],
    }

    def run(command, cwd=None):
        subprocess.run(commands[command[-1]], check=True)  # the stage's name comes last: make <stage>
        return 0.3, ""

    monkeypatch.setattr(bench, "run", run)
    wall, cpu = bench.test_stages()
    assert wall == {"busy": 0.3, "idle": 0.3}
    assert cpu["busy"] >= 0.3, cpu  # other work on the machine can only add to it


def test_each_stage_is_charged_the_cpu_time_spent_while_it_ran(monkeypatch):
    """A stage's CPU time is the machine's busy time from its start to its end, nothing before
    or after it (the counter read here stands for /proc/stat)."""
    monkeypatch.setattr(bench, "make_test_stages", lambda: ["lint", "unit"])
    counter = iter([100.0, 101.5, 101.5, 151.5])  # before and after each stage
    monkeypatch.setattr(bench, "_cpu_seconds", lambda: next(counter))
    monkeypatch.setattr(bench, "run", lambda command, cwd=None: (1.0, ""))
    assert bench.test_stages() == ({"lint": 1.0, "unit": 1.0}, {"lint": 1.5, "unit": 50.0})


#: A process that leaves a grandchild busy and ends at once: the grandchild is adopted by init
#: (or the nearest subreaper), so the stage's own process tree never waits for it, as happens to
#: the browser processes of the tests of the built book.
ORPHAN_THAT_WORKS = (
    "import os, time\n"
    "if os.fork() == 0:\n"
    "    end = time.process_time() + 0.6\n"
    "    while time.process_time() < end: pass\n"
    "    os._exit(0)\n"
)


def test_a_stage_s_cpu_time_counts_work_in_processes_nobody_waits_for(monkeypatch):
    """The machine's busy time is what a stage costs: CPU used by a process the stage started
    but never waited for (a browser's renderers) counts too. Counted from what the processes
    that were waited for reported, the tests of the built book were charged 172 CPU-s where the
    machine was busy for about 420 (measured with /proc/stat)."""
    monkeypatch.setattr(bench, "make_test_stages", lambda: ["orphan"])

    def run(command, cwd=None):
        subprocess.run([sys.executable, "-c", ORPHAN_THAT_WORKS], check=True)
        time.sleep(1.0)  # the stage lasts while its orphan works
        return 1.0, ""

    monkeypatch.setattr(bench, "run", run)
    _wall, cpu = bench.test_stages()
    assert cpu["orphan"] >= 0.6, cpu  # other work on the machine can only add to it


def test_busy_seconds_are_read_from_proc_stat(tmp_path):
    """user + nice + system + irq + softirq + steal, in clock ticks; idle and iowait are not busy."""
    stat = tmp_path / "stat"
    stat.write_text("cpu  1000 50 300 9000 100 20 30 5 0 0\ncpu0 500 25 150 4500 50 10 15 2 0 0\n")
    assert bench.busy_seconds(stat, ticks_per_second=100) == (1000 + 50 + 300 + 20 + 30 + 5) / 100


def test_the_stages_are_those_of_make_test_with_nbval_after_the_book():
    """nbval reads the published book's executions, so the book is built before it."""
    stages = bench.make_test_stages()
    assert stages[0] == "lint" and "unit" in stages and "publish-tests" in stages
    assert stages.index("book") < stages.index("nbval")


def test_each_build_says_where_its_time_went():
    log = (
        "[execute] done in 1.9 s\n"
        "[build] seconds by stage: validate 0.50, stage 0.10, execute 1.90, sphinx_html 2.70, "
        "other_formats 0.80, publish 0.10\n"
    )
    stages = bench.build_stages_s(log)
    assert stages == {
        "validate": 0.5,
        "stage": 0.1,
        "execute": 1.9,
        "sphinx_html": 2.7,
        "other_formats": 0.8,
        "publish": 0.1,
    }
    medians = bench.median_stages([(6.5, stages), (7.0, {**stages, "execute": 2.4})])
    assert medians["execute"] == 2.15 and round(medians["start-up and checks"], 2) == 0.4
    edited = report()
    edited["one_table"]["raw_inputs.csv"]["stages_s"] = medians
    text = bench.render(edited)
    assert "- after editing data/raw_inputs.csv: validate 0.50, stage 0.10, execute 2.15, html 2.70" in text


def test_the_clean_build_is_compared_with_one_notebook_at_a_time():
    text = bench.render(report())
    assert (
        "the clean HTML build executing one notebook at a time (`WORKERS=1`) took 45.0 s; "
        "with 2 at a time (one per core, the default) 30.0 s, 1.50× as fast. "
        "Executing the notebooks took 36.0 s one at a time and 21.0 s 2 at a time (1.71×)."
    ) in text


def test_the_profile_names_both_kinds_of_kernel_start():
    text = bench.render(report())
    assert "about 0.6 s a kernel forked from the warm process, as this build's are, against 1.5 s started" in text


def test_the_least_any_edit_takes_is_reported_with_what_it_executed():
    """An edit that executes nothing times the part of every rebuild that does not depend on the edit."""
    text = bench.render(report())
    assert (
        "after editing chapters/bibliography.md, a page without code, in a tree already edited (so that no "
        "page's stamp changes), `make html` re-executed nothing and took 4.5 s, 15% of the clean build"
    ) in text
    assert "- after editing chapters/bibliography.md (nothing executed): validate 0.20, html 3.00" in text
    executed = report()
    executed["no_execution_edit"]["reexecuted"] = ["chapters/how_to_cite"]
    assert "`make html` re-executed chapters/how_to_cite and took 4.5 s" in bench.render(executed)
    assert "- after editing chapters/bibliography.md (chapters/how_to_cite executed):" in bench.render(executed)


def test_the_codeless_page_the_bench_edits_has_no_code():
    """Were code added to it, its edit would execute it, and time more than the fixed part."""
    from helpers.paths import PROJECT_ROOT

    text = (PROJECT_ROOT / bench.CODELESS_PAGE).read_text(encoding="utf-8")
    assert "{code-cell}" not in text and bench.CODELESS_PAGE.endswith(".md")
