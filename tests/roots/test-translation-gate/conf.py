project = html_title = "demo"
language = "zh_CN"
locale_dirs = ["locale/"]
gettext_compact = False
extensions = ["trtdeconv_docs.sphinx_ext.translation_gate"]
