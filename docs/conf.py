"""Sphinx configuration of the TensorRT deconvolution reference (Chinese, MyST pages).

Works with Sphinx 7.4 / sphinx-gallery 0.19 / myst-parser 3.0 / furo 2024.8.6 (CPython 3.9,
the GPU machine) and with the newest releases. every example is executed at every build; without TensorRT, its TensorRT runs are replayed
from the GPU recordings (see :mod:`trtdeconv_docs.session` and
:mod:`trtdeconv_docs.sphinx_ext.gallery`).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

project = "TensorRT 反卷积层"
author = "trtdeconv-docs contributors"
copyright = "2026, trtdeconv-docs contributors"
language = "zh_CN"  # the original; `python -m trtdeconv_docs.site` also builds every other language

# Translations: Sphinx's gettext catalogs, one per page, docs/locale/<language>/LC_MESSAGES/<page>.po
# (`tox -e translations` refreshes them). Text that the extension generates has its own
# catalog (trtdeconv_docs.sphinx_ext.messages); trtdeconv_languages lists the site's languages.
locale_dirs = ["locale/"]
gettext_compact = False
gettext_uuid = False
gettext_location = False
# sphinx-gallery writes each thumbnail's title and tooltip as raw HTML: translate raw blocks too.
gettext_additional_targets = ["raw"]

extensions = [
    "myst_parser",
    "sphinx_gallery.gen_gallery",
    "sphinx_copybutton",
    "sphinx_design",
    "sphinx.ext.autodoc",  # api.md: the package's reference, from its docstrings
    "sphinxarg.ext",  # api.md: the command line, from its argparse parser
    "trtdeconv_docs.sphinx_ext",  # also MathJax 3 from the site itself, Chinese search, sitemap/404/OpenGraph
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "gallery/*.ipynb", "**sg_execution_times.rst", "screenshots"]  # no "computation times" pages
nitpicky = True  # every reference resolves; the package's own names resolve to api.md
nitpick_ignore = [
    ("py:mod", "matplotlib.pyplot"),  # no intersphinx (the build needs no network)
]

# api.md: signatures without type hints (NumPy and typing have no pages here to link to).
autodoc_typehints = "none"
autodoc_member_order = "bysource"
autodoc_preserve_defaults = True  # a default shows as written (os.environ), never as its value: the build
# machine's environment variables would otherwise be printed on the API page
autodoc_mock_imports = ["tensorrt", "cuda"]  # TensorRT and cuda-python exist on the GPU machine only

# Chinese search: jieba segments the pages' text; the dictionary adds the layer's terms
# (trtdeconv_docs.sphinx_ext.search_chinese also works around Sphinx 9.0's ChineseStemmer bug).
html_search_options = {"dict": str(Path(__file__).with_name("search_dict.txt"))}

myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]

# MathJax 3: \textcolor[rgb]{...}{...} needs the LaTeX-compatible color package.
mathjax3_config = {
    "loader": {"load": ["[tex]/color"]},
    "tex": {"packages": {"[+]": ["color"]}},
}

# Copy the code of a doctest without its >>> and ... prompts.
copybutton_prompt_text = r">>> |\.\.\. "
copybutton_prompt_is_regexp = True

html_theme = "furo"
# The repository that every page links (its source, its example, the recordings it shows; see
# trtdeconv_docs.sphinx_ext.repository). On Read the Docs the build's own clone URL and commit win.
# PLACEHOLDER: REPOSITORY_URL is not the project's real address yet. It MUST be set to the real public
# repository (https://github.com/OWNER/NAME) before the site is published, or every "on the repository"
# link of every page points to a repository that does not exist.
REPOSITORY_URL = "https://github.com/trtdeconv-docs/trtdeconv-docs"
REPOSITORY_REF = "main"  # the branch (or commit) that the links show

from trtdeconv_docs.sphinx_ext.repository import repository  # noqa: E402

html_context = dict(zip(("trtdeconv_repository", "trtdeconv_repository_ref"), repository(REPOSITORY_URL, REPOSITORY_REF)))
html_title = "TensorRT 反卷积层（Deconvolution）"
html_static_path = ["_static"]
html_css_files = ["trtdeconv.css"]
ogp_social_cards = {"enable": False}  # no generated preview images (their font has no Chinese glyphs)

from trtdeconv_docs.sphinx_ext.gallery import ExampleStarts, SvgFigures, executed_examples_pattern

abort_on_example_error = True
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "gallery",
    # every example runs at every build; without TensorRT its runs are replayed from recordings/
    "filename_pattern": executed_examples_pattern(),
    "within_subsection_order": "sphinx_gallery.sorting.FileNameSortKey",
    "remove_config_comments": True,
    "capture_repr": (),  # a figure's repr ("<Figure size ...>") is not output worth showing
    "download_all_examples": False,
    "write_computation_times": False,  # CPU builds would only show 00:00
    # nor a "Total running time" line per example: the time of a replayed run says nothing about TensorRT,
    # and the line would change the English catalog at every build
    "min_reported_time": float("inf"),
    "image_scrapers": (SvgFigures(),),  # figures as SVG: sharp at any zoom, drawn once
    # Matplotlib's defaults again before each example, and the replay told which example runs
    "reset_modules": ("matplotlib", ExampleStarts()),
}
