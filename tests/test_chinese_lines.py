"""A line break of the source inside a Chinese sentence shows as nothing, every other blank stays."""

from __future__ import annotations

import re

import pytest

from trtdeconv_docs.sphinx_ext.chinese_lines import join_lines


@pytest.mark.parametrize("text, before, after, joined", [
    ("给\n执行上下文", "", "", "给执行上下文"),
    ("（默认都为全 0）。\n每维", "", "", "（默认都为全 0）。每维"),
    ("\n", "。", "代", ""),  # MyST's soft break: a text node of its own, neighbours in the sibling nodes
    ("  \n  ", "值", "“", ""),
    ("\n", "。", "p", "\n"),  # a Latin word follows: the blank stays
    ("the\nlayer", "", "", "the\nlayer"),
    ("共 2\n倍", "", "", "共 2\n倍"),
    ("给 执行", "", "", "给 执行"),  # a blank the author typed on one line is not a line break
])
def test_a_line_break_goes_only_between_two_cjk_characters(text, before, after, joined):
    assert join_lines(text, before, after) == joined


def test_no_chinese_paragraph_of_the_site_shows_a_line_break_between_two_chinese_characters(built):
    cjk = "[\u4e00-\u9fff，。；：（）、！？“”]"
    found = []
    for page in sorted((built / "zh_CN").rglob("*.html")):
        for paragraph in re.findall(r"<p\b[^>]*>(.*?)</p>", page.read_text(encoding="utf-8"), flags=re.S):
            text = re.sub(r"<[^>]+>", "", re.sub(r"<(code|pre)\b.*?</\1>", "x", paragraph, flags=re.S))
            found += [f"{page.relative_to(built)}: {hit!r}" for hit in re.findall(cjk + r"[ \t]*\n\s*" + cjk, text)]
    assert not found, found[:10]
