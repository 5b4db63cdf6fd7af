"""A failing `make html` leaves the published book exactly as it was."""

from __future__ import annotations

import os
import subprocess

from helpers.paths import PROJECT_ROOT


def test_failed_build_leaves_the_published_book_untouched(built_html):
    link = PROJECT_ROOT / "_build" / "html"
    before = os.readlink(link)
    # JB=false stands in for a build that fails halfway (a notebook error, a warning)
    result = subprocess.run(["make", "--no-print-directory", "html", "JB=false"], cwd=PROJECT_ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert "previously published book" in result.stderr
    assert os.readlink(link) == before
    assert (link / "index.html").exists()
