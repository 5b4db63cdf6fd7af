"""``make vendor``: fetch the pinned vega runtime into ``_static/vendor/`` and verify it.

The HTML book draws its charts with vega loaded from the book's own
``_static/vendor/vega-runtime.js`` (once per page, and only on pages with charts), so charts
render with no network. Only vega itself: each chart's Vega-Lite spec is compiled to Vega when
its notebook executes (``helpers.present.charts.vega_spec``), so neither the Vega-Lite compiler
nor vega-embed is shipped (0.31 MB less on every chart page). The runtime is one file with a
header naming the package, version and sha256 of what it holds.
The files are committed so that building needs no network either; this module records where
they come from (the npm registry, pinned versions) and their SHA-256, refetches them with
``npm pack`` when asked, and lets the tests prove the committed files are the pinned ones.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from helpers.paths import PROJECT_ROOT

VENDOR_DIR = PROJECT_ROOT / "_static" / "vendor"

#: npm package -> (version, file inside the package, sha256 of that file)
PINNED = {
    "vega": ("6.4.0", "build/vega.min.js", "8f6a3587cf8d4f42c7e08120e3eb05d067e746d554e39d2dcf52acc0bd5ba28f"),
}
#: Load order, should another package join vega in the runtime.
SCRIPT_ORDER = ("vega",)
RUNTIME = VENDOR_DIR / "vega-runtime.js"
LICENSES = VENDOR_DIR / "LICENSES.txt"
#: sha256 of the concatenated runtime, as ``make vendor`` writes it from the pinned files.
RUNTIME_SHA256 = "4f61c0714fb8fc6fcf167f5c37cbbd56bd0341c7c4815b78a9a9cad3bd313354"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check() -> list[str]:
    """Problems with the committed runtime (empty when every file is present and pinned)."""
    problems = []
    if not RUNTIME.exists():
        problems.append(f"{RUNTIME}: missing (run `make vendor`)")
    elif sha256(RUNTIME) != RUNTIME_SHA256:
        problems.append(f"{RUNTIME}: sha256 differs from the pinned runtime (run `make vendor`)")
    if not LICENSES.exists() or not all(p in LICENSES.read_text(encoding="utf-8") for p in PINNED):
        problems.append(f"{LICENSES}: missing or incomplete")
    return problems


def fetch() -> None:
    """npm pack each pinned package, verify the file and copy it (and its licence) into place."""
    VENDOR_DIR.mkdir(parents=True, exist_ok=True)
    parts, licences = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for package in SCRIPT_ORDER:
            version, inner, expected = PINNED[package]
            subprocess.run(
                ["npm", "pack", "--silent", f"{package}@{version}"], cwd=tmp, check=True, capture_output=True
            )
            with tarfile.open(Path(tmp) / f"{package}-{version}.tgz") as archive:
                archive.extractall(Path(tmp) / package, filter="data")
            source = Path(tmp) / package / "package" / inner
            if sha256(source) != expected:
                raise SystemExit(f"{package}@{version}: {inner} does not match its pinned sha256")
            parts.append(
                f"/* {package}@{version} {inner} (npm), sha256 {expected} */\n" + source.read_text(encoding="utf-8")
            )
            licence = (Path(tmp) / package / "package" / "LICENSE").read_text(encoding="utf-8")
            licences.append(f"{package}@{version}\n{'=' * 40}\n{licence}")
            print(f"verified {package}@{version} {inner}")
    RUNTIME.write_text("\n;\n".join(parts) + "\n", encoding="utf-8")
    LICENSES.write_text("\n\n".join(licences), encoding="utf-8")
    print(f"wrote {RUNTIME.relative_to(PROJECT_ROOT)} (sha256 {sha256(RUNTIME)})")
    if sha256(RUNTIME) != RUNTIME_SHA256:
        print("note: the runtime differs from RUNTIME_SHA256 in helpers/book/vendor.py; update the pin if intended")


def main(argv: list[str]) -> int:
    if argv == ["--check"]:
        problems = check()
        print("\n".join(problems) or "vega runtime in _static/vendor/ matches its pins")
        return 1 if problems else 0
    fetch()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
