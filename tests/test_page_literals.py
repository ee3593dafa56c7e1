"""Numbers in pages come from recordings or from code (:mod:`trtdeconv_docs.sphinx_ext.page_literals` states the rule).

Every literal matrix, formula with numbers, printed-array code block, shape tuple and
``N×M`` size in ``docs/**/*.md`` and in the text of ``examples/*.py`` must be a shape
TensorRT recorded for an example the page shows, appear in a doctest or in the code of
that page, or be listed with a reason in ``docs/literals.json``.
"""

from __future__ import annotations

import json
import re
import shutil

import pytest

from trtdeconv_docs.sphinx_ext import page_literals
from trtdeconv_docs.translation_check import problems

ROOT = page_literals.ROOT
ALLOWED = page_literals.load_allow_list()
FIX = ("show TensorRT's output with a trt-output directive, compute it in a doctest on the page, "
       "or list it in docs/literals.json with the reason it may be typed by hand")


def _report(found):
    return "\n".join(f"{l.page}:{l.line}: {l.kind} {l.literal[:120]!r} is typed by hand: {FIX}" for l in found)


def test_every_number_on_every_page_is_recorded_computed_or_allowed():
    found = page_literals.unsourced(ROOT, ALLOWED)
    assert not found, _report(found)


def test_the_allow_list_has_no_stale_entries_and_a_source_for_each():
    stale = page_literals.stale_entries(ROOT, ALLOWED)
    assert not stale, f"docs/literals.json lists literals no page shows any more, or that are now sourced: remove {stale}"
    assert all(page_literals.source_problem(entry) == "" for entry in ALLOWED)


@pytest.mark.parametrize("change, problem", [
    ({"source": "", "key": ""}, "names no source and key"),
    ({"source": "src/trtdeconv_docs/layer/nowhere.py"}, "no such file"),
    ({"source": "src/trtdeconv_docs/layer/shapes.py", "key": "because_i_say_so"}, "defines no 'because_i_say_so'"),
    ({"source": "recordings/tensors/plot_01_base.json", "key": "runs/label=made_up/outputs"}, "does not resolve (at 'label=made_up')"),
    ({"source": "tests/data/seed_deconvolution_zh.md", "key": "a reason that is not in the seed"}, "is not in it"),
    ({"source": "tests/data/seed_deconvolution_zh.md", "key": "输出张量形状 (2, 4, 7)"}, "does not hold the literal"),
])
def test_an_allow_list_entry_must_name_a_source_the_check_resolves(tmp_path, change, problem):
    entry = {**next(e for e in ALLOWED if e["literal"] == "(1,2,4,7)"), **change}
    (tmp_path / "literals.json").write_text(json.dumps([entry], ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ValueError, match=re.escape(problem)) as refused:
        page_literals.load_allow_list(tmp_path / "literals.json")
    assert "literals.json: the entry for shape '(1,2,4,7)' of docs/errata.md" in str(refused.value) \
        or "lacks" in str(refused.value)


@pytest.fixture
def checkout(tmp_path):
    """A copy of the pages and examples (the recordings are read from the real checkout)."""
    for folder in ("docs", "examples"):
        shutil.copytree(ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("gallery", "locale"))
    assert page_literals.unsourced(tmp_path, ALLOWED) == []
    return tmp_path


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{path}: {old!r} not found (the test's mutation is out of date)"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_hand_typed_integer_matrix_fails(checkout):
    page = checkout / "docs" / "stride.md"
    page.write_text(page.read_text(encoding="utf-8")
                    + "\n$$\n\\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\end{bmatrix}\n$$\n", encoding="utf-8")
    (found,) = page_literals.unsourced(checkout, ALLOWED)
    assert (found.page, found.kind) == ("docs/stride.md", "matrix")
    assert "docs/stride.md:" in _report([found]) and "docs/literals.json" in _report([found])


def test_a_changed_number_in_a_pages_latex_fails(checkout):
    _edit(checkout / "docs" / "base.md", r"\textcolor[rgb]{0,0.5,0}{10000.}", r"\textcolor[rgb]{0,0.5,0}{10001.}")
    (found,) = page_literals.unsourced(checkout, ALLOWED)
    assert (found.page, found.kind) == ("docs/base.md", "matrix")


def test_a_changed_prose_number_fails_even_with_its_translation_changed_too(checkout):
    msgid = "步长 (2,1) 时输出形状 (1, 1, 7, 5)"
    assert problems(msgid.replace("7, 5", "7, 6"), "With stride (2,1) the output shape is (1, 1, 7, 6)") == []
    _edit(checkout / "docs" / "stride.md", "(1, 1, 7, 5)", "(1, 1, 7, 6)")
    found = page_literals.unsourced(checkout, ALLOWED)
    assert [(l.page, l.kind, l.literal) for l in found] == [("docs/stride.md", "shape", "(1, 1, 7, 6)")]


def test_a_printed_array_outside_a_doctest_fails_and_a_doctest_computes(checkout):
    page = checkout / "docs" / "stride.md"
    original = page.read_text(encoding="utf-8")
    page.write_text(original + "\n```text\n[[1. 2. 3.]\n [4. 5. 6.]]\n```\n", encoding="utf-8")
    assert [l.kind for l in page_literals.unsourced(checkout, ALLOWED)] == ["printed"]
    page.write_text(original + "\n输出形状 (9, 9, 9, 9)。\n\n```python\n>>> (9, 9, 9, 9)\n(9, 9, 9, 9)\n```\n",
                    encoding="utf-8")
    assert page_literals.unsourced(checkout, ALLOWED) == []


def test_an_example_docstring_is_a_page_too(checkout):
    example = checkout / "examples" / "plot_03_stride.py"
    text = example.read_text(encoding="utf-8")
    first = text.index('"""') + 3
    example.write_text(text[:first] + "输出 123×456。\n" + text[first:], encoding="utf-8")
    found = page_literals.unsourced(checkout, ALLOWED)
    assert [(l.page, l.literal) for l in found] == [("examples/plot_03_stride.py", "123×456")]


@pytest.mark.parametrize("page, sourced, unsourced", [
    ("docs/stride.md", "步长 (2, 1)、3×3 卷积核", "(2, 3)"),  # attributes TensorRT read back (plot_03_stride)
    ("docs/one_d.md", "中间张量 (1, 1, 1, 11)", "(1, 1, 1, 12)"),  # an engine tensor (plot_16_one_d's inspector)
    ("docs/errata.md", "输入一行 (7, 8, 9)", "(7, 8, 10)"),  # a row of a recorded input (plot_10_set_input_int8)
])
def test_what_tensorrt_recorded_for_a_shown_example_is_sourced_and_nothing_else(checkout, page, sourced, unsourced):
    path = checkout / page
    original = path.read_text(encoding="utf-8")
    path.write_text(original + f"\n{sourced}。\n", encoding="utf-8")
    assert page_literals.unsourced(checkout, ALLOWED) == []
    path.write_text(original + f"\n{sourced}，{unsourced}。\n", encoding="utf-8")
    assert [(l.page, l.literal) for l in page_literals.unsourced(checkout, ALLOWED)] == [(page, unsourced)]


@pytest.mark.parametrize("text, quoted", [
    ("98765.43", True), ("98765.4", True), ("98765.47", False), ("-1.25", True), ("-1.3", True), ("-1.4", False),
    ("2.5", True), ("2.50001", False),
])
def test_a_value_is_sourced_only_as_a_recorded_value_rounded_to_its_digits(text, quoted):
    from trtdeconv_docs.sphinx_ext.rendered_literals import quotes_a_recorded_value

    assert quotes_a_recorded_value(text, tuple(sorted([-1.25, 2.5, 98765.4296875]))) == quoted


def _gallery_page(*blocks):
    """A doctree as sphinx-gallery wraps an example page: everything inside one ``sphx-glr-example-title`` section."""
    from docutils import nodes
    from docutils.utils import new_document

    document = new_document("plot_x.rst")
    section = nodes.section(classes=["sphx-glr-example-title"])
    section += nodes.title("t", "t")
    for block in blocks:
        section += block
    document += section
    return document


@pytest.mark.parametrize("language, printed", [
    ("Python", False),  # sphinx-gallery 0.19 (the GPU machine's) shows an example's code so: code, not a statement
    ("python", False),
    (None, True),  # a '::' block in a text block: printed text
    ("text", True),
])
def test_a_gallery_code_block_is_code_and_a_block_without_a_language_is_printed_text(language, printed):
    from docutils import nodes

    from trtdeconv_docs.sphinx_ext.rendered_literals import literals

    text = "rows = [\n    [1, 2, 3],\n    [4, 5, 6],\n]" if not printed else "[[1. 2. 3.]\n [4. 5. 6.]]"
    block = nodes.literal_block(text, text, **({"language": language} if language else {}))
    found = [(l.kind, l.literal) for l, _ in literals(_gallery_page(block), "examples/plot_x.py")]
    assert found == ([("printed", text)] if printed else [])


def test_a_gallery_pages_prose_is_read_and_its_output_footer_and_claim_values_are_not():
    from docutils import nodes

    from trtdeconv_docs.sphinx_ext.rendered_literals import literals

    prose = nodes.paragraph("", "The center element is 12345.678.")
    output = nodes.literal_block("[[1. 2.]\n [3. 4.]]", "[[1. 2.]\n [3. 4.]]", classes=["sphx-glr-script-out"])
    footer = nodes.container("", nodes.paragraph("", "23456.789 (1, 1, 9, 9)"), classes=["sphx-glr-footer"])
    claimed = nodes.paragraph("", "", nodes.inline("34567.891", "34567.891", classes=["trt-claim-value"]))
    found = [(l.kind, l.literal) for l, _ in literals(_gallery_page(prose, output, footer, claimed), "examples/plot_x.py")]
    assert found == [("value", "12345.678")]


@pytest.mark.parametrize("code, sourced", [
    ("scale = 12345.678\n", True),  # the example's own line creates the number it hands TensorRT
    ("scale = 12345.6789\n", False),  # the code changed and the prose did not: no longer a source
    ("scale = 112345.678\n", False),
    ("scale = 1.0  # 12345.678\n", False),  # a comment is prose
    ('"""12345.678"""\nscale = 1.0\n', False),  # so is a text block
])
def test_a_value_in_gallery_prose_is_sourced_by_the_same_number_in_the_examples_code_only(tmp_path, code, sourced):
    from docutils import nodes

    from trtdeconv_docs.sphinx_ext.rendered_literals import unsourced

    example = tmp_path / "plot_x.py"
    example.write_text(code, encoding="utf-8")
    page = _gallery_page(nodes.paragraph("", "The kernel is scaled by 12345.678."))
    found = [(l.kind, l.literal) for l, _ in unsourced(page, example, "examples/plot_x.py", set())]
    assert found == ([] if sourced else [("value", "12345.678")])


@pytest.mark.parametrize("code, sourced", [
    ("", False),  # `98765.47` alone on the page: a value typed by hand
    ("```python\nscale = 98765.47\n```\n", True),  # the page's code block writes the same whole number
    ("```python\nscale = 98765.4721\n```\n", False),  # a longer number is no source
    ("```python\n>>> print(98765.47)\n98765.47\n```\n", True),  # a doctest on the page prints it
])
def test_a_value_in_inline_code_is_a_value_sourced_like_one_in_prose(tmp_path, code, sourced):
    """An inline code span that is a number (`98765.47`) states a value; inline code that is code, or a short
    number, states none; a value is sourced by the page's code blocks and doctests, never by its own inline code."""
    from docutils import nodes
    from docutils.utils import new_document

    from trtdeconv_docs.sphinx_ext.rendered_literals import literals, unsourced

    page = tmp_path / "page.md"
    page.write_text(code + "`98765.47`, `np.float32(98765.47)`, `0.0009`, `1.5`\n", encoding="utf-8")
    spans = [nodes.literal(text, text) for text in ("98765.47", "np.float32(98765.47)", "0.0009", "1.5")]
    document = new_document("page.md")
    document += nodes.paragraph("", "", *spans)
    assert [(l.kind, l.literal) for l, _ in literals(document, "docs/page.md")] == [("value", "98765.47")]
    found = [(l.kind, l.literal) for l, _ in unsourced(document, page, "docs/page.md", set())]
    assert found == ([] if sourced else [("value", "98765.47")])
