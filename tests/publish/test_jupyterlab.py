"""Every chapter in JupyterLab, offline, as a researcher runs it.

Starts JupyterLab from the project's environment on 127.0.0.1, over a temporary copy of the
notebooks and ``_static/vendor`` (so running them never rewrites the committed files; the
kernels read the project's data through the installed ``helpers``), opens each notebook in
headless Chromium with every request that leaves the server's origin blocked and recorded,
clears the outputs, runs all cells, and asserts: every code cell ran, no error or stderr
output, no script error, no off-origin request, every chart drawn as SVG (from the vendored
vega runtime, which the chart loads from the Jupyter server), and every number of the prose
shown in the rendered Markdown: each ``{eval}`glued.key``` role, evaluated in the kernel by
``jupyterlab-myst``, shows the text the book shows (the committed glue output), and no role is
left unevaluated. A screenshot of each notebook is saved under ``_build/screenshots/lab_*.png``.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from conftest import keep_on_origin
from helpers import toc
from helpers.book import ledger
from helpers.paths import PROJECT_ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCREENSHOTS = PROJECT_ROOT / "_build" / "screenshots"
TOKEN = "book-test"
#: Chapters that draw charts (the book's browser test checks the same pages).
WITH_CHARTS = {"index.ipynb", "chapters/surge.ipynb", "chapters/kursk.ipynb", "chapters/human_cost.ipynb"}
NOTEBOOKS = [page.path.relative_to(PROJECT_ROOT).as_posix() for page in toc.notebooks(PROJECT_ROOT)]
#: One JupyterLab server runs every notebook: under ``--dist loadgroup`` these tests stay on one
#: worker, while the browser tests of the built book spread over the others.
pytestmark = pytest.mark.xdist_group("jupyterlab")

if not CHROMIUM:
    if os.environ.get("CI") == "true":
        pytest.fail("CI must run the JupyterLab test: chromium is missing", pytrace=False)
    pytest.skip("chromium not installed (make browser-deps installs it as root)", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root = tmp_path_factory.mktemp("lab")
    for name in NOTEBOOKS:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(PROJECT_ROOT / name, root / name)
    shutil.copytree(PROJECT_ROOT / "_static" / "vendor", root / "_static" / "vendor")
    # Fresh settings and workspaces (nothing from a researcher's own JupyterLab), the kernel
    # started without asking, and no autosave.
    state = tmp_path_factory.mktemp("lab-state")
    # The book's own settings (binder/overrides.json, which make lab and Binder install) come first.
    settings = json.loads((PROJECT_ROOT / "binder" / "overrides.json").read_text(encoding="utf-8"))
    settings.setdefault("@jupyterlab/notebook-extension:tracker", {})["autoStartDefaultKernel"] = True
    settings.setdefault("@jupyterlab/docmanager-extension:plugin", {})["autosave"] = False
    for plugin, values in settings.items():
        extension, name = plugin.split(":")
        folder = state / "settings" / extension
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{name}.jupyterlab-settings").write_text(json.dumps(values), encoding="utf-8")
    port = _free_port()
    jupyter = Path(sys.executable).with_name("jupyter")
    server = subprocess.Popen(
        [
            str(jupyter),
            "lab",
            "--no-browser",
            "--allow-root",
            "--ip=127.0.0.1",
            f"--port={port}",
            f"--ServerApp.root_dir={root}",
            f"--IdentityProvider.token={TOKEN}",
            "--LabApp.expose_app_in_browser=True",
            f"--LabApp.user_settings_dir={state / 'settings'}",
            f"--LabApp.workspaces_dir={state / 'workspaces'}",
            "--LabApp.extension_manager=readonly",
            "--LabApp.news_url=",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    origin = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"{origin}/api/status?token={TOKEN}", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("JupyterLab did not start")
        yield origin
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield instance
        instance.close()


KERNEL_IDLE = """() => {
    const widget = window.jupyterapp.shell.currentWidget;
    const kernel = widget && widget.sessionContext && widget.sessionContext.session
        && widget.sessionContext.session.kernel;
    return !!kernel && kernel.status === 'idle';
}"""
PROMPTS = """[...window.jupyterapp.shell.currentWidget.node.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')]
    .map(p => p.textContent.trim())"""
NOTHING_RAN = f"() => {PROMPTS}.every(p => !/\\d/.test(p))"
ALL_CELLS_RAN = (
    f"() => {{ const prompts = {PROMPTS}; return prompts.length > 0 && prompts.every(p => /^\\[\\d+\\]:$/.test(p)); }}"
)


#: The text of every Markdown cell as jupyterlab-myst rendered it (its widget has the class
#: ``myst``); textContent, since JupyterLab may skip painting cells outside the viewport.
RENDERED_PROSE = (
    "[...window.jupyterapp.shell.currentWidget.node.querySelectorAll('.jp-MarkdownCell .myst')]"
    ".map(m => m.textContent).join('\\n')"
)


def _prose_numbers(notebook: str) -> dict[str, str]:
    """key -> text for every number the notebook's prose shows, as the committed outputs glued it."""
    committed = nbformat.read(PROJECT_ROOT / notebook, as_version=4)
    values = ledger.stored_values(committed)
    prose = "\n".join(c.source for c in committed.cells if c.cell_type == "markdown")
    return {key: values[key] for key in ledger.PROSE_ROLE.findall(prose)}


class LabPage:
    """One JupyterLab page, loaded once, in which each test opens its notebook (as a researcher
    opens one chapter after another); the requests and script errors each test sees."""

    def __init__(self, browser, origin: str) -> None:
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000})
        self.blocked: list[str] = keep_on_origin(self.context, origin, "data:")
        self.errors: list[str] = []
        self.page = self.context.new_page()
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        # a workspace of its own, so that no tab of a researcher's own JupyterLab comes back
        self.page.goto(f"{origin}/lab/workspaces/book-test?token={TOKEN}", wait_until="domcontentloaded")
        self.page.wait_for_function("window.jupyterapp && window.jupyterapp.shell", timeout=60_000)
        self.page.evaluate("() => window.jupyterapp.restored.then(() => true)")

    def open(self, notebook: str) -> None:
        """Open ``notebook`` in a new tab; what earlier notebooks did no longer counts."""
        self.blocked.clear()
        self.errors.clear()
        self.page.evaluate(
            "(path) => window.jupyterapp.commands.execute('docmanager:open', {path}).then(() => true)", notebook
        )
        self.page.wait_for_function(
            "(path) => { const widget = window.jupyterapp.shell.currentWidget;"
            " return !!widget && !!widget.context && widget.context.path === path"
            " && !!widget.node.querySelector('.jp-Notebook'); }",
            arg=notebook,
            timeout=60_000,
        )

    def close_current(self) -> None:
        """Shut the current notebook's kernel down and drop its tab without saving it."""
        self.page.evaluate(
            "() => { const widget = window.jupyterapp.shell.currentWidget;"
            " return widget.sessionContext.shutdown().then(() => { widget.dispose(); return true; }); }"
        )


@pytest.fixture(scope="module")
def lab_page(browser, lab):
    opened = LabPage(browser, lab)
    yield opened
    opened.context.close()


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_a_chapter_runs_in_jupyterlab_offline(lab_page, notebook):
    page, blocked, errors = lab_page.page, lab_page.blocked, lab_page.errors
    lab_page.open(notebook)
    # JupyterLab may ask which kernel to start ("Select Kernel"): accept its default, the
    # project's environment; then wait for the kernel to be idle.
    deadline = time.monotonic() + 90
    while not page.evaluate(KERNEL_IDLE):
        assert time.monotonic() < deadline, "the notebook's kernel did not start"
        if page.locator(".jp-Dialog .jp-mod-accept").count():
            page.locator(".jp-Dialog .jp-mod-accept").click()
        page.wait_for_timeout(100)
    assert page.evaluate("() => window.jupyterapp.shell.currentWidget.context.path") == notebook
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs')")
    page.wait_for_function(NOTHING_RAN, timeout=30_000)
    page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
    screenshot = SCREENSHOTS / f"lab_{notebook.replace('/', '_').removesuffix('.ipynb')}.png"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    try:
        page.wait_for_function(ALL_CELLS_RAN, timeout=240_000)
    except PlaywrightTimeout:
        page.screenshot(path=str(screenshot))  # where the run stopped
        raise
    prose_numbers = _prose_numbers(notebook)
    if prose_numbers:  # the Markdown cells' roles are evaluated once the kernel has run the code
        with contextlib.suppress(PlaywrightTimeout):  # the assertions below say what is missing
            page.wait_for_function(
                f"(shown) => {{ const prose = {RENDERED_PROSE}; "
                "return !prose.includes('glued.') && shown.every(text => prose.includes(text)); }",
                arg=sorted(set(prose_numbers.values())),
                timeout=30_000,
            )
    prose = page.evaluate(f"() => {RENDERED_PROSE}")
    assert prose.strip(), "no Markdown cell rendered by jupyterlab-myst"
    page.wait_for_function(
        "[...window.jupyterapp.shell.currentWidget.node.querySelectorAll('.book-chart')]"
        ".every(c => c.querySelector('svg') || c.textContent)",
        timeout=30_000,
    )
    found = page.evaluate(
        """() => {
            const panel = window.jupyterapp.shell.currentWidget.node;
            const charts = [...panel.querySelectorAll('.book-chart')];
            return {
                charts: charts.length,
                drawn: panel.querySelectorAll('.book-chart svg').length,
                notDrawn: charts.filter(c => !c.querySelector('svg')).map(c => c.textContent.slice(0, 200)),
                errors: [...panel.querySelectorAll(
                    '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')]
                    .map(o => o.textContent.slice(0, 300)),
            };
        }"""
    )
    page.screenshot(path=str(screenshot))
    lab_page.close_current()

    assert not blocked, f"requests left JupyterLab's origin: {blocked}"
    assert not found["errors"], found["errors"]
    assert not errors, f"script errors: {errors}"
    assert found["drawn"] == found["charts"], found["notDrawn"]
    if notebook in WITH_CHARTS:  # so that the check above cannot pass for want of charts
        assert found["charts"] >= 1
    assert "glued." not in prose, "a prose role was left unevaluated"
    missing = {key: text for key, text in prose_numbers.items() if text not in prose}
    assert not missing, f"numbers not shown in the rendered prose: {missing}"
    if notebook in WITH_CHARTS:
        assert prose_numbers, "the chapter's prose shows glued numbers"
