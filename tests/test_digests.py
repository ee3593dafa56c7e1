"""A change to the package or the recordings makes the next build read every page again (sphinx_ext.digests)."""

from __future__ import annotations

import shutil

import pytest
from trtdeconv_docs.cassette import store as recordings
from trtdeconv_docs.sphinx_ext import digests

from .support.paths import ROOTS


def _build(make_app, srcdir, monkeypatch, digest: str):
    monkeypatch.setattr(digests, "fingerprint", lambda: digest)
    app = make_app("html", srcdir=srcdir)
    app.build()
    return app


@pytest.fixture
def source(tmp_path):
    shutil.copytree(ROOTS / "test-digests", tmp_path / "source")
    return tmp_path / "source"


def _updating(app) -> str:
    (line,) = [line for line in app._status.getvalue().splitlines() if "updating environment" in line]
    return line


def test_a_changed_package_rereads_every_page_and_an_unchanged_one_none(make_app, source, monkeypatch):
    _build(make_app, source, monkeypatch, "first")
    same = _build(make_app, source, monkeypatch, "first")
    assert "0 added, 0 changed, 0 removed" in _updating(same)

    changed = _build(make_app, source, monkeypatch, "second")
    # Sphinx reads every page of a changed configuration again, as new ones
    assert f"[config changed ('{digests.CONFIG}')] 2 added" in _updating(changed)


def test_the_fingerprint_changes_with_a_recordings_manifest(tmp_path, monkeypatch):
    monkeypatch.setenv(recordings.ROOT_VARIABLE, str(tmp_path))
    manifest = tmp_path / "tensors" / recordings.MANIFEST
    manifest.parent.mkdir()
    manifest.write_text('{"files": {}}', encoding="utf-8")
    before = digests.fingerprint()
    (tmp_path / "tensors" / "unlisted.json").write_text("{}", encoding="utf-8")  # not a manifest: not digested
    assert digests.fingerprint() == before
    manifest.write_text('{"files": {"plot_01_base.json": "0"}}', encoding="utf-8")
    assert digests.fingerprint() != before
