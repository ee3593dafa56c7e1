"""A project with the gallery and the extension; the tests copy one example into examples/."""

from trtdeconv_docs.sphinx_ext.gallery import ExampleStarts, executed_examples_pattern

# the parts under test: the replayed gallery (and trt-output, which plot_00's page uses)
# (and the claims' roles, which plot_01_base's text uses)
extensions = ["myst_parser", "sphinx_gallery.gen_gallery", "trtdeconv_docs.sphinx_ext.gallery",
              "trtdeconv_docs.sphinx_ext.recorded", "trtdeconv_docs.sphinx_ext.claims"]
html_search_language = "en"  # see test-trt-output/conf.py
language = "zh_CN"
exclude_patterns = ["gallery/*.ipynb"]
abort_on_example_error = True
sphinx_gallery_conf = {
    "examples_dirs": "examples",
    "gallery_dirs": "gallery",
    "filename_pattern": executed_examples_pattern(),
    "capture_repr": (),
    "download_all_examples": False,
    "reset_modules": ("matplotlib", ExampleStarts()),
}
