"""The committed vega runtime is the pinned one, and the check that says so can fail."""

from __future__ import annotations

import shutil

from helpers.book import vendor


def test_committed_runtime_matches_its_pins():
    assert vendor.check() == []


def test_a_changed_runtime_is_caught(tmp_path, monkeypatch):
    copy = tmp_path / "vega-runtime.js"
    shutil.copy(vendor.RUNTIME, copy)
    with copy.open("a", encoding="utf-8") as handle:
        handle.write("\n// edited\n")
    monkeypatch.setattr(vendor, "RUNTIME", copy)
    assert vendor.check() == [f"{copy}: sha256 differs from the pinned runtime (run `make vendor`)"]


def test_the_runtime_holds_vega_and_nothing_the_pages_do_not_use():
    """Charts are compiled to Vega when a notebook executes; the pages need neither the
    Vega-Lite compiler nor vega-embed."""
    head = vendor.RUNTIME.read_text(encoding="utf-8")[:300]
    assert head.startswith("/* vega@") and "vega-lite" not in head
    assert vendor.RUNTIME.stat().st_size < 600_000
