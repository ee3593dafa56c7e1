"""The repository that the pages link, and the API page covering every module a page names."""

from __future__ import annotations

import re

from trtdeconv_docs.sphinx_ext import repository

from .support.paths import DOCS, EXAMPLES, docs_conf_value


def test_the_repository_comes_from_read_the_docs_or_conf_py():
    configured = docs_conf_value("REPOSITORY_URL")
    assert re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", configured)
    assert repository.repository(configured, "main", {}) == (configured, "main")
    assert repository.repository(configured, "main", {"READTHEDOCS_GIT_CLONE_URL": "https://github.com/a/b.git",
                                                      "READTHEDOCS_GIT_COMMIT_HASH": "abc123"}) == ("https://github.com/a/b", "abc123")
    assert repository.repository(configured, "main", {"READTHEDOCS_GIT_CLONE_URL": "git@github.com:a/b.git"})[0] == "https://github.com/a/b"
    assert repository.blob_url("https://github.com/a/b", "main", "docs/x.md") == "https://github.com/a/b/blob/main/docs/x.md"


GPU_ONLY = {"trtdeconv_docs.benchmark.tensorrt", "trtdeconv_docs.benchmark.pytorch",
            "trtdeconv_docs.conformance.run_on_tensorrt"}
"""Modules that import TensorRT or PyTorch at the top: the README documents them as GPU commands."""


def test_the_api_page_documents_every_module_that_a_page_or_an_example_names():
    api = (DOCS / "api.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"(?:automodule::|\{py:module\}|:module:)\s+(trtdeconv_docs[\w.]*)", api))
    texts = [path.read_text(encoding="utf-8") for path in [*DOCS.glob("*.md"), *DOCS.glob("maps/*.md"),
                                                             *EXAMPLES.glob("*.py")]]
    named = set()
    for text in texts:
        for package, names in re.findall(r"from (trtdeconv_docs[\w.]*) import ([\w, ]+)", text):  # modules of a package
            imported = [f"{package}.{name.strip()}" for name in names.split(",")]
            named.update(name if _is_module(name) else package for name in imported)
        text = re.sub(r"from trtdeconv_docs[\w.]* import [\w, ]+", "", text)
        for name in re.findall(r"\btrtdeconv_docs(?:\.[a-z_][a-z_0-9]*)+", text):
            parts = name.split(".")
            # the module: the longest prefix that is a package module (a trailing function name is dropped)
            while len(parts) > 1 and not _is_module(".".join(parts)):
                parts.pop()
            named.add(".".join(parts))
    missing = sorted(name for name in named - documented - GPU_ONLY if name != "trtdeconv_docs")
    assert not missing, f"docs/api.md does not document {missing}"


def _is_module(name: str) -> bool:
    import importlib.util

    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def test_the_recording_note_names_each_tensorrt_version_once_with_every_gpu_that_recorded_the_page():
    from trtdeconv_docs.cassette import store

    shown = ["recordings/tensors/plot_14_int8_tactics.json", "recordings/conformance/cases.json"]
    gpus = sorted({store.provenance(store.root() / "tensors")["gpu"], store.provenance(store.root() / "conformance")["gpu"]})
    versions = {store.provenance(store.root() / folder)["tensorrt"] for folder in ("tensors", "conformance")}
    assert len(gpus) == 2 and len(versions) == 1, "the committed recordings no longer come from two GPUs of one version"
    assert repository.recorded_with(shown) == f"TensorRT {versions.pop()}（{'、'.join(gpus)}）"
    assert repository.recorded_with(shown[:1]).count("TensorRT") == 1


def test_a_recording_in_a_subfolder_takes_the_provenance_of_its_recordings_folder():
    """``recordings/onnx/cases/<case>.json``: the manifest is ``recordings/onnx``'s (issue 20), not the subfolder's."""
    from trtdeconv_docs.cassette import store

    provenance = store.provenance(store.root() / "onnx")
    assert repository.recorded_with(["recordings/onnx/cases/base_2d.json"]) == \
        f"TensorRT {provenance['tensorrt']}（{provenance['gpu']}）"
