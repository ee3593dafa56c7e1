"""The built site: every page in every language, a working language switch on each, the same code in both.

One build of the real site per test run, shared by the xdist workers (``python -m trtdeconv_docs.site``, as
``tox -e docs`` runs it, into a temporary folder: the ``built`` fixture of ``tests/conftest.py``); the tests read its HTML with the standard library's parser.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Dict, List
from urllib.parse import urlsplit

import matplotlib.image
import pytest

from trtdeconv_docs import headless, site
from trtdeconv_docs.sphinx_ext import hosting, original, thumbnails
from trtdeconv_docs.sphinx_ext.language_switch import LANGUAGES, counterpart_href, language_links
from trtdeconv_docs.translation_check import CHINESE, QUOTATION

from .support.browser import browser_or_skip
from .support.paths import RECORDINGS

NOT_PROSE = {"pre", "code", "script", "style", "math"}  # code and recorded output are the same in every language


class Page(HTMLParser):
    """What the tests need of one HTML page: its language, switch links, code blocks and prose."""

    def __init__(self, text: str):
        super().__init__()
        self.lang = ""
        self.switch: List[Dict[str, str]] = []
        self.code_blocks: List[str] = []
        self.display_math: List[str] = []
        self.prose: List[str] = []
        self._open: List[str] = []
        self._classes: List[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        """Track the element stack, the switch's links and where code blocks start."""
        attributes = dict(attrs)
        if tag == "html":
            self.lang = attributes.get("lang", "")
        if tag in {"meta", "link", "img", "br", "hr", "input", "source"}:
            return
        classes = attributes.get("class") or ""
        self._open.append(tag)
        self._classes.append(classes)
        if tag == "pre":
            self.code_blocks.append("")
        if tag == "div" and "math" in classes.split():
            self.display_math.append("")
        if "trtdeconv-language-switch" in " ".join(self._classes) and tag in {"a", "span"}:
            self.switch.append({"href": attributes.get("href", ""), "hreflang": attributes.get("hreflang", ""),
                                "lang": attributes.get("lang", ""), "current": "current" in classes})

    def handle_endtag(self, tag):
        """Close elements up to ``tag``."""
        while self._open:
            self._classes.pop()
            if self._open.pop() == tag:
                break

    def handle_data(self, data):
        """Text goes to the open code block, or to prose unless inside code, math or the switch."""
        if "pre" in self._open:
            self.code_blocks[-1] += data
        elif any(tag == "div" and "math" in c.split() for tag, c in zip(self._open, self._classes)):
            self.display_math[-1] += data
        elif not NOT_PROSE.intersection(self._open) and not any(
                "math" in c.split() or "trtdeconv-language-switch" in c for c in self._classes):
            self.prose.append(data)


def test_each_edition_draws_every_thumbnail_as_a_picture(built):
    for code in LANGUAGES:
        drawn = built.parent / "doctrees" / f"{code}.sources" / "docs" / thumbnails.FOLDER
        assert sorted(path.stem for path in drawn.glob("*.png")) == sorted(thumbnails.PICTURES)
        for name in thumbnails.PICTURES:
            height, width = matplotlib.image.imread(drawn / f"{name}.png").shape[:2]
            assert width > 300 and height > 100, (code, name, width, height)


def pages(root: Path) -> List[str]:
    """Every HTML page of one language, relative to that language's folder."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.html") if "_static" not in p.parts)


@pytest.fixture(scope="module")
def parsed(built) -> Dict[str, Dict[str, Page]]:
    """language -> page -> parsed page."""
    return {code: {name: Page((built / code / name).read_text(encoding="utf-8")) for name in pages(built / code)}
            for code in LANGUAGES}


def test_root_page_opens_the_original_without_script_and_links_every_language(built):
    root = (built / "index.html").read_text(encoding="utf-8")
    assert '<noscript><meta http-equiv="refresh" content="0; url=zh_CN/index.html"></noscript>' in root
    assert all(f'href="{code}/index.html"' in root for code in LANGUAGES)
    assert (built / "404.html").read_bytes() == (built / "zh_CN" / "404.html").read_bytes()
    assert not [path for path in built.rglob("*") if "mathjax-cache" in path.name]  # caches stay out of the site


@pytest.mark.parametrize("browser, edition", [("zh-CN", "zh-CN"), ("en-US", "en"), ("de-DE", "en")])
def test_root_page_opens_the_edition_in_the_readers_language(built, browser, edition):
    """In headless Chromium told to prefer ``browser``, the root page lands on that edition."""
    with browser_or_skip("open the root page", language=browser) as chromium:
        chromium.open(headless.page_url(built / "index.html"), settle="document.querySelector('article')")
        assert chromium.evaluate("document.documentElement.lang") == edition


def test_every_language_has_the_same_pages(built):
    names = {code: pages(built / code) for code in LANGUAGES}
    assert len(names["zh_CN"]) > 30 and {"index.html", "padding_mode.html", "gallery/plot_01_base.html"} <= set(names["zh_CN"])
    assert names["en"] == names["zh_CN"]


def test_every_page_switches_to_the_same_page_in_every_language(built, parsed):
    for code, by_page in parsed.items():
        for name, page in by_page.items():
            assert page.lang == code.replace("_", "-"), f"{code}/{name}: <html lang={page.lang!r}>"
            assert [entry["current"] for entry in page.switch] == [c == code for c in LANGUAGES], f"{code}/{name}"
            for entry, other in zip(page.switch, LANGUAGES):
                if other == code:
                    continue
                target = (built / code / name).parent / entry["href"]
                assert target.resolve() == (built / other / name).resolve() and target.exists(), f"{code}/{name}"


def test_both_languages_show_the_same_code_and_recorded_output(parsed):
    """Code blocks and matrices are not translated: the doctests that pytest runs on the pages hold for both."""
    code = matrices = 0
    for name, page in parsed["zh_CN"].items():
        assert parsed["en"][name].code_blocks == page.code_blocks, name
        assert parsed["en"][name].display_math == page.display_math, name
        code, matrices = code + len(page.code_blocks), matrices + len(page.display_math)
    assert code > 50 and matrices > 40


def test_the_english_edition_has_no_chinese_prose(parsed):
    leftovers = {}
    for name, page in parsed["en"].items():
        # the original page's wording may be quoted, “like this” (translation_check allows only such quotes)
        found = CHINESE.findall(QUOTATION.sub(" ", "".join(page.prose)))
        if found:
            leftovers[name] = found[:8]
    assert not leftovers, leftovers


def test_the_chinese_edition_is_chinese(parsed):
    assert "反卷积" in "".join(parsed["zh_CN"]["index.html"].prose)


def test_counterpart_links_climb_out_of_the_language_folder():
    assert counterpart_href("index.html", "en") == "../en/index.html"
    assert counterpart_href("gallery/plot_01_base.html", "zh_CN") == "../../zh_CN/gallery/plot_01_base.html"
    links = language_links("en", "maps/migration.html", LANGUAGES)
    assert [(link["code"], link["current"]) for link in links] == [("zh_CN", False), ("en", True)]
    with pytest.raises(ValueError, match="'fr' is not one of the site's languages: zh_CN, en"):
        language_links("fr", "index.html", LANGUAGES)


def test_the_build_command_refuses_a_folder_without_conf_py(tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        site.main([str(tmp_path / "html"), "--docs", str(tmp_path)])
    assert stop.value.code == 2
    assert "conf.py not found: run from the repository root or pass --docs" in capsys.readouterr().err


# --- what readers meet: search, hosting files, attribution, chrome (issue 13) ---

def search_index(language_root: Path) -> dict:
    """The ``Search.setIndex({...})`` payload of one language's ``searchindex.js``."""
    text = (language_root / "searchindex.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("(") + 1:text.rindex(")")])


def pages_with_term(index: dict, term: str) -> set:
    """The documents whose text (or title) holds ``term``, as the search page looks it up."""
    found = set()
    for table in ("terms", "titleterms"):
        hits = index[table].get(term, [])
        found.update(index["docnames"][i] for i in ([hits] if isinstance(hits, int) else hits))
    return found


@pytest.mark.parametrize("language, term", [("zh_CN", "步长"), ("zh_CN", "stride"), ("en", "stride")])
def test_the_search_index_finds_the_stride_pages(built, language, term):
    """jieba segments the Chinese text (步长 is a word of its own); Latin terms are stemmed as in English."""
    found = pages_with_term(search_index(built / language), term)
    assert {"stride", "gallery/plot_03_stride"} <= found, sorted(found)


def test_the_chinese_index_knows_the_layers_terms(built):
    """docs/search_dict.txt makes jieba keep 反卷积 and 卷积核 as words (it would split them otherwise)."""
    index = search_index(built / "zh_CN")
    assert "three_d" in pages_with_term(index, "反卷积") and "base" in pages_with_term(index, "卷积核")


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_the_search_scripts_assign_a_stemmer_they_define(built, language):
    """Sphinx 9.0 wrote ``window.Stemmer = ChineseStemmer`` without defining it (sphinx#14229)."""
    script = (built / language / "_static" / "language_data.js").read_text(encoding="utf-8")
    name = re.search(r"window\.Stemmer = (\w+);", script).group(1)
    assert re.search(rf"(var |let |const |\b){name}\s*=\s*function", script), name


SEARCHES = [("zh_CN", "步长", "stride.html"), ("zh_CN", "stride", "stride.html"), ("en", "stride", "stride.html"),
            ("en", "groups", "num_groups.html")]


@pytest.fixture(scope="module")
def searching():
    """One headless Chromium for the search page's tests (the module's searches share it)."""
    with browser_or_skip("run the search page") as chromium:
        yield chromium


def found(chromium, page: Path, query: str) -> List[str]:
    """The pages (no anchor, no query) that the search page at ``page`` lists for ``query``."""
    chromium.open(headless.page_url(page, query), settle=headless.SEARCH_FINISHED)
    return [href.split("#")[0].split("?")[0] for href in chromium.evaluate(
        "Array.from(document.querySelectorAll('#search-results li > a'), (a) => a.getAttribute('href'))")]


@pytest.mark.parametrize("language, query, expected", SEARCHES)
def test_the_real_search_page_lists_the_page_in_a_browser(built, searching, language, query, expected):
    """Sphinx's own search page, run by headless Chromium, lists the page among its results."""
    results = found(searching, built / language / "search.html", query)
    assert expected in results, (query, results[:10])


def pasted_onnx_messages() -> List[str]:
    """Each message TensorRT's ONNX parser or builder refused a case with (``recordings/onnx``), as a reader pastes it
    from another model: the node ``/up/ConvTranspose`` renamed ``ConvTranspose_123``, node numbers changed."""
    from trtdeconv_docs.onnx_path import recorder, report

    if not (RECORDINGS / recorder.FOLDER / "MANIFEST.json").is_file():
        return []
    pasted = [re.sub(r"\bnode \d+\b", "node 7", message).replace("/up/ConvTranspose", "ConvTranspose_123")
              for message in report.messages()]
    assert all("/up/" not in message for message in pasted), pasted
    return pasted


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_a_pasted_onnx_parser_message_with_another_node_name_finds_its_troubleshooting_entry(built, language, request):
    """Issue 20: the search page, in headless Chromium, lists 报错速查 for every recorded ONNX refusal pasted with a
    made-up node name (the page's query normaliser drops such names: ``trtdeconv-search.js``)."""
    messages = pasted_onnx_messages()
    if not messages:
        pytest.skip("recordings/onnx not recorded yet: bash tools/gpu/onnx.sh OUTDIR on a GPU")
    searching = request.getfixturevalue("searching")
    for message in messages:
        results = found(searching, built / language / "search.html", message)
        assert "troubleshooting.html" in results, (message, results[:10])


def test_each_language_has_a_sitemap_with_alternates_and_a_404_page(built):
    for code in LANGUAGES:
        sitemap = (built / code / "sitemap.xml").read_text(encoding="utf-8")
        root = hosting.language_root(hosting.site_url({}), code)
        assert f"<loc>{root}stride.html</loc>" in sitemap
        assert all(f'hreflang="{other.replace("_", "-")}"' in sitemap for other in LANGUAGES)
        not_found = (built / code / "404.html").read_text(encoding="utf-8")
        assert f'href="{urlsplit(root).path}index.html"' in not_found


def test_every_page_names_its_canonical_url_and_its_translations(built):
    root = hosting.site_url({})
    for code in LANGUAGES:
        page = (built / code / "maps" / "migration.html").read_text(encoding="utf-8")
        assert f'<link rel="canonical" href="{root}{code}/maps/migration.html"' in page
        for other in LANGUAGES:
            assert f'hreflang="{other.replace("_", "-")}" href="{root}{other}/maps/migration.html"' in page
        assert '<meta property="og:url"' in page


def test_every_page_names_the_original_and_links_its_mentions(built, parsed):
    for code, by_page in parsed.items():
        for name in ("index.html", "errata.html", "gallery/plot_08_num_groups.html"):
            page = (built / code / name).read_text(encoding="utf-8")
            assert page.count(f'href="{original.url()}"') >= 2, f"{code}/{name}"  # a mention and the footer
    assert "NVIDIA/trt-samples-for-hackathon-cn" in "".join(parsed["en"]["index.html"].prose)


def test_no_computation_times_page(built):
    assert not list(built.rglob("sg_execution_times.html"))
    assert not [page for page in built.rglob("plot_*.html") if "Total running time" in page.read_text(encoding="utf-8")]


def test_the_chinese_edition_translates_the_themes_chrome(parsed):
    prose = "".join(parsed["zh_CN"]["stride.html"].prose)
    assert "本页内容" in prose and "On this page" not in prose
    assert "跳到正文" in prose and "Skip to content" not in prose  # the keyboard users' first link


def test_the_chinese_edition_translates_sphinx_gallerys_notes(built):
    """sphinx-gallery writes its notes and download links in English; the Chinese pages show them in Chinese."""
    for page in sorted((built / "zh_CN" / "gallery").glob("plot_*.html")):
        html = page.read_text(encoding="utf-8")
        assert "跳到页尾" in html and "下载压缩包" in html, page.name
        assert "Go to the end" not in html and "Download zipped" not in html, page.name


def test_no_page_prints_the_build_machines_environment(built):
    """A default argument ``environ=os.environ`` shows as written on the API page, never as its value."""
    api = re.sub(r"<[^>]+>", "", (built / "en" / "api.html").read_text(encoding="utf-8"))
    assert "environ=os.environ" in api
    for page in built.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "'PATH'" not in text and "&#39;PATH&#39;" not in text, f"{page} prints the build's environment"
