"""Every link in the published book that points inside it reaches a published file."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        href = dict(attrs).get("href") if tag == "a" else None
        if href:
            self.found.append(href)


def local_targets(page: Path) -> list[str]:
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    local = []
    for href in parser.found:
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path:  # other sites, mailto:, or "#anchor"
            continue
        local.append(unquote(parts.path))
    return local


def test_every_local_link_reaches_a_published_file(built_html: Path):
    broken = []
    for page in sorted(built_html.rglob("*.html")):
        if "_static" in page.relative_to(built_html).parts:
            continue
        for target in local_targets(page):
            resolved = (page.parent / target).resolve()
            if not resolved.is_relative_to(built_html.resolve()) or not resolved.exists():
                broken.append(f"{page.relative_to(built_html)}: {target}")
    assert not broken, "\n".join(broken[:40])
