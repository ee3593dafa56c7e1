extensions = ["trtdeconv_docs.sphinx_ext.digests"]
