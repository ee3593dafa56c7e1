"""Every ``{trt-api}`` citation in the pages holds against the stored TensorRT API lists."""

import re
from pathlib import Path

import pytest

from trtdeconv_docs.sphinx_ext.api_citation import CitationError, cite

DOCS = Path(__file__).resolve().parents[1] / "docs"
SPECS = sorted({spec for page in DOCS.rglob("*.md")
                for spec in re.findall(r"\{trt-api\}`([^`]+)`", page.read_text(encoding="utf-8"))})


def test_the_migration_page_cites_through_the_role():
    assert len(SPECS) > 40
    assert "未核实" not in (DOCS / "maps" / "migration.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("spec", SPECS)
def test_citation_holds(spec):
    citation = cite(spec)
    assert citation.url.startswith("https://github.com/NVIDIA/TensorRT/blob/") and citation.url.endswith(f"#L{citation.line}")
    assert (citation.absent is not None) == ("!" in spec)
    if citation.absent:
        assert citation.absent[2] == (int(spec.split("/")[1]) if "/" in spec else None)


def test_citation_texts():
    assert cite("v8.6.0 IDeconvolutionLayer.kernel_size~").text == "v8.6.0 python/src/infer/pyGraph.cpp:456"
    assert cite("v10.16 BuilderFlag.INT8~10.12").text == "v10.16 python/docstrings/infer/pyCoreDoc.h:1154"
    assert cite("v11.0 !INetworkDefinition.add_quantize/2").text == "v11.0 python/src/infer/pyGraph.cpp:1139"


@pytest.mark.parametrize("spec, message", [
    ("v11.0 INetworkDefinition.add_quantize/2", "does not have INetworkDefinition.add_quantize with 2"),
    ("v8.6.0 !IDeconvolutionLayer.kernel_size", "has IDeconvolutionLayer.kernel_size, but"),
    ("v10.16 BuilderFlag.INT8~10.11", "does not mark BuilderFlag.INT8 deprecated since 10.11"),
    ("v10.16 BuilderFlag.TF32~", "does not mark BuilderFlag.TF32 deprecated"),
    ("v10.16 NoSuchClass.x", "has no class or enum NoSuchClass"),
    ("v7.0 Builder.reset", "no TensorRT API list"),
    ("Builder.reset", "cannot read"),
])
def test_false_or_malformed_citations_are_refused(spec, message):
    with pytest.raises(CitationError, match=re.escape(message)):
        cite(spec)


def test_a_citation_shows_its_tag_and_keeps_the_file_and_line_in_its_title():
    """In a table of citations, each cell shows the tag alone (issue 22), the link's title the line cited."""
    from trtdeconv_docs.sphinx_ext.api_citation import role

    (link,), problems = role("trt-api", ":trt-api:`...`", "v10.0.0 !IDeconvolutionLayer.kernel_size", 1, None)
    citation = cite("v10.0.0 !IDeconvolutionLayer.kernel_size")
    assert not problems and link.astext() == "v10.0.0" and link["refuri"] == citation.url
    assert link["reftitle"].startswith(citation.text + " (") and "kernel_size" in link["reftitle"]
