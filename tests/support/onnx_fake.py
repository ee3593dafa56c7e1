"""A FAKE TensorRT for :mod:`trtdeconv_docs.onnx_path.recorder`, and a fake recording made with it (fixtures
loaded for every test by the root ``conftest.py``).

It tests the recorder, the manifest, the replay and the page machinery before a GPU run
exists, and says nothing about TensorRT: its "engine" answers with ONNX Runtime's output
plus :data:`OFFSET`, its parser refuses the case :data:`REFUSED` with a FAKE message, and
its builder refuses :data:`BUILD_REFUSED`. Everything it writes is labelled FAKE.
"""

from __future__ import annotations

import json
import shutil
import types
from pathlib import Path

import pytest

from trtdeconv_docs.cassette import store
from trtdeconv_docs.cassette.publisher import publish, write_json
from trtdeconv_docs.onnx_path import cases, onnx_runtime, recorder

FAKE = "FAKE (tests/support/onnx_fake.py, not TensorRT)"
PROVENANCE = {"tensorrt": FAKE, "gpu": FAKE, "date": "2000-01-01T00:00:00Z"}
OFFSET = 0.25
REFUSED = "output_shape_too_large_2d"
BUILD_REFUSED = "weights_as_input_2d"
ROOT = Path(__file__).resolve().parents[2]


class _ErrorCode:
    """Like TensorRT 8.6's ``ErrorCode`` as the GPU run met it (19:29 UTC, 2026-12-07): ``name`` is a method."""

    def name(self):
        return "UNSUPPORTED_NODE"


class _Error:
    def __init__(self, node: int):
        self._node = node

    def code(self):
        return _ErrorCode()

    def desc(self):
        return f"{FAKE}: refused"

    def node(self):
        return self._node

    def file(self):
        return "fake.cpp"

    def line(self):
        return 1

    def func(self):
        return "fake"

    def __str__(self):
        return f"In node {self._node} (fake): UNSUPPORTED_NODE: {FAKE}: refused"


class _Parser:
    def __init__(self, network, logger):
        self.network, self.logger, self.errors = network, logger, []

    def parse(self, model: bytes) -> bool:
        name = next(c.name for c in cases.CASES if (ROOT / cases.MODELS / f"{c.name}.onnx").read_bytes() == model)
        self.network["case"] = name
        if name == REFUSED:
            self.errors.append(_Error(0))
        return not self.errors

    @property
    def num_errors(self):
        return len(self.errors)

    def get_error(self, index):
        return self.errors[index]


class _Builder:
    def __init__(self, *, int8=False):
        self.int8, self.network, self.build_seconds = int8, {}, None
        self.logger = types.SimpleNamespace(messages=[("WARNING", f"{FAKE}: a warning")])
        self.profiles = []

    def add_profile(self, shapes):
        self.profiles.append(shapes)

    def build(self):
        if self.network["case"] == BUILD_REFUSED:
            raise _Refusal([f"[ERROR] {FAKE}: no engine"])
        self.build_seconds = 0.5
        return cases.BY_NAME[self.network["case"]]


class _Refusal(RuntimeError):
    def __init__(self, messages):
        super().__init__(messages)
        self.messages = messages


def _execute(case, inputs):
    out = onnx_runtime.run(cases.model_path(ROOT, case), inputs)["y"]
    return {"y": out + OFFSET}


def tensorrt() -> recorder.TensorRT:
    """The fake, in the shape :func:`trtdeconv_docs.onnx_path.recorder.record` takes."""
    return recorder.TensorRT(
        trt=types.SimpleNamespace(OnnxParser=_Parser), builder=_Builder, run_engine=_execute,
        layer_information=lambda engine: json.dumps({"Layers": [FAKE]}),
        describe_network=lambda network: {"layers": [{"type": "DECONVOLUTION", "name": FAKE,
                                                      "attributes": {"pre_padding": [0, 0]}}]},
        build_error=_Refusal)


def _pytorch(scratch: Path) -> None:
    """A fake ``recordings/onnx-pytorch``: ONNX Runtime's outputs minus :data:`OFFSET` where PyTorch applies."""
    from trtdeconv_docs.onnx_path import pytorch_peer
    from trtdeconv_docs.cassette.tensors import encode

    for case in cases.CASES:
        document = {"format": 2, "case": case.name}
        reason = pytorch_peer.expressible(case)
        if reason:
            document["not_expressible"] = reason
        else:
            runs = []
            for shape in case.shapes:
                values = cases.inputs(case, shape)
                out = onnx_runtime.run(cases.model_path(ROOT, case), values)["y"] - OFFSET
                runs.append({"inputs": {k: encode(v) for k, v in values.items()}, "outputs": {"y": encode(out)}})
            document["runs"] = runs
        write_json(scratch / f"{case.name}.json", document)


def make(target: Path, only=None) -> Path:
    """A fake checkout at ``target``: ``onnx_models/`` copied, ``recordings/onnx`` published by the recorder,
    ``recordings/onnx-pytorch`` from ONNX Runtime (FAKE)."""
    shutil.copytree(ROOT / cases.MODELS, target / cases.MODELS)
    scratch = target / "scratch"
    recorder.record(tensorrt(), target, scratch, PROVENANCE, only=only, time_budget=1e9, polygraphy=False,
                    write_json=write_json)
    for name, options in recorder.POLYGRAPHY_CASES.items():
        command = " ".join(recorder.polygraphy_argv(f"{cases.MODELS}/{name}.onnx", options))
        write_json(scratch / "polygraphy" / f"{name}.json", {
            "format": 2, "case": name, "command": command, "returncode": 0, "seconds": 1.0,
            "stdout": f"{FAKE}: PASSED", "stderr": ""})
    publish(scratch, target / "recordings" / recorder.FOLDER, PROVENANCE, command=FAKE)
    shutil.rmtree(scratch)
    _pytorch(scratch)
    publish(scratch, target / "recordings" / pytorch_peer_folder(), {"torch": FAKE, "gpu": FAKE}, command=FAKE)
    shutil.rmtree(scratch)
    return target


def pytorch_peer_folder() -> str:
    """``onnx-pytorch``."""
    from trtdeconv_docs.onnx_path.pytorch_peer import FOLDER

    return FOLDER


@pytest.fixture(scope="module")
def fake_checkout(tmp_path_factory):
    """A fake checkout made once per test module (:func:`make`)."""
    return make(tmp_path_factory.mktemp("onnx-fake"))


@pytest.fixture
def fake_recordings(fake_checkout, monkeypatch):
    """The fake checkout's recordings as the ones in use (``$TRTDECONV_RECORDINGS``)."""
    monkeypatch.setenv(store.ROOT_VARIABLE, str(fake_checkout / "recordings"))
    return fake_checkout
