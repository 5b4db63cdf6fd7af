"""Binder builds the same environment as the lock, and installs the package itself."""

from __future__ import annotations

from helpers.paths import PROJECT_ROOT

BINDER = PROJECT_ROOT / "binder"


def requirement_lines(path):
    stripped = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in stripped if line and not line.startswith("#")]


def test_binder_installs_exactly_the_lock():
    assert requirement_lines(BINDER / "requirements.txt") == ["-r ../requirements.lock"]
    assert (BINDER / "../requirements.lock").resolve() == (PROJECT_ROOT / "requirements.lock").resolve()
    pinned = [line for line in requirement_lines(PROJECT_ROOT / "requirements.lock") if not line.startswith("--hash")]
    assert pinned and all("==" in line and line.endswith("\\") for line in pinned)  # pinned, with hashes


def test_binder_uses_the_projects_python_and_installs_the_package():
    assert (BINDER / "runtime.txt").read_text(encoding="utf-8").strip() == "python-3.11"
    post_build = (BINDER / "postBuild").read_text(encoding="utf-8")
    assert "pip install --no-deps ." in post_build
    assert 'cp binder/overrides.json "$settings/overrides.json"' in post_build
    assert (BINDER / "postBuild").stat().st_mode & 0o111


def test_the_launch_button_opens_jupyterlab_which_the_lock_installs():
    """The lock has JupyterLab and not the classic notebook, whose ``tree/`` URL Binder would open."""
    import yaml

    config = yaml.safe_load((PROJECT_ROOT / "_config.yml").read_text(encoding="utf-8"))
    pinned = {line.split("==")[0] for line in requirement_lines(PROJECT_ROOT / "requirements.lock") if "==" in line}
    assert {"jupyterlab", "jupyterlab-myst"} <= pinned
    assert "notebook" not in pinned
    assert config["launch_buttons"]["notebook_interface"] == "jupyterlab"


def test_the_book_names_one_repository_address():
    """Binder's launch button, the repository button, the citation and the package metadata
    name the same repository: changing it in one file and not the others fails here."""
    import tomllib

    import yaml

    urls = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["urls"]
    config = yaml.safe_load((PROJECT_ROOT / "_config.yml").read_text(encoding="utf-8"))
    citation = yaml.safe_load((PROJECT_ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert config["repository"]["url"] == urls["Repository"] == citation["repository-code"]
    assert urls["Issues"] == urls["Repository"] + "/issues"
