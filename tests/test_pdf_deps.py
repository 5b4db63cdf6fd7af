"""`make pdf-deps` decides correctly whether TeX is installed, as root and as another user.

It once piped `fc-list` into `grep -q` under `pipefail`: when grep stopped reading early,
fc-list died of SIGPIPE (exit 141) and the check wrongly said the fonts were missing, so
non-root builds failed and root builds ran apt-get every time.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from helpers.paths import PROJECT_ROOT


def fake_bin(tmp_path: Path, uid: int, kpsewhich_fails: bool = False) -> tuple[dict[str, str], Path]:
    """A PATH whose `id -u` says ``uid`` and whose `apt-get` only logs that it was called."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "apt.log"
    (bin_dir / "id").write_text(f"#!/bin/sh\necho {uid}\n", encoding="utf-8")
    (bin_dir / "apt-get").write_text(f'#!/bin/sh\necho "apt-get $*" >> {log}\n', encoding="utf-8")
    if kpsewhich_fails:  # as if a LaTeX package were missing
        (bin_dir / "kpsewhich").write_text("#!/bin/sh\nexit 1\n", encoding="utf-8")
    for tool in bin_dir.iterdir():
        tool.chmod(0o755)
    return {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}, log


def pdf_deps(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "--no-print-directory", "-s", "pdf-deps"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("uid", [1000, 0], ids=["user", "root"])
def test_installed_tex_is_recognised_every_time(tmp_path: Path, uid: int):
    env, log = fake_bin(tmp_path, uid)
    for _ in range(25):
        result = pdf_deps(env)
        assert result.returncode == 0, result.stderr
    assert not log.exists(), "apt-get ran although everything was installed"


def test_missing_tex_as_a_user_prints_the_command(tmp_path: Path):
    env, log = fake_bin(tmp_path, 1000, kpsewhich_fails=True)
    result = pdf_deps(env)
    assert result.returncode != 0
    assert "sudo apt-get install" in result.stderr and "texlive-xetex" in result.stderr
    assert not log.exists()


def test_missing_tex_as_root_installs_it(tmp_path: Path):
    env, log = fake_bin(tmp_path, 0, kpsewhich_fails=True)
    result = pdf_deps(env)
    assert result.returncode == 0, result.stderr
    assert "install" in log.read_text(encoding="utf-8") and "texlive-xetex" in log.read_text(encoding="utf-8")
