extensions = ["myst_parser", "trtdeconv_docs.sphinx_ext.onnx_cases"]
language = "zh_CN"
html_search_language = "en"  # see test-trt-output/conf.py
exclude_patterns = ["_build", "errors"]  # the pages with faulty directives, built by one test only
# the recordings: $TRTDECONV_RECORDINGS, a fake checkout that tests/support/onnx_fake.py made
