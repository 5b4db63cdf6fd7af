"""axe-core, the accessibility checker the browser test runs in every page, pinned.

Fetched once from the npm registry into ``.cache/test-tools/`` (gitignored), verified by sha256,
and injected into each page as an inline script (no request leaves the book's origin). It is a
test tool, never part of the book. axe-core is MPL-2.0 (Deque Systems).
"""

from __future__ import annotations

import hashlib
import io
import tarfile
import urllib.request

from helpers.paths import PROJECT_ROOT

VERSION = "4.14.1"
URL = f"https://registry.npmjs.org/axe-core/-/axe-core-{VERSION}.tgz"
TARBALL_SHA256 = "e6b0ce02b84d892e2e33e403485e7f3d6c29e2be6df65daf44d89ba564139745"
CACHE = PROJECT_ROOT / ".cache" / "test-tools" / f"axe-core-{VERSION}.tgz"
#: What the book must not have, on any page, in either theme.
BLOCKING = ("serious", "critical")


def script() -> str:
    """The verified ``axe.min.js`` of the pinned release."""
    if not CACHE.exists():
        CACHE.parent.mkdir(parents=True, exist_ok=True)
        partial = CACHE.with_name(CACHE.name + ".partial")
        with urllib.request.urlopen(URL, timeout=120) as response:
            partial.write_bytes(response.read())
        partial.replace(CACHE)
    raw = CACHE.read_bytes()
    actual = hashlib.sha256(raw).hexdigest()
    if actual != TARBALL_SHA256:
        raise RuntimeError(f"{CACHE}: sha256 {actual} is not the pinned axe-core {VERSION} ({TARBALL_SHA256})")
    with tarfile.open(fileobj=io.BytesIO(raw)) as archive:
        return archive.extractfile("package/axe.min.js").read().decode("utf-8")


def blocking_violations(page) -> list[str]:
    """axe's serious and critical violations on a loaded page, one line each (rule, impact, where)."""
    page.add_script_tag(content=script())
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[node['target'] for node in v['nodes'][:3]]}"
        for v in result["violations"]
        if v["impact"] in BLOCKING
    ]
