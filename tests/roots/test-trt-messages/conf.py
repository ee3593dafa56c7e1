extensions = ["myst_parser", "trtdeconv_docs.sphinx_ext.recorded", "trtdeconv_docs.sphinx_ext.recorded"]
language = "zh_CN"
html_search_language = "en"  # see test-trt-output/conf.py
trtdeconv_recordings_dir = "recordings"  # each test writes its made-up recording there
exclude_patterns = ["_build", "errors"]  # the pages with faulty directives, built by one test only


def setup(app):  # stands in for sphinx-gallery's configuration
    app.add_config_value("sphinx_gallery_conf", {"gallery_dirs": "gallery"}, "html")
