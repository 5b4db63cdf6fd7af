"""Only the icons the book shows: the theme's icon fonts and icon rules cut to what its pages use.

pydata-sphinx-theme ships Font Awesome's three webfonts (0.30 MB, fetched by every page that
shows an icon) and one CSS rule per icon (1,900 icons, 0.07 MB of every page's stylesheet); the
book shows about twenty. After the HTML build (Sphinx's ``build-finished``, see
``helpers.book.sphinx``), :func:`trim` keeps in the theme's stylesheet only the icon rules for
names that a page or a script of the built book mentions, and cuts each font to the code points
that the remaining CSS uses (the kept icon rules and the theme's own, such as the admonition
icons in ``--pst-icon-*``). A name used only by a script (the search dialog's close button) is
kept because scripts are scanned too; the test of the built book checks every page's icons.
"""

from __future__ import annotations

import re
from pathlib import Path

#: The theme's stylesheet, relative to the HTML output.
THEME_CSS = Path("_static/styles/pydata-sphinx-theme.css")
#: One icon rule: selectors that are each ``.fa-NAME:before``, declaring only its glyph.
ICON_RULE = re.compile(r'((?:\.fa-[a-z0-9-]+:before,?)+)\{content:"([^"]*)"\}')
ICON_NAME = re.compile(r"fa-([a-z0-9]+(?:-[a-z0-9]+)*)")
#: Font Awesome's glyphs sit in Unicode's private use area, written literally or as a CSS escape.
PRIVATE_USE = re.compile(r"[\ue000-\uf8ff]|\\([ef][0-9a-f]{3})\b")


def used_names(html_root: Path) -> set[str]:
    """Every ``fa-NAME`` that a page or a script of the built book mentions."""
    names: set[str] = set()
    for path in (*html_root.rglob("*.html"), *html_root.rglob("*.js")):
        if path.name == "vega-runtime.js":
            continue
        names.update(ICON_NAME.findall(path.read_text(encoding="utf-8", errors="replace")))
    return names


def trim_rules(css: str, names: set[str]) -> str:
    """The stylesheet with icon rules only for ``names`` (selectors for other names dropped)."""

    def keep(match: re.Match) -> str:
        selectors = [s for s in match.group(1).split(",") if s and s[len(".fa-") : -len(":before")] in names]
        return f'{",".join(selectors)}{{content:"{match.group(2)}"}}' if selectors else ""

    return ICON_RULE.sub(keep, css)


def code_points(css: str) -> set[int]:
    return {int(m.group(1), 16) if m.group(1) else ord(m.group(0)) for m in PRIVATE_USE.finditer(css)}


def subset_font(path: Path, keep: set[int]) -> None:
    """Cut a woff2 font to the glyphs for ``keep`` (in place; deterministic bytes)."""
    from fontTools import subset

    options = subset.Options()
    options.flavor = "woff2"
    options.ignore_missing_unicodes = True
    font = subset.load_font(str(path), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(keep))
    subsetter.subset(font)
    subset.save_font(font, str(path), options)


def trim(html_root: Path) -> dict[str, int]:
    """Trim the theme's icon rules and fonts in a built HTML book; returns bytes saved per file."""
    stylesheet = html_root / THEME_CSS
    if not stylesheet.exists():
        return {}
    saved: dict[str, int] = {}
    css = stylesheet.read_text(encoding="utf-8")
    trimmed = trim_rules(css, used_names(html_root))
    stylesheet.write_text(trimmed, encoding="utf-8")
    saved[str(THEME_CSS)] = len(css.encode()) - len(trimmed.encode())
    keep: set[int] = set()
    for sheet in html_root.joinpath("_static").rglob("*.css"):
        keep |= code_points(sheet.read_text(encoding="utf-8", errors="replace"))
    for font in sorted(html_root.joinpath("_static").rglob("fa-*.woff2")):
        before = font.stat().st_size
        subset_font(font, keep)
        saved[str(font.relative_to(html_root))] = before - font.stat().st_size
    return saved
