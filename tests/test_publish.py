"""Publishing switches whole releases (HTML, PDF, data) in one step, and never a partial one."""

from __future__ import annotations

import os

import pytest

from helpers.book import publish


def fake_html(root, text):
    root.mkdir(parents=True)
    (root / "index.html").write_text(text, encoding="utf-8")
    return root


def fake_pdf(path, text="%PDF"):
    path.write_bytes(text.encode())
    return path


def test_one_switch_publishes_html_pdf_and_data_together(tmp_path):
    build = tmp_path / "_build"
    data = tmp_path / "data"
    data.mkdir()
    (data / "t.csv").write_text("a\n1\n", encoding="utf-8")
    release = publish.publish(
        fake_html(tmp_path / "a", "first"), fake_pdf(tmp_path / "a.pdf", "%PDF-1"), build, data=data
    )
    assert (build / "html" / "index.html").read_text(encoding="utf-8") == "first"
    assert (build / "pdf" / "book.pdf").read_bytes() == b"%PDF-1"
    assert (build / "html" / "data" / "t.csv").exists()
    assert os.readlink(build / "html") == "current/html" and os.readlink(build / "pdf") == "current/pdf"
    assert (build / "current").resolve() == release.resolve()
    publish.publish(fake_html(tmp_path / "b", "second"), fake_pdf(tmp_path / "b.pdf", "%PDF-2"), build)
    assert (build / "html" / "index.html").read_text(encoding="utf-8") == "second"
    assert (build / "pdf" / "book.pdf").read_bytes() == b"%PDF-2"


def test_old_releases_are_pruned_to_a_fixed_number(tmp_path):
    build = tmp_path / "_build"
    for n in range(publish.KEEP + 3):
        publish.publish(fake_html(tmp_path / f"c{n}", f"more {n}"), fake_pdf(tmp_path / f"c{n}.pdf"), build)
    assert len(list((build / "releases").iterdir())) == publish.KEEP
    assert (build / "html" / "index.html").read_text(encoding="utf-8") == f"more {publish.KEEP + 2}"


def test_an_incomplete_build_is_not_published(tmp_path):
    build = tmp_path / "_build"
    publish.publish(fake_html(tmp_path / "good", "good"), fake_pdf(tmp_path / "good.pdf"), build)
    broken = tmp_path / "broken"
    broken.mkdir()  # no index.html: the build did not finish
    with pytest.raises(SystemExit):
        publish.publish(broken, fake_pdf(tmp_path / "x.pdf"), build)
    with pytest.raises(SystemExit):
        publish.publish(fake_html(tmp_path / "nopdf", "new"), tmp_path / "missing.pdf", build)
    assert (build / "html" / "index.html").read_text(encoding="utf-8") == "good"


def test_a_failure_while_assembling_leaves_html_and_pdf_as_they_were(tmp_path, monkeypatch):
    build = tmp_path / "_build"
    publish.publish(fake_html(tmp_path / "old", "old"), fake_pdf(tmp_path / "old.pdf", "%PDF-old"), build)
    real_copyfile = publish.shutil.copyfile

    def unwritable(source, target, *args, **kwargs):
        if str(target).endswith("book.pdf"):
            raise PermissionError(13, "Permission denied", str(target))
        return real_copyfile(source, target, *args, **kwargs)

    monkeypatch.setattr(publish.shutil, "copyfile", unwritable)
    with pytest.raises(SystemExit, match="nothing published"):
        publish.publish(fake_html(tmp_path / "new", "new"), fake_pdf(tmp_path / "new.pdf", "%PDF-new"), build)
    assert (build / "html" / "index.html").read_text(encoding="utf-8") == "old"
    assert (build / "pdf" / "book.pdf").read_bytes() == b"%PDF-old"
    assert [p.name for p in (build / "releases").iterdir() if p.name.startswith(".")] == []


def test_a_partial_release_is_never_kept_as_previous(tmp_path):
    build = tmp_path / "_build"
    first = publish.publish(fake_html(tmp_path / "one", "one"), fake_pdf(tmp_path / "one.pdf"), build)
    killed = build / "releases" / "29991231T000000000000Z"  # sorts last, has no BUILD.json
    (killed / "html").mkdir(parents=True)
    publish.publish(fake_html(tmp_path / "two", "two"), fake_pdf(tmp_path / "two.pdf"), build)
    assert not killed.exists()
    assert first.exists()
