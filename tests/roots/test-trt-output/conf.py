extensions = ["myst_parser", "trtdeconv_docs.sphinx_ext.recorded"]
language = "zh_CN"
# the search index is not under test; Sphinx's Chinese one loads jieba where it is installed,
# which leaves its dictionary file open (a ResourceWarning, an error under pytest)
html_search_language = "en"
trtdeconv_recordings_dir = "recordings"  # each test writes its made-up recording there
exclude_patterns = ["_build", "errors"]  # the pages with faulty directives, built by one test only


def setup(app):  # stands in for sphinx-gallery's configuration
    app.add_config_value("sphinx_gallery_conf", {"gallery_dirs": "gallery"}, "html")
