"""The built site as a reader meets it, in headless Chromium: tasks answered from the home page, layouts, links.

Issue 22's acceptance: from the home page of either edition, the answer to each common task is
at most two clicks away; no page overflows sideways at phone width (400 px) and no column is cut
off between 1280 and 1920 px, in both languages and both colour schemes; the calculator works
with the network off. The browser tests skip, saying so, where no Chromium is installed
(``apt-get install chromium``; ``.ci/run`` installs it on CI). The checks of the HTML alone run everywhere.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Dict, List

import pytest

from trtdeconv_docs import headless
from trtdeconv_docs.cassette import store
from trtdeconv_docs.cassette.recording import Recording
from trtdeconv_docs.layer.attributes import resolve
from trtdeconv_docs.layer.shapes import output_shape
from trtdeconv_docs.sphinx_ext import repository
from trtdeconv_docs.sphinx_ext.language_switch import LANGUAGES

from .support.browser import browser_or_skip
from .support.paths import docs_conf_value
from .support.shared import once

PASTED = ("[12/07/2026-18:30:02] [TRT] [E] 10: [optimizer.cpp::computeCosts::3869] Error Code 10: Internal Error "
          "(Could not find any implementation for node /decoder/up1/ConvTranspose_123.)")
"""A reader's pasted TensorRT message: log prefixes, a source location and a node name their model made up."""

TASKS: Dict[str, Dict[str, str]] = {
    "pytorch": {"link": "maps/pytorch_onnx.html", "answer": "output_padding"},
    "slow": {"link": "performance.html", "answer": "subpixel_compact"},
    "int8": {"link": "int8.html", "answer": "int8_per_channel_axis1"},
    "axis": {"link": "int8.html", "answer": "int8_per_channel_axis0"},
    "shape": {"link": "shape_calculator.html", "answer": "(1, 3, 34, 34)"},
    "error": {"search": PASTED, "link": "troubleshooting.html", "answer": "Could not find any implementation for node"},
}
"""Task -> the home page's link that answers it (or a search first) and text that the answer page shows."""


def pages(root: Path) -> List[str]:
    """Every HTML page of one language, relative to its folder (search and 404 pages aside)."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.html")
                  if "_static" not in p.parts and p.name not in ("search.html", "404.html", "genindex.html", "py-modindex.html"))


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for the module, network off (the site must work from disk)."""
    with browser_or_skip("check what a reader's browser shows") as instance:
        yield instance


def home_link(browser, href: str) -> str:
    """The selector of the task entry's link to ``href`` on the home page (it must exist)."""
    selector = f'article dl a[href="{href}"]'
    assert browser.evaluate(f"document.querySelectorAll({json.dumps(selector)}).length") > 0, href
    return selector


@pytest.mark.parametrize("language", list(LANGUAGES))
@pytest.mark.parametrize("task", list(TASKS))
def test_each_task_is_answered_within_two_clicks_of_the_home_page(built, browser, language, task):
    spec = TASKS[task]
    browser.open(headless.page_url(built / language / "index.html"), width=1400)
    clicks = 0
    if "search" in spec:  # the search box of the home page: paste, press Enter, open the first result
        browser.evaluate(f"document.querySelector('form.sidebar-search-container input[name=q]').value = "
                         f"{json.dumps(spec['search'])}")
        browser.submit("form.sidebar-search-container", settle="document.querySelector('#search-results li a')")
        clicks += 1
        first = browser.evaluate("document.querySelector('#search-results li a').getAttribute('href')")
        assert first.split("#")[0].endswith(spec["link"]), (language, first)
        browser.click("#search-results li a")
    else:
        browser.click(home_link(browser, spec["link"]))
    clicks += 1
    if task == "shape":
        browser.wait_until("document.querySelector('.trtdeconv-calculator-shape')")
    text = browser.evaluate("document.querySelector('article').innerText")
    assert spec["answer"] in text, (language, task, browser.evaluate("location.href"))
    assert clicks <= 2


def test_the_pytorch_task_links_the_onnx_page_or_the_mapping_table(built):
    for language in LANGUAGES:
        html = (built / language / "index.html").read_text(encoding="utf-8")
        assert re.search(r'href="(onnx|maps/pytorch_onnx)\.html"[^>]*>(<[^>]+>)*ONNX', html), language


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_the_calculator_gives_the_python_rules_shape_offline(built, browser, language):
    browser.open(headless.page_url(built / language / "shape_calculator.html"), width=1400,
                 settle="document.querySelector('.trtdeconv-calculator-shape')")
    resources = browser.evaluate("Array.from(document.querySelectorAll('script[src], link[rel=stylesheet], img[src]'),"
                                 " (e) => e.src || e.href)")
    assert resources and all(name.startswith("file:") for name in resources), resources  # and the network is off
    browser.evaluate("""(() => { const f = document.querySelector('.trtdeconv-calculator form');
        f.elements.padding_mode.value = 'SAME_UPPER'; f.dispatchEvent(new Event('input')); })()""")
    shown = browser.evaluate("document.querySelector('.trtdeconv-calculator-shape code').textContent")
    expected = output_shape((1, 3, 17, 17), resolve(num_output_maps=3, kernel_size_nd=(4, 4), stride_nd=(2, 2),
                                                    padding_nd=(1, 1), padding_mode="SAME_UPPER"))
    assert shown == str(expected)
    note = browser.evaluate("document.querySelector('.trtdeconv-calculator-ignored').textContent")
    assert "padding_nd" in note and "SAME_UPPER" in note
    terms = browser.evaluate("document.querySelector('.trtdeconv-calculator-terms').textContent")
    assert terms.startswith("y[1,1] = x[") and browser.evaluate("document.querySelectorAll('td.hit').length") > 2


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_search_excerpts_start_with_the_page_not_the_language_switch(built, browser, language):
    browser.open(headless.page_url(built / language / "search.html", "stride"), width=1400,
                 settle="document.querySelectorAll('#search-results p.context').length > 2")
    excerpts = browser.evaluate("Array.from(document.querySelectorAll('#search-results p.context'), (p) => p.textContent)")
    assert not [e for e in excerpts if "中文English" in e.replace(" ", "").replace("\n", "")], excerpts[:3]
    results = browser.evaluate("Array.from(document.querySelectorAll('#search-results li > a'),"
                               " (a) => [a.getAttribute('href'), a.textContent])")
    gallery = [text for href, text in results if href.startswith("gallery/plot_")]
    assert gallery and all(text.startswith(EXAMPLE_PREFIX[language]) for text in gallery), gallery
    assert not [text for href, text in results if not href.startswith("gallery/") and text.startswith(EXAMPLE_PREFIX[language])]


EXAMPLE_PREFIX = {"zh_CN": "示例：", "en": "Example: "}
"""What an example's title starts with, in each edition (the pages it illustrates have the same name)."""


def test_every_example_is_titled_as_an_example_where_its_title_names_it(built):
    for language, prefix in EXAMPLE_PREFIX.items():
        index = json.loads(re.search(r"Search\.setIndex\((.*)\)\s*$",
                                     (built / language / "searchindex.js").read_text(encoding="utf-8"), re.S).group(1))
        titles = dict(zip(index["docnames"], index["titles"]))
        examples = {name: title for name, title in titles.items() if name.startswith("gallery/plot_")}
        assert len(examples) >= 20 and all(title.startswith(prefix) for title in examples.values()), examples
        assert not [name for name, title in titles.items() if name not in examples and title.startswith(prefix)]
        page = (built / language / "gallery" / "plot_03_stride.html").read_text(encoding="utf-8")
        assert re.search(f"<title>{re.escape(prefix)}", page)


PHONE = {"width": 400, "height": 800}
"""The phone window, CSS pixels."""
PHONE_MEASURE = """(() => {
    const width = document.documentElement.clientWidth;
    const cells = Array.from(document.querySelectorAll('article table.docutils td'))
      .filter((cell) => cell.getBoundingClientRect().right > width + 1).length;
    return {page: document.documentElement.scrollWidth - width, cells}; })()"""
"""How far the page sticks out of the window, and how many table cells of the text end off-screen."""

CLIPPED_PAGES = ("index.html", "performance.html", "padding_mode.html", "troubleshooting.html", "maps/migration.html",
                 "maps/pytorch_onnx.html", "shape_calculator.html", "gallery/plot_20_pictures_gather.html")
WIDE_WIDTHS = range(1280, 1921, 32)
WIDE_MEASURE = """(() => {
    const width = document.documentElement.clientWidth, box = (s) => {
      const e = document.querySelector(s); if (!e || getComputedStyle(e).display === 'none') return null;
      const r = e.getBoundingClientRect(); return [r.left, r.right]; };
    return {width, overflow: document.documentElement.scrollWidth - width,
            content: box('.content'), toc: box('.toc-drawer')}; })()"""
"""Where the text and the "On this page" column are, and how far the page sticks out of the window."""


def measure_layouts(browser, root: Path) -> Dict[str, Dict[str, dict]]:
    """``{"phone": {scheme: {page: measured}}, "wide": {scheme: {page: [measured at each of WIDE_WIDTHS]}}}``.

    Every page of ``root`` at phone width, and each of :data:`CLIPPED_PAGES` (loaded at 1280 px) at every
    width of :data:`WIDE_WIDTHS`, in each colour scheme. A page is loaded once per window kind and its
    scheme switched in place (:meth:`~trtdeconv_docs.headless.Browser.scheme`): the scheme reaches the
    layout through ``prefers-color-scheme`` media queries only, which follow at once (furo's script
    reads it only when the reader clicks its theme button).
    """
    phone: Dict[str, dict] = {scheme: {} for scheme in headless.SCHEMES}
    wide: Dict[str, dict] = {scheme: {} for scheme in headless.SCHEMES}
    for name in pages(root):
        browser.open(headless.page_url(root / name), **PHONE, scheme=headless.SCHEMES[0])
        for scheme in headless.SCHEMES:
            browser.scheme(scheme)
            phone[scheme][name] = browser.evaluate(PHONE_MEASURE)
    for name in CLIPPED_PAGES:
        browser.open(headless.page_url(root / name), width=WIDE_WIDTHS[0], scheme=headless.SCHEMES[0])
        for scheme in headless.SCHEMES:
            browser.scheme(scheme)
            wide[scheme][name] = []
            for width in WIDE_WIDTHS:
                browser.resize(width)
                wide[scheme][name].append(browser.evaluate(WIDE_MEASURE))
    return {"phone": phone, "wide": wide}


@pytest.fixture(scope="module")
def layouts(built, browser, tmp_path_factory):
    """``layouts(language)``: :func:`measure_layouts` of that edition, measured once per test run (both schemes)."""
    def measured(language: str) -> Dict[str, Dict[str, dict]]:
        return once(tmp_path_factory, f"layouts-{language}", lambda _folder: measure_layouts(browser, built / language))
    return measured


LAYOUT_LANGUAGES = [pytest.param(language, marks=pytest.mark.xdist_group(f"layouts-{language}"))
                    for language in LANGUAGES]
"""The editions, each one's layout tests in one xdist group (``--dist loadgroup``): one worker measures both schemes."""


@pytest.mark.parametrize("scheme", headless.SCHEMES)
@pytest.mark.parametrize("language", LAYOUT_LANGUAGES)
def test_no_page_overflows_a_phone_screen(built, layouts, language, scheme):
    """At 400 px nothing sticks out of the page, and no table cell of the text is off-screen (tables are cards)."""
    measured = layouts(language)["phone"][scheme]
    assert sorted(measured) == pages(built / language)
    wrong = [(name, page) for name, page in measured.items() if page["page"] > 0 or page["cells"]]
    assert not wrong


@pytest.mark.parametrize("scheme", headless.SCHEMES)
@pytest.mark.parametrize("language", LAYOUT_LANGUAGES)
def test_no_column_is_cut_off_on_wide_screens(layouts, language, scheme):
    """From 1280 to 1920 px, the text and the "On this page" column stay inside the window."""
    wrong = []
    for name, series in layouts(language)["wide"][scheme].items():
        assert len(series) == len(WIDE_WIDTHS), name
        for width, measured in zip(WIDE_WIDTHS, series):
            toc, content = measured["toc"], measured["content"]
            on_screen_toc = toc is not None and toc[0] < measured["width"]  # below 82em furo slides it out
            if (content is None or measured["overflow"] > 0 or content[1] > measured["width"] + 0.5
                    or (on_screen_toc and (toc[1] > measured["width"] + 0.5 or content[1] > toc[0] + 0.5))):
                wrong.append((name, width, measured))
    assert sorted(layouts(language)["wide"][scheme]) == sorted(CLIPPED_PAGES) and not wrong


BREAKS = """(() => Array.from(document.querySelectorAll('article table code.trtdeconv-breaks'), (code) => {
    if (code.closest('details:not([open])')) return null;  // not shown until the reader opens it
    const selection = window.getSelection(), range = document.createRange();
    range.selectNodeContents(code); selection.removeAllRanges(); selection.addRange(range);
    const copied = selection.toString(); selection.removeAllRanges();
    return {copied, text: code.textContent, wbr: code.querySelectorAll('wbr').length,
            broken: Array.from(code.querySelectorAll('span.pre'), (part) => part.getClientRects().length > 1)
                .some(Boolean),
            right: code.getBoundingClientRect().right - document.documentElement.clientWidth};
  }).filter(Boolean))()"""
"""Every shown run id (code with break opportunities) of a page's tables: what a copy gives, and whether a part
between two break opportunities was broken or sticks out of the window."""


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_run_ids_in_tables_break_only_after_slashes_and_underscores(built, browser, language):
    """Issue 21's family table at 1400 px broke ``fp1|6`` and ``segmentation_od|d``; a copy gives the plain id."""
    for width in (1400, 400):
        browser.open(headless.page_url(built / language / "performance.html"), width=width)
        codes = browser.evaluate(BREAKS)
        assert len(codes) > 10, (language, width)
        for code in codes:
            assert code["wbr"] and code["copied"] == code["text"] and "\u200b" not in code["copied"], code
            assert not code["broken"] and code["right"] <= 0.5, (language, width, code)


def test_every_page_links_its_source_and_recordings_on_the_repository(built):
    base, ref = repository.repository(docs_conf_value("REPOSITORY_URL"), docs_conf_value("REPOSITORY_REF"), {})
    for language in LANGUAGES:
        for name in pages(built / language):
            html = (built / language / name).read_text(encoding="utf-8")
            links = re.search(r'<nav class="trtdeconv-source-links"[^>]*>(.*?)</nav>', html, re.DOTALL)
            assert links, f"{language}/{name}"
            page = name[:-len(".html")]
            source = (f"examples/{page.split('/')[1]}.py" if page.startswith("gallery/plot_")
                      else "examples/GALLERY_HEADER.rst" if page == "gallery/index" else None)
            if source:
                assert repository.blob_url(base, ref, source) in links.group(1), name
            else:
                assert repository.blob_url(base, ref, f"docs/{page}.") in links.group(1), name
            linked = re.findall(r'href="https://[^"]+/blob/[^/"]+/([^"#]+)"', links.group(1))
            assert all((store.root().parent / path).exists() for path in linked), (name, linked)
            if language != "zh_CN":
                assert f"docs/locale/{language}/LC_MESSAGES/{page}.po" in links.group(1), name
            for shown in re.findall(r"<code>(recordings/[^<]+)</code>", links.group(1)):
                assert (store.root().parent / shown).exists(), shown
    stride = (built / "en" / "stride.html").read_text(encoding="utf-8")
    tensorrt = Recording.read(store.root() / "tensors" / "plot_03_stride.json").provenance["tensorrt"]
    assert re.search(rf'class="trtdeconv-recorded-with">[^<]*TensorRT {re.escape(tensorrt)} ', stride)
    assert "_sources/" not in stride  # Sphinx's "show source" showed the Chinese source in the English edition


def test_every_page_that_shows_a_recording_names_its_tensorrt_at_the_top(built):
    for language in LANGUAGES:
        for name in pages(built / language):
            html = (built / language / name).read_text(encoding="utf-8")
            shows = "trt-output-caption" in html or re.search(r"<code>recordings/", html)
            note = re.search(r'<p class="trtdeconv-recorded-with">([^<]*)', html)
            assert bool(note) == bool(shows), f"{language}/{name}"
            if note:
                assert re.search(r"TensorRT \d+\.\d+\.\d+", note.group(1)), note.group(1)


def test_no_page_shows_a_sphinx_gallery_setting_in_its_code(built):
    for language in LANGUAGES:
        for name in pages(built / language):
            html = (built / language / name).read_text(encoding="utf-8")
            code = "".join(re.findall(r"<pre>(.*?)</pre>", html, re.DOTALL))
            assert "sphinx_gallery_" not in code, f"{language}/{name}"


PICTURES = {"base": "plot_20_pictures_gather_001", "stride": "plot_20_pictures_gather_003",
            "padding": "plot_20_pictures_gather_004", "pre_post_padding": "plot_20_pictures_gather_005",
            "dilation": "plot_20_pictures_gather_006", "num_groups": "plot_21_pictures_groups_and_sizes_001",
            "padding_mode": "plot_21_pictures_groups_and_sizes_002"}
"""Parameter page -> the gallery picture that explains it, shown on the page itself."""


def test_the_parameter_pages_show_the_gallery_pictures_that_explain_them(built):
    for language in LANGUAGES:
        for page, picture in PICTURES.items():
            html = (built / language / f"{page}.html").read_text(encoding="utf-8")
            assert re.search(rf'<img [^>]*src="_images/sphx_glr_{picture}\.svg"', html), f"{language}/{page}"
            assert (built / language / "_images" / f"sphx_glr_{picture}.svg").is_file()


PASTED_FORMS = [
    ("Could not find any implementation for node ConvTranspose_123.", "Could not find any implementation for node"),
    ("[TRT] [E] 10: Could not find any implementation for node {ForeignNode[/up/ConvTranspose_7...Add_9]}.",
     "Could not find any implementation for node"),
    ("[12/07/2026-18:30:02] [TRT] [E] 3: [network.cpp::addDeconvolutionNd::123] Error Code 3: "
     "API Usage Error (Parameter check failed at: network.cpp::addDeconvolutionNd::1 condition: nbGroups > 0)",
     "API Usage Error Parameter check failed at condition nbGroups > 0"),
    ("kernel weights has count 18 but 9 was expected", "kernel weights has count 18 but 9 was expected"),
]


def test_the_search_page_drops_what_a_readers_model_made_up(built, browser):
    browser.open(headless.page_url(built / "en" / "search.html"), width=1400)
    for pasted, kept in PASTED_FORMS:
        assert browser.evaluate(f"window.trtdeconvNormaliseQuery({json.dumps(pasted)})") == kept
