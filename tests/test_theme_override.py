"""The book's copies of theme templates differ from the installed theme's by one line each.

* ``_templates/static/webpack-macros.html`` drops ``fontawesome.js`` (1.49 MB on every page; the
  theme's CSS draws the same icons from its webfonts).
* ``_templates/search-button-field.html`` (the theme looks components up by bare name) drops
  the search button's ``aria-label``, so that its visible text ("Search Ctrl+K") names it
  (axe-core's label-content-name-mismatch).

If a theme upgrade changes either file, this test fails instead of the book silently loading an
old copy.
"""

from __future__ import annotations

from pathlib import Path

import pydata_sphinx_theme
import pytest

from helpers.paths import PROJECT_ROOT

THEME = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme"
#: our copy -> (the theme's file, what the changed line drops, the note it carries instead)
OVERRIDES = {
    "static/webpack-macros.html": (
        "static/webpack-macros.html",
        "_static/scripts/fontawesome.js",
        "fontawesome.js (1.49 MB) removed",
    ),
    "search-button-field.html": (
        "components/search-button-field.html",
        "aria-label=\"{{ _('Search') }}\"",
        "aria-label removed",
    ),
}


@pytest.mark.parametrize("template", sorted(OVERRIDES))
def test_the_override_is_the_theme_file_but_one_line(template):
    original, removed, note = OVERRIDES[template]
    theirs = (THEME / original).read_text(encoding="utf-8").splitlines()
    ours = (PROJECT_ROOT / "_templates" / template).read_text(encoding="utf-8").splitlines()
    assert len(theirs) == len(ours)
    differing = [(a, b) for a, b in zip(theirs, ours, strict=True) if a != b]
    assert len(differing) == 1
    assert removed in differing[0][0] and removed not in differing[0][1] and note in differing[0][1]
