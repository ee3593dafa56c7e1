extensions = ["myst_parser", "trtdeconv_docs.sphinx_ext.benchmark"]
language = "zh_CN"
html_search_language = "en"  # see test-trt-output/conf.py
trtdeconv_benchmark_dir = "recordings/benchmark"  # each test publishes its recording there
exclude_patterns = ["_build", "recordings", "scratch"]
