# German: the mechanism is the same for every language, and Chinese would load jieba for the search index
language = "de"
locale_dirs = ["locale"]
html_theme = "basic"
extensions = ["trtdeconv_docs.sphinx_ext.digests"]
