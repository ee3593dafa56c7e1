"""The pages show what TensorRT printed: every ``trt-output`` names a recorded tensor that the reference model confirms.

The first half reads every ``trt-output`` directive in ``docs/**/*.md`` and checks it
against ``recordings/tensors/``: the example exists, TensorRT's recording of it exists
(otherwise the test fails and says to run the GPU build), the run and tensor exist, the
reference model replays the run within tolerance, and a shape the text states right
before the directive is the recorded one. The second half builds the test root
``tests/roots/test-trt-output`` with Sphinx's fixtures to check the directive itself: what
it renders, its errors, and its dependency on the recording.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Optional, Tuple

import numpy as np
import pytest

from trtdeconv_docs.sphinx_ext import matrix_latex
from trtdeconv_docs.sphinx_ext.page_literals import DIRECTIVE
from trtdeconv_docs.cassette.recompute import known_arrays, recompute
from trtdeconv_docs.cassette.publisher import publish
from trtdeconv_docs.cassette.recording import Recording
from trtdeconv_docs.errors import RECORD_ON_GPU, RecordingError
from trtdeconv_docs.sphinx_ext import recorded as trt_output
from trtdeconv_docs.cassette.tensors import encode

from .support.paths import DOCS, EXAMPLES, TENSORS
from .support.recorded import DIVERGENCES, PROVENANCE, rebuilt_arrays


STATED_SHAPE = re.compile(r"形状[是为]?\s*\(([\d,\s]+)\)")
TYPED_MATRIX_ROW = re.compile(r"-?\d+\.\d*\s*&\s*-?\d+\.\d*")


@dataclass(frozen=True)
class Use:
    """One ``trt-output`` directive in a page."""

    page: str
    line: int
    example: str
    options: Dict[str, str]
    stated_shape: Optional[Tuple[int, ...]]  # the last shape stated between the previous directive and this one

    @property
    def where(self) -> str:
        """``docs/<page>:<line>``, for messages."""
        return f"docs/{self.page}:{self.line}"


def pages():
    """The site's own MyST pages (not the generated gallery)."""
    return [p for p in sorted(DOCS.rglob("*.md")) if (DOCS / "gallery") not in p.parents]


def uses():
    """Every ``trt-output`` directive of every page, in page order."""
    found = []
    for path in pages():
        text = path.read_text(encoding="utf-8")
        previous_end = 0
        for match in DIRECTIVE.finditer(text):
            options = {}
            for line in match.group("options").splitlines():
                key, _, value = line.strip()[1:].partition(":")
                options[key] = value.strip()
            shapes = STATED_SHAPE.findall(text[previous_end:match.start()])
            stated = tuple(int(v) for v in shapes[-1].split(",") if v.strip()) if shapes else None
            found.append(Use(path.relative_to(DOCS).as_posix(), text.count("\n", 0, match.start()) + 1,
                             match.group("example").strip(), options, stated))
            previous_end = match.end()
    return found


USES = uses()
PARAMS = [pytest.param(use, id=f"{use.page}:{use.line}:{use.example}[{use.options.get('run')}]") for use in USES]


def recorded(use: Use):
    """(document, run, kind, tensor name, array) for a directive, or a failure saying what is missing."""
    path = TENSORS / f"{use.example}.json"
    if not path.is_file():
        pytest.fail(f"{use.where}: the GPU recording recordings/tensors/{use.example}.json is missing; "
                    f"{RECORD_ON_GPU}")
    recording = Recording.read(path)
    try:
        run = recording.run(use.options.get("run", ""))
        kind, name, array = run.tensor(use.options.get("tensor", "output"))
    except RecordingError as error:
        pytest.fail(f"{use.where}: {use.example}: {error}")
    return recording.document, run.data, kind, name, array


def test_the_pages_show_recorded_tensors():
    assert len(USES) >= 30, f"only {len(USES)} trt-output directives found: is the pattern still right?"


@pytest.mark.parametrize("path", pages(), ids=lambda p: p.relative_to(DOCS).as_posix())
def test_no_output_matrix_is_typed_by_hand(path):
    for block in re.findall(r"^\$\$\n(.*?)^\$\$", path.read_text(encoding="utf-8"), re.MULTILINE | re.DOTALL):
        assert not TYPED_MATRIX_ROW.search(block), f"{path.name}: a typed matrix of numbers; use trt-output"


@pytest.mark.parametrize("use", PARAMS)
def test_directive_is_well_formed(use):
    assert (EXAMPLES / f"{use.example}.py").is_file(), f"{use.where}: no example examples/{use.example}.py"
    assert set(use.options) <= {"run", "tensor", "color"}, f"{use.where}: unknown options {sorted(use.options)}"
    assert use.options.get("run"), f"{use.where}: :run: is required"
    trt_output.parse_highlights(use.options.get("color", ""))


@pytest.mark.parametrize("use", PARAMS)
def test_recorded_tensor_agrees_with_the_reference(use):
    document, run, kind, name, array = recorded(use)
    matrix_latex.tensor(array, trt_output.parse_highlights(use.options.get("color", "")))
    if kind == "output":
        recomputed = recompute(run, {**known_arrays(document), **rebuilt_arrays()})[name]
        assert recomputed.recorded.shape == recomputed.reference.shape, use.where
        divergence = DIVERGENCES.get((document["example"], run["label"]))
        if divergence:  # shown because TensorRT computes something else; the page must say so
            assert recomputed.worst_ratio > 1.0, f"{use.where}: {run['label']} now agrees with the reference"
            return
        assert recomputed.worst_ratio <= 1.0, (
            f"{use.where}: TensorRT differs from the reference by {recomputed.worst_ratio:.3g} x the "
            f"{recomputed.precision} bound")


@pytest.mark.parametrize("use", [p for p in PARAMS if p.values[0].stated_shape is not None])
def test_shape_stated_in_the_text_is_the_recorded_one(use):
    *_, array = recorded(use)
    assert use.stated_shape == array.shape, f"{use.where}: the text says {use.stated_shape}"


# The directive in a small Sphinx project -------------------------------------------------



def write_recording(folder: Path, values: np.ndarray) -> Path:
    """A recording of one run, ``demo``, with input ``x`` and output ``y`` (made-up values)."""
    scratch = folder.parent / "scratch"
    scratch.mkdir(exist_ok=True)
    document = {"format": 2, "example": "plot_demo.py", "provenance": PROVENANCE, "runs": [{
        "label": "demo", "network": {"inputs": [], "outputs": ["y"], "layers": []},
        "inputs": {"x": encode(np.ones((1, 1, 1, 1), np.float32))}, "outputs": {"y": encode(values)},
        "settings": {"tf32": True, "int8": False}}]}
    (scratch / "plot_demo.json").write_text(json.dumps(document), encoding="utf-8")
    publish(scratch, folder, PROVENANCE, command="tests/test_pages.py (made-up values)")
    return folder / "plot_demo.json"


def built(app, values: np.ndarray, page: str = "index") -> str:
    """Build the test root with a recording of ``values``; the page's HTML (warnings: ``app.warning``)."""
    write_recording(Path(app.srcdir) / "recordings", values)
    app.build()
    return (Path(app.outdir) / f"{page}.html").read_text(encoding="utf-8")


VALUES = np.array([[[[1.5, -2.0, 0.0009], [98765.4321, 1e-9, 7.0]]]], dtype=np.float32)


@pytest.mark.sphinx("html", testroot="trt-output", srcdir="trt-output-zh", freshenv=True)
def test_directive_renders_the_matrix_and_its_provenance(app):
    html = built(app, VALUES)
    assert app.warning.getvalue() == ""
    assert "1.5 &amp; -2. &amp; 0.0009 \\\\\n98765.43 &amp; 0. &amp; \\textcolor[rgb]{0,0,1}{7.}" in html
    assert "形状 (1, 1, 2, 3)；由 TensorRT 9.9.9 在 Test GPU 上打印（2026-01-02，CUDA 1.2，允许 TF32）；示例 " in html
    assert 'href="gallery/plot_demo.html"' in html


@pytest.mark.sphinx("html", testroot="trt-output", srcdir="trt-output-en", freshenv=True,
                    confoverrides={"language": "en"})
def test_directive_caption_is_translated_by_the_extension_catalog(app):
    html = built(app, VALUES)
    assert app.warning.getvalue() == ""
    assert ("Shape (1, 1, 2, 3); printed by TensorRT 9.9.9 on Test GPU (2026-01-02, CUDA 1.2, TF32 allowed); "
            "example ") in html


@pytest.mark.parametrize("page", ["input", "x"])
@pytest.mark.sphinx("html", testroot="trt-output", srcdir="trt-output-inputs", freshenv=True)
def test_directive_shows_an_input_by_kind_or_name(app, page):
    html = built(app, VALUES, page)
    assert app.warning.getvalue() == ""
    assert "形状 (1, 1, 1, 1)；输入张量 x，TensorRT 9.9.9 在 Test GPU 上运行时送入" in html


@pytest.mark.parametrize("page, example, problem", [
    ("missing-recording", "plot_missing", "no GPU recording"),
    ("missing-run", "plot_demo", "no run labelled 'other'; the recording has 'demo'"),
    ("missing-tensor", "plot_demo", "no tensor named 'z'"),
    ("no-run-option", "plot_demo", ":run: option"),
    ("colour-outside", "plot_demo", "outside the tensor's shape"),
])
@pytest.mark.sphinx("html", testroot="trt-output", confoverrides={"exclude_patterns": ["_build"]})
@pytest.mark.test_params(shared_result="trt-output-errors")  # one build serves every case
def test_a_missing_recording_run_or_tensor_fails_the_build_naming_page_example_and_run(app, page, example, problem):
    built(app, VALUES)
    lines = [line for line in app.warning.getvalue().splitlines() if f"errors/{page}.md:4: ERROR: " in line]
    assert len(lines) == 1, app.warning.getvalue()
    assert f"trt-output in page 'errors/{page}', example '{example}', run " in lines[0]
    assert problem in lines[0]
    assert "Traceback" not in app.warning.getvalue()


@pytest.mark.sphinx("html", testroot="trt-output", srcdir="trt-output-rebuild")
def test_editing_a_recording_rebuilds_the_page(app, make_app, app_params):
    html = built(app, np.full((1, 1, 2, 3), 3.0, np.float32))
    assert "3. &amp; 3. &amp; \\textcolor[rgb]{0,0,1}{3.}" in html
    path = write_recording(Path(app.srcdir) / "recordings", np.full((1, 1, 2, 3), 4.0, np.float32))
    later = path.stat().st_mtime + 10
    os.utime(path, (later, later))
    again = make_app(*app_params.args, **app_params.kwargs)  # a later build of the same project
    again.build()
    assert "4. &amp; 4. &amp; \\textcolor[rgb]{0,0,1}{4.}" in (Path(again.outdir) / "index.html").read_text(encoding="utf-8")


def test_parse_highlights():
    assert trt_output.parse_highlights("0,0,0,0=green; 0,0,2,2=blue;") == {(0, 0, 0, 0): "green", (0, 0, 2, 2): "blue"}
    assert trt_output.parse_highlights("") == {}
    with pytest.raises(ValueError, match="colour must be one of"):
        trt_output.parse_highlights("0,0=pink")
    with pytest.raises(ValueError, match="is not 'i,j,...=colour'"):
        trt_output.parse_highlights("a,b=red")
