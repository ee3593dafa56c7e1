"""The English catalogs translate every Chinese message of the site, and keep its code, formulas and numbers.

The project's catalogs are checked against the messages that Sphinx's gettext builder
extracts from the pages now, so a Chinese paragraph edited without updating its
translation fails here (with the command to run); the extension's catalog is checked
against every message the extension can emit (:func:`trtdeconv_docs.sphinx_ext.catalog_update.template`).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from trtdeconv_docs import site, translations
from trtdeconv_docs.sphinx_ext import catalog_update, gallery_notes, messages
from trtdeconv_docs.translation_check import catalog_problems, kept_parts, needs_translation, numbers, problems

from .support.paths import DOCS, EXAMPLES, ROOT

CATALOGS = DOCS / "locale" / "en" / "LC_MESSAGES"
HOW = "run `tox -e translations`, translate the entries it lists, then check with `python -m trtdeconv_docs.translation_check`"


@pytest.fixture
def page_templates(make_app, tmp_path) -> Path:
    """The ``.pot`` files that Sphinx's gettext builder extracts from the pages as they are now.

    Built as ``tox -e translations`` builds them (:func:`trtdeconv_docs.site.templates`): from a
    private copy of the sources, with :data:`~trtdeconv_docs.site.TEMPLATE_OVERRIDES`.
    """
    sources = site.private_sources(DOCS, tmp_path / "sources")
    app = make_app("gettext", srcdir=sources, builddir=tmp_path / "build", confoverrides=site.TEMPLATE_OVERRIDES)
    app.build()
    warnings = app.warning.getvalue()  # tox -e translation-check prints them: it must print none
    assert not warnings, f"the message templates' build warns:\n{warnings}"
    return Path(app.outdir)


def _report(found) -> str:
    return "\n".join(f"{where}: {problem}\n    msgid: {msgid[:160]}" for where, msgid, problem in found) + "\n" + HOW


def test_every_chinese_message_of_every_page_has_a_faithful_english_translation(page_templates):
    templates = sorted(page_templates.rglob("*.pot"))
    assert len(templates) >= 30  # every page and gallery example
    found = []
    for template in templates:
        with template.open("rb") as pot:
            ids = [message.id for message in read_po(pot) if message.id]
        catalog = CATALOGS / template.relative_to(page_templates).with_suffix(".po")
        if not catalog.exists():
            found += [(catalog, msgid, "no catalog") for msgid in ids if needs_translation(msgid)]
            continue
        found += [(catalog.relative_to(ROOT), msgid, problem) for msgid, problem in catalog_problems(catalog, ids)]
    assert not found, _report(found)


def test_every_message_the_extension_emits_has_a_faithful_english_translation():
    ids = [message.id for message in catalog_update.template(DOCS) if message.id]
    assert {"形状 {shape}；{what}（{details}）；", "权重布局 weight layout", "TensorRT 反卷积层", "输入 x"} <= set(ids)
    (catalog,) = translations.catalog_paths()
    found = [(catalog.relative_to(ROOT), msgid, problem) for msgid, problem in catalog_problems(catalog, ids)]
    assert not found, _report(found)


def test_compiled_catalog_is_what_gettext_reads(tmp_path):
    import gettext

    messages.compile_catalogs(translations.LOCALE_DIR, tmp_path)
    compiled = gettext.translation(translations.CATALOG, localedir=str(tmp_path), languages=["en"])
    assert compiled.gettext("输出来源") == translations.translate("输出来源", "en") == "Where this output comes from"
    assert compiled.gettext("not in the catalog") == "not in the catalog"


@pytest.mark.parametrize("msgid, msgstr, fuzzy, complaint", [
    ("输出形状为 (1, 1, 5, 5)。", "", False, "not translated"),
    ("输出形状为 (1, 1, 5, 5)。", "The output shape is (1, 1, 5, 5).", True, "marked fuzzy"),
    ("输出形状为 (1, 1, 5, 5)。", "The output 形状 is (1, 1, 5, 5).", False, "Chinese left in the translation: 形状"),
    ("输出形状为 (1, 1, 5, 5)。", "The output shape is (1, 1, 5, 5)。", False, "Chinese left in the translation: 。"),
    ("输出形状为 (1, 1, 5, 5)。", "The output shape is (1, 1, 7, 7).", False, "lost: number '(1,1,5,5)'"),
    ("设 `stride_nd=(2,2)`。", "Set `stride_nd=(2, 2)`.", False, "lost: code 'stride_nd=(2,2)'"),
    ("长度 $(I-1)S + K$。", "The length is $(I-1)S+K$.", False, "lost: math '(I-1)S + K'"),
    ("见 {doc}`勘误 <errata>`。", "See {doc}`the notes <notes>`.", False, "lost: role '{doc}errata'"),
    ("原文写作“输出 7×7”。", "The original says “输出 5×5”.", False, "Chinese left in the translation: 输出 5×5"),
    ("见 [NVIDIA 文档](https://a.b/c)。", "See [NVIDIA's docs](https://a.b/d).", False, "lost: link 'https://a.b/c'"),
    ("输出形状为 (1, 1, 7, 5)。", "The output shape is (1, 1, 5, 7).", False,
     "lost: number '(1,1,7,5)'; added: number '(1,1,5,7)'"),
    ("填充为 (-1, 0)。", "The padding is (1, 0).", False, "lost: number '(-1,0)'"),
    ("填充为 −1。", "The padding is 1.", False, "lost: number '-1'"),
    ("输出 5×5。", "The output is 5×6.", False, "lost: number '5×5'"),
    # issue 18: units, exponents, a minus after a Chinese character, placeholders, messages without Chinese
    ("耗时 5 毫秒。", "It takes 5 microseconds.", False, "lost: number '5 ms'; added: number '5 µs'"),
    ("带宽 3.2 TB/s。", "The bandwidth is 3.2 GB/s.", False, "lost: number '3.2 TB/s'"),
    ("两个 8192² 矩阵。", "Two 8192³ matrices.", False, "lost: number '8192^2'; added: number '8192^3'"),
    ("步长为-1 时。", "With stride 1.", False, "lost: number '-1'"),
    ("由 TensorRT {tensorrt} 在 {gpu} 上打印。", "Printed by TensorRT {tensorrt}.", False, "lost: placeholder '{gpu}'"),
    ("{first} 比 {second} 快 {ratio:.2f} 倍。", "{first} is {ratio} times faster than {second}.", False,
     "lost: placeholder '{ratio:.2f}'"),
    ("Output (1, 1, 7, 5).", "输出 (1, 1, 5, 7)。", False, "lost: number '(1,1,7,5)'"),
    ("`stride_nd`", "`stride`", False, "lost: code 'stride_nd'"),
])
def test_problems_finds_each_kind_of_unfaithful_translation(msgid, msgstr, fuzzy, complaint):
    assert any(complaint in problem for problem in problems(msgid, msgstr, fuzzy))


@pytest.mark.parametrize("msgid, msgstr", [
    ("见 {doc}`勘误 <errata>` 与 `padding_nd`，共 3 个。", "There are 3; see `padding_nd` and {doc}`errata <errata>`."),
    ("原文写作“输出 7×7”，实际为 5×5。", "The original says “输出 7×7” (“output”); it is 5×5."),
    ("`add_deconvolution_nd`", ""),  # no Chinese: Sphinx shows the original
    ("例如 `x = 1  # 注释`。", "For example `x = 1  # 注释`."),  # code is kept as it is
    (":math:`y[o]` 由 :math:`x[i] \\cdot w[k]` 组成。", ":math:`y[o]` is made of :math:`x[i] \\cdot w[k]`."),
])
def test_problems_accepts_reordering_quotations_and_messages_without_chinese(msgid, msgstr):
    assert problems(msgid, msgstr) == []


def test_numbers_keep_their_order_unless_a_translator_comment_says_why():
    msgid, msgstr = "5×5 输出的中间 3×3", "the central 3×3 of the 5×5 output"
    swapped = problems("输出形状 (1, 1, 7, 5)", "the output shape (1, 1, 5, 7)", comments=["numbers-reordered: English"])
    assert swapped == ["changed lost: number '(1,1,7,5)'; added: number '(1,1,5,7)'"], "no comment reorders inside a shape"
    assert any("numbers in another order" in p for p in problems(msgid, msgstr))
    assert problems(msgid, msgstr, comments=["numbers-reordered: the part before the whole"]) == []
    assert problems(msgid, msgstr, comments=["numbers-reordered:"]) != [], "a marker without a reason"
    reordered_and_changed = problems(msgid, "the central 3×3 of the 7×7 output",
                                     comments=["numbers-reordered: the part before the whole"])
    assert any("lost: number '5×5'" in p for p in reordered_and_changed)
    assert numbers("输出 (1, -2) 与 1-64、float32、−3") == ["(1,-2)", "1", "64", "32", "-3"]
    assert numbers("为-1，1x1x9x9，8192²，5 毫秒，2 s") == ["-1", "1×1×9×9", "8192^2", "5 ms", "2 s"]


def test_kept_parts_counts_repeats_and_ignores_display_text_of_references():
    assert kept_parts("{doc}`一 <a>` {doc}`a` `x` `x` 7") == kept_parts("{doc}`one <a>` {doc}`a` `x` `x` 7")
    assert kept_parts("`x` `x`") != kept_parts("`x`")


def test_command_line_checks_files_and_folders_and_fails_on_a_problem(tmp_path, capsys):
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    from trtdeconv_docs import translation_check

    for name, msgstr in (("good", "The output is 5×5."), ("bad", "The output is 7×7.")):
        catalog = Catalog(locale="en")
        catalog.add("输出为 5×5。", msgstr)
        (tmp_path / name).mkdir()
        with (tmp_path / name / "page.po").open("wb") as po_file:
            write_po(po_file, catalog)
    assert translation_check.main([str(tmp_path / "good")]) == 0
    assert translation_check.main([str(tmp_path / "good" / "page.po"), str(tmp_path / "bad")]) == 1
    out = capsys.readouterr().out
    assert "bad/page.po: changed lost: number '5×5'; added: number '7×7'" in out
    assert out.rstrip().endswith("1 problem(s) in 2 catalog(s)")


def test_catalog_reorder_needs_the_translator_comment_in_the_po_file(tmp_path):
    entry = 'msgid "5×5 输出的中间 3×3"\nmsgstr "the central 3×3 of the 5×5 output"\n'
    (tmp_path / "bare.po").write_text(entry, encoding="utf-8")
    (tmp_path / "why.po").write_text("# numbers-reordered: the part before the whole\n" + entry, encoding="utf-8")
    assert [p for _, p in catalog_problems(tmp_path / "bare.po") if "numbers in another order: 5×5, 3×3" in p]
    assert catalog_problems(tmp_path / "why.po") == []


def test_code_outside_sphinx_reads_the_catalog_and_refuses_a_missing_translation():
    assert translations.translate("输出通道 m", "en") == "output map m"
    with pytest.raises(LookupError, match="has no en translation in trtdeconv_docs.po: run `tox -e translations`"):
        translations.translate("没有这条", "en")
    with pytest.raises(LookupError, match="no trtdeconv_docs catalog for language 'fr'"):
        translations.translate("输出通道 m", "fr")


def test_updating_the_extensions_catalog_rewrites_it_only_when_its_messages_change(tmp_path):
    locale = tmp_path / "locale"
    shutil.copytree(translations.LOCALE_DIR, locale)
    (catalog,) = translations.catalog_paths(locale)
    before = catalog.read_bytes()
    assert catalog_update.update(locale) == [] and catalog.read_bytes() == before
    entry = b'msgid "\xe8\xbe\x93\xe5\x87\xba\xe6\x9d\xa5\xe6\xba\x90"\n'  # "输出来源", whose entry is dropped here
    assert entry in before
    catalog.write_bytes(before.replace(entry, b'msgid "no longer in the code"\n'))
    assert catalog_update.update(locale) == [catalog]
    assert entry in catalog.read_bytes()


def test_every_example_page_has_the_chinese_catalog_of_sphinx_gallerys_notes():
    assert gallery_notes.problems(DOCS, EXAMPLES) == [], "run `tox -e translations`"


def test_the_gallery_notes_catalogs_follow_the_examples(tmp_path):
    examples, docs = tmp_path / "examples", tmp_path / "docs"
    examples.mkdir()
    (examples / "plot_01_new.py").write_text("", encoding="utf-8")
    orphan = gallery_notes.folder(docs) / "plot_09_gone.po"
    orphan.parent.mkdir(parents=True)
    orphan.write_text("", encoding="utf-8")
    assert len(gallery_notes.problems(docs, examples)) == 2
    assert gallery_notes.update(docs, examples) == [gallery_notes.folder(docs) / "plot_01_new.po", orphan]
    assert gallery_notes.problems(docs, examples) == [] and not orphan.exists()
    assert "sphx_glr_download_gallery_plot_01_new.py" in (gallery_notes.folder(docs) / "plot_01_new.po").read_text(
        encoding="utf-8")


def test_a_translation_that_says_its_sentence_twice_is_refused():
    """The caption of trt-messages was pasted twice into the package catalog: the check must see it."""
    msgid = "TensorRT {tensorrt} 在 {gpu} 上拒绝构建时的日志（{date}）；示例 {example}.py，运行 {label}。"
    once = "What TensorRT {tensorrt} logged on {gpu} when it refused to build ({date}); example {example}.py, run {label}."
    assert problems(msgid, once) == []
    for doubled in (once + once, once + " " + once):
        # said twice, and (the placeholder check of the same entry) with each placeholder twice
        found = problems(msgid, doubled)
        assert found[0] == f"a sentence said twice: {once!r}"
        assert found[1:] == ["changed added: placeholder '{tensorrt}', placeholder '{gpu}', placeholder '{date}', "
                             "placeholder '{example}', placeholder '{label}'"]


def test_every_example_writes_its_code_comments_in_english():
    """Code is shown as it is in both editions: a Chinese comment in an example's code is left untranslated."""
    from trtdeconv_docs.translation_check import chinese_code_comments

    found = {example.name: chinese_code_comments(example) for example in sorted(EXAMPLES.glob("plot_*.py"))}
    assert not {name: comments for name, comments in found.items() if comments}


def test_a_chinese_code_comment_is_found_and_a_chinese_text_block_is_not(tmp_path):
    from trtdeconv_docs.translation_check import chinese_code_comments

    example = tmp_path / "plot_x.py"
    example.write_text('"""\n标题\n====\n\n说明。\n"""\n\n# %%\n# 文字块。\nx = 1  # 代码注释\ny = 2  # English\n',
                       encoding="utf-8")
    assert chinese_code_comments(example) == [(10, "# 代码注释")]


def test_the_extensions_catalog_check_finds_a_deleted_entry(tmp_path, capsys):
    from trtdeconv_docs.sphinx_ext import catalog_update
    from trtdeconv_docs.translations import LOCALE_DIR

    assert catalog_update.check() == 0
    shutil.copytree(LOCALE_DIR, tmp_path / "locale")
    path = tmp_path / "locale" / "en" / "LC_MESSAGES" / "trtdeconv_docs.po"
    text = path.read_text(encoding="utf-8")
    entry = '#: sphinx_ext/gallery.py\nmsgid "输出来源"\nmsgstr "Where this output comes from"\n\n'
    assert entry in text
    path.write_text(text.replace(entry, ""), encoding="utf-8")
    assert catalog_update.check(tmp_path / "locale") == 1
    assert "missing from the catalog" in capsys.readouterr().out
