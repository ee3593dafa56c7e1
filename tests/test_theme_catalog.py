"""An edited theme catalog reaches every page of an incremental build (trtdeconv_docs.sphinx_ext.digests)."""

from __future__ import annotations

import shutil
import subprocess
import sys

from .support.paths import ROOTS, environment_with_src

CATALOG = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\nmsgid "Navigation"\nmsgstr "{}"\n'


def _build(source, out) -> None:
    # a process per build: Sphinx keeps a process's translations once loaded
    done = subprocess.run([sys.executable, "-m", "sphinx", "-q", "-W", "-b", "html", str(source), str(out)],
                          env=environment_with_src(), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_an_edited_theme_catalog_rewrites_pages_whose_sources_did_not_change(tmp_path):
    source, out = tmp_path / "source", tmp_path / "out"
    shutil.copytree(ROOTS / "test-theme-catalog", source)
    catalog = source / "locale" / "de" / "LC_MESSAGES" / "sphinx.po"
    catalog.parent.mkdir(parents=True)
    catalog.write_text(CATALOG.format("Navigation A"), encoding="utf-8")
    _build(source, out)
    assert "Navigation A" in (out / "index.html").read_text(encoding="utf-8")

    catalog.write_text(CATALOG.format("Navigation B"), encoding="utf-8")
    _build(source, out)
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "Navigation B" in page and "Navigation A" not in page
