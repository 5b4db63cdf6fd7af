"""The book's copy of the theme's script macros differs from the installed theme's by one line.

``_templates/static/webpack-macros.html`` drops ``fontawesome.js`` (1.49 MB on every page; the
theme's CSS draws the same icons from its webfonts). If a theme upgrade changes the file, this
test fails instead of the book silently loading an old copy.
"""

from __future__ import annotations

from pathlib import Path

import pydata_sphinx_theme

from helpers.paths import PROJECT_ROOT

THEME = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static" / "webpack-macros.html"
OURS = PROJECT_ROOT / "_templates" / "static" / "webpack-macros.html"


def test_the_override_is_the_theme_file_without_the_icon_script():
    theirs = THEME.read_text(encoding="utf-8").splitlines()
    ours = OURS.read_text(encoding="utf-8").splitlines()
    assert len(theirs) == len(ours)
    differing = [(a, b) for a, b in zip(theirs, ours, strict=True) if a != b]
    assert len(differing) == 1
    assert "fontawesome.js" in differing[0][0] and "fontawesome.js (1.49 MB) removed" in differing[0][1]
