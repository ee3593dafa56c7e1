extensions = ["trtdeconv_docs.sphinx_ext.formula_table", "trtdeconv_docs.sphinx_ext.mapping_table"]
language = "zh_CN"
