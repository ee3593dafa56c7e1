extensions = ["myst_parser", "trtdeconv_docs.sphinx_ext.claims"]
language = "zh_CN"
html_search_language = "en"  # see test-trt-output/conf.py
trtdeconv_claims_recordings = "recordings"  # each test publishes its recordings there
exclude_patterns = ["_build", "recordings", "scratch"]
