extensions = ["trtdeconv_docs.sphinx_ext.mathjax_local"]
