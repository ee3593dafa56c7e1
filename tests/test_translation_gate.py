"""The build refuses an English page that would silently show Chinese (trtdeconv_docs.sphinx_ext.translation_gate).

A two-paragraph Chinese project with an English catalog: one paragraph translated, one
not (or fuzzy). Its English build under ``-W`` must fail, point at the paragraph and name
the commands that fix it; with every paragraph translated it succeeds.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .support.paths import ROOTS

PO = '''msgid ""
msgstr ""
"Content-Type: text/plain; charset=utf-8\\n"

msgid "Title"
msgstr "Title"

msgid "第一段。"
msgstr "First paragraph."

{second}
'''


def build_english(tmp_path: Path, second: str, catalog: bool = True) -> subprocess.CompletedProcess:
    """Build the demo project in English with -W; the catalog's second entry is ``second`` (no catalog unless ``catalog``)."""
    shutil.copytree(ROOTS / "test-translation-gate", tmp_path, dirs_exist_ok=True)
    messages = tmp_path / "locale" / "en" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    if catalog:
        (messages / "index.po").write_text(PO.format(second=second), encoding="utf-8")
    return subprocess.run([sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html", "-D", "language=en",
                           str(tmp_path), str(tmp_path / "html")], capture_output=True, text=True)


@pytest.mark.parametrize("second", ['msgid "第二段。"\nmsgstr ""', '#, fuzzy\nmsgid "第二段。"\nmsgstr "Second paragraph."',
                                    ""])
def test_an_untranslated_or_fuzzy_paragraph_fails_the_build_and_says_what_to_run(tmp_path, second):
    result = build_english(tmp_path, second)
    assert result.returncode != 0
    assert "index.rst:6" in result.stderr and "untranslated or fuzzy message «第二段。»" in result.stderr
    assert "`tox -e translations`" in result.stderr and "docs/locale/en/LC_MESSAGES/index.po" in result.stderr
    assert "python -m trtdeconv_docs.translation_check docs/locale src/trtdeconv_docs/locale" in result.stderr
    assert "第一段" not in result.stderr


def test_a_fully_translated_page_builds(tmp_path):
    result = build_english(tmp_path, 'msgid "第二段。"\nmsgstr "Second paragraph."')
    assert result.returncode == 0, result.stderr
    assert "Second paragraph." in (tmp_path / "html" / "index.html").read_text(encoding="utf-8")


def test_a_page_without_a_catalog_fails_the_build_at_each_chinese_paragraph(tmp_path):
    result = build_english(tmp_path, "", catalog=False)
    assert result.returncode != 0
    assert "index.rst:4" in result.stderr and "untranslated or fuzzy message «第一段。»" in result.stderr
    assert "index.rst:6" in result.stderr and "«第二段。»" in result.stderr
    assert "«Title»" not in result.stderr


def test_an_unfaithful_entry_fails_the_build_as_translation_check_does(tmp_path):
    result = build_english(tmp_path, 'msgid "第二段。"\nmsgstr "Second paragraph."\n\n'
                                     'msgid "耗时 5 毫秒。"\nmsgstr "It takes 5 microseconds."')
    assert result.returncode != 0
    assert ("docs/locale/en/LC_MESSAGES/index.po: «耗时 5 毫秒。» changed lost: number '5 ms'; added: number '5 µs'"
            in result.stderr)
