extensions = ["trtdeconv_docs.sphinx_ext.tables"]
language = "zh_CN"
