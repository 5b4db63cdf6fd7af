"""The theme's icon fonts and icon rules are cut to the icons a built book uses, and no further."""

from __future__ import annotations

import shutil
from pathlib import Path

import pydata_sphinx_theme
from fontTools.ttLib import TTFont

from helpers.book import icons

THEME_STATIC = Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static"
GITHUB, BARS, ROCKET, INFO_CIRCLE = 0xF09B, 0xF0C9, 0xF135, 0xF05A


def test_rules_for_unused_icons_go_and_shared_rules_keep_their_used_names():
    css = (
        '.fa-bars:before{content:"\\f0c9"}.fa-rocket:before{content:"\\f135"}'
        '.fa-magnifying-glass:before,.fa-search:before{content:"\\f002"}.fa-lg{font-size:1.25em}'
    )
    trimmed = icons.trim_rules(css, {"bars", "search", "lg"})
    assert trimmed == '.fa-bars:before{content:"\\f0c9"}.fa-search:before{content:"\\f002"}.fa-lg{font-size:1.25em}'


def test_code_points_are_read_from_escapes_and_literal_characters():
    assert icons.code_points('a{content:"\\f0c9"} b{--pst-icon-x:"\uf05a";} c{content:"\\201c"}') == {BARS, INFO_CIRCLE}


def _cmap(font: Path) -> set[int]:
    return set(TTFont(str(font)).getBestCmap())


def test_a_built_book_keeps_exactly_the_glyphs_its_pages_and_the_theme_rules_use(tmp_path):
    root = tmp_path / "html"
    shutil.copytree(THEME_STATIC / "vendor" / "fontawesome", root / "_static" / "vendor" / "fontawesome")
    (root / icons.THEME_CSS).parent.mkdir(parents=True)
    shutil.copy(THEME_STATIC / "styles" / "pydata-sphinx-theme.css", root / icons.THEME_CSS)
    (root / "index.html").write_text('<i class="fab fa-github"></i><i class="fa-solid fa-bars"></i>', encoding="utf-8")
    fonts = root / "_static" / "vendor" / "fontawesome" / "webfonts"
    assert ROCKET in _cmap(fonts / "fa-solid-900.woff2")

    saved = icons.trim(root)

    css = (root / icons.THEME_CSS).read_text(encoding="utf-8")
    assert ".fa-github:before" in css and ".fa-bars:before" in css and ".fa-rocket:before" not in css
    assert GITHUB in _cmap(fonts / "fa-brands-400.woff2")
    solid = _cmap(fonts / "fa-solid-900.woff2")
    assert BARS in solid and INFO_CIRCLE in solid  # a page's icon, and the theme's note admonition icon
    assert ROCKET not in solid
    assert all(size > 0 for size in saved.values()) and len(saved) == 4
    assert (fonts / "fa-solid-900.woff2").stat().st_size < 10_000
