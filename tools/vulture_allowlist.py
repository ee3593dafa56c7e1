# vulture --min-confidence 60 src tests examples tools: names read by something else than this package's code.
# One entry per line, with the reason. Not imported by anything (vulture reads it as source).
_.allow_tf32  # torch.backends.{cuda.matmul,cudnn}.allow_tf32: a setting PyTorch reads
_.reshape_dims  # IShuffleLayer.reshape_dims: a layer attribute TensorRT reads
_.second_transpose  # IShuffleLayer.second_transpose: a layer attribute TensorRT reads
_.resize_mode  # IResizeLayer.resize_mode: a layer attribute TensorRT reads (examples)
_.profiling_verbosity  # IBuilderConfig.profiling_verbosity: a setting TensorRT reads
_.shuffle  # cassette/recompute.py: _Replay's handler of SHUFFLE layers, found by getattr from the layer type
_.elementwise  # cassette/recompute.py: _Replay's handler of ELEMENTWISE layers, found by getattr
_.resize  # cassette/recompute.py: _Replay's handler of RESIZE layers, found by getattr
setup  # a Sphinx extension's entry point, called by Sphinx (app.setup_extension)
required_arguments  # docutils Directive attribute, read by docutils
option_spec  # docutils Directive attribute, read by docutils
default_priority  # docutils Transform attribute, read by docutils
_.apply  # docutils Transform.apply, called by docutils
_.html_baseurl  # Sphinx config value set in sphinx_ext/hosting.py, read by Sphinx
_.sitemap_url_scheme  # sphinx-sitemap's config value, set in sphinx_ext/hosting.py
_.sitemap_locales  # sphinx-sitemap's config value, set in sphinx_ext/hosting.py
_.notfound_urls_prefix  # sphinx-notfound-page's config value, set in sphinx_ext/hosting.py
_.ogp_site_url  # sphinxext-opengraph's config value, set in sphinx_ext/hosting.py
_.mathjax_path  # Sphinx config value set in sphinx_ext/mathjax_local.py
_.html_show_sourcelink  # Sphinx config value set in sphinx_ext/repository.py
language_name  # sphinx.search.SearchLanguage attribute, read by Sphinx
__getattr__  # trt/stand_in.py: the stand-in module's attribute hook (PEP 562), called by Python
SvgFigures  # sphinx_ext/gallery.py: sphinx-gallery's image scraper, named in docs/conf.py
ExampleStarts  # sphinx_ext/gallery.py: sphinx-gallery's reset_modules hook, named in docs/conf.py
pytest_collection_modifyitems  # tests/conftest.py: a pytest hook
pytest_configure  # tests/conftest.py: a pytest hook (refuses the API-check mode)
rootdir  # tests/conftest.py: the fixture Sphinx's pytest plugin asks for
_.linkname  # tests/test_mathjax_local.py: tarfile.TarInfo.linkname of a crafted tarball
_.do_GET  # tests/test_mathjax_local.py: http.server handler method
_.log_message  # tests/test_mathjax_local.py: http.server handler method
_.handle_starttag  # tests/test_site.py: html.parser.HTMLParser hook
_.handle_endtag  # tests/test_site.py: html.parser.HTMLParser hook
_.handle_data  # tests/test_site.py: html.parser.HTMLParser hook
extensions  # tests/roots/*/conf.py: a name Sphinx reads
html_search_language  # tests/roots/*/conf.py: a name Sphinx reads
exclude_patterns  # tests/roots/*/conf.py: a name Sphinx reads
abort_on_example_error  # tests/roots/*/conf.py: a name sphinx-gallery reads
html_theme  # tests/roots/*/conf.py: a name Sphinx reads
has_content  # sphinx_ext/claims.py: a directive attribute docutils reads
report_algorithms  # trt/tactic_selector.py: the IAlgorithmSelector method TensorRT calls
contexts  # trt/tactic_selector.py: an argument of IAlgorithmSelector.report_algorithms, the signature TensorRT calls
INTERNAL_ERROR  # tests/fake_tensorrt/tensorrt.py: the severities TensorRT's ILogger.Severity has, in its order
INFO  # tests/fake_tensorrt/tensorrt.py: as above
VERBOSE  # tests/fake_tensorrt/tensorrt.py: as above
_.log_severity_level  # onnx_path/onnx_runtime.py: onnxruntime.SessionOptions setting, read by ONNX Runtime
_.intra_op_num_threads  # onnx_path/onnx_runtime.py: onnxruntime.SessionOptions setting, read by ONNX Runtime
_.inter_op_num_threads  # onnx_path/onnx_runtime.py: onnxruntime.SessionOptions setting, read by ONNX Runtime
_.desc  # tests/support/onnx_fake.py: IParserError.desc of the fake, read by onnx_path/recorder.parser_error (getattr)
fake_recordings  # tests/support/onnx_fake.py: a pytest fixture (root conftest.py's pytest_plugins), named in usefixtures
