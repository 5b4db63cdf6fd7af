"""Publishing swaps whole builds into place, and never a partial one."""

from __future__ import annotations

import pytest

from helpers import publish


def fake_html(root, text):
    root.mkdir(parents=True)
    (root / "index.html").write_text(text, encoding="utf-8")
    return root


def test_publish_swaps_and_keeps_the_previous_release(tmp_path):
    build = tmp_path / "_build"
    publish.publish(fake_html(tmp_path / "a", "first"), None, build)
    assert (build / "html" / "index.html").read_text(encoding="utf-8") == "first"
    pdf = tmp_path / "book.pdf"
    pdf.write_bytes(b"%PDF")
    publish.publish(fake_html(tmp_path / "b", "second"), pdf, build)
    assert (build / "html" / "index.html").read_text(encoding="utf-8") == "second"
    assert (build / "pdf" / "book.pdf").read_bytes() == b"%PDF"
    assert (build / "html").is_symlink()
    for n in range(3):
        publish.publish(fake_html(tmp_path / f"c{n}", f"more {n}"), None, build)
    assert len(list((build / "releases").iterdir())) <= publish.KEEP + 1  # plus the live PDF's


def test_an_incomplete_build_is_not_published(tmp_path):
    build = tmp_path / "_build"
    publish.publish(fake_html(tmp_path / "good", "good"), None, build)
    broken = tmp_path / "broken"
    broken.mkdir()  # no index.html: the build did not finish
    with pytest.raises(SystemExit):
        publish.publish(broken, None, build)
    assert (build / "html" / "index.html").read_text(encoding="utf-8") == "good"
