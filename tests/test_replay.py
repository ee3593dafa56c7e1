"""Record/replay: the call log, the lookup of recorded runs, and the integrity of recordings/."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from trtdeconv_docs.cassette import player, store
from trtdeconv_docs.cassette.recording import run_key
from trtdeconv_docs.cassette.call_log import CallLog, Proxy, encode_value
from trtdeconv_docs.errors import RecordingError, ReplayError, ReplayMiss
from trtdeconv_docs.cassette.publisher import publish
from trtdeconv_docs.cassette.tensors import encode

from .support.paths import ROOT

MADE_UP = {"tensorrt": "8.6.0", "gpu": "made-up values written by tests/test_replay.py"}


class PlayedLayer:
    """Plays a TensorRT layer for the proxy: a settable attribute and a method returning a tensor."""

    stride_nd = (1, 1)

    def get_output(self, index):
        return PlayedTensor()


class PlayedTensor:
    """Plays a TensorRT tensor."""


class PlayedNetwork:
    """Plays a TensorRT network."""

    def add_thing(self, tensor, size, weights):
        assert isinstance(tensor, PlayedTensor) and not isinstance(tensor, Proxy)
        return PlayedLayer()

    def add_input(self, name, shape):
        return PlayedTensor()


def test_proxy_logs_calls_sets_and_returned_objects_by_name():
    log = CallLog()
    network = Proxy(PlayedNetwork(), log, "network")
    tensor = network.add_input("x", (1, 1, 3, 3))
    layer = network.add_thing(tensor, 3, np.arange(4, dtype=np.float32))
    layer.stride_nd = (2, 2)
    layer.get_output(0)
    first, added, stride, output = log.entries
    assert first == {"on": "network", "call": "add_input", "args": ["x", [1, 1, 3, 3]], "kwargs": {}, "returns": "t1"}
    assert added["args"][:2] == [{"ref": "t1"}, 3] and added["returns"] == "l1"
    weights = added["args"][2]["array"]
    assert weights["dtype"] == "float32" and weights["shape"] == [4] and len(weights["sha256"]) == 64
    assert stride == {"on": "l1", "set": "stride_nd", "value": [2, 2]}
    assert output == {"on": "l1", "call": "get_output", "args": [0], "kwargs": {}, "returns": "t2"}


def test_a_changed_weight_changes_the_logged_digest():
    one = encode_value(np.arange(4, dtype=np.float32))
    other = encode_value(np.arange(4, dtype=np.float32) + np.float32(1e-7))
    assert one != other and one["array"]["shape"] == other["array"]["shape"]


def test_arguments_that_cannot_be_logged_are_refused():
    with pytest.raises(ReplayError, match="cannot log an argument of type object"):
        encode_value(object())


@pytest.fixture
def made_up_recordings(tmp_path, monkeypatch):
    """A recordings/ folder with one example's run (made-up values), and ``TRTDECONV_RECORDINGS`` naming it."""
    calls = [{"on": "network", "call": "add_input", "args": ["x", {"enum": "DataType.FLOAT"}, [1, 2]],
              "kwargs": {}, "returns": "t1"}]
    run = {"label": "demo", "calls": calls, "settings": {"tf32": False},
           "inputs": {"x": encode(np.array([[1.0, 2.0]], np.float32))},
           "outputs": {"y": encode(np.array([[3.0, 4.0]], np.float32))}}
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    (scratch / "plot_demo.json").write_text(json.dumps({"format": 2, "runs": [run]}), encoding="utf-8")
    publish(scratch, tmp_path / "recordings" / "tensors", MADE_UP)
    monkeypatch.setenv(store.ROOT_VARIABLE, str(tmp_path / "recordings"))
    return calls


def test_a_recorded_run_is_found_by_calls_settings_and_input_bytes(made_up_recordings):
    key = run_key(made_up_recordings, {"tf32": False}, {"x": np.array([[1.0, 2.0]], np.float32)})
    assert player.find("examples/plot_demo.py", "demo", key).outputs()["y"].tolist() == [[3.0, 4.0]]


@pytest.mark.parametrize("change, message", [
    (lambda calls, settings, x: (calls, {"tf32": True}, x), 'differs from its GPU recording in builder settings {"tf32": true}'),
    (lambda calls, settings, x: (calls, settings, x + np.float32(1)), "differs from its GPU recording in input bytes of x"),
    (lambda calls, settings, x: ([dict(calls[0], args=["x", {"enum": "DataType.FLOAT"}, [1, 3]])], settings, x),
     'differs from its GPU recording in network call 1: {"on": "network", "call": "add_input", "args": ["x", '
     '{"enum": "DataType.FLOAT"}, [1, 3]]'),
])
def test_anything_else_fails_with_one_message_naming_example_run_and_difference(made_up_recordings, change, message):
    calls, settings, x = change(made_up_recordings, {"tf32": False}, np.array([[1.0, 2.0]], np.float32))
    with pytest.raises(ReplayMiss) as miss:
        player.find("examples/plot_demo.py", "demo", run_key(calls, settings, {"x": x}))
    text = str(miss.value)
    assert text.startswith("trtdeconv-docs: plot_demo.py, run 'demo' ") and message in text
    assert "python -m trtdeconv_docs.gpu_gallery" in text and "\n" not in text


def test_an_unrecorded_run_or_example_names_what_was_recorded(made_up_recordings):
    with pytest.raises(ReplayMiss, match=r"run 'other': never recorded on a GPU \(recorded runs: 'demo'\)"):
        player.find("plot_demo.py", "other", {})
    with pytest.raises(ReplayMiss, match=r"plot_none.py, run 'demo': never recorded on a GPU \(no "):
        player.find("plot_none.py", "demo", {})


@pytest.fixture
def copied_recordings(tmp_path, monkeypatch):
    """A copy of the repository's recordings/, named by ``TRTDECONV_RECORDINGS``."""
    shutil.copytree(ROOT / "recordings", tmp_path / "recordings")
    monkeypatch.setenv(store.ROOT_VARIABLE, str(tmp_path / "recordings"))
    return tmp_path / "recordings"


def test_the_repository_recordings_match_their_manifests():
    folders = sorted(p.parent for p in (ROOT / "recordings").glob(f"*/{store.MANIFEST}"))
    assert {f.name for f in folders} >= {"tensors", "conformance"}
    for folder in folders:
        assert store.verify_folder(folder) == []


def _one_ulp_up(path: Path) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    run = next(r for r in document["runs"] if "outputs" in r)
    values = next(iter(run["outputs"].values()))["values"]
    values[0] = float(np.nextafter(np.float32(values[0]), np.float32(np.inf)))
    path.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


@pytest.mark.parametrize("mutation, problem", [
    (_one_ulp_up, "edited after the GPU run: revert the change"),
    (lambda path: path.unlink(), "missing (listed in"),
    (lambda path: path.write_text("{", encoding="utf-8"), "edited after the GPU run"),
    (lambda path: path.with_name("plot_99_extra.json").write_text("{}", encoding="utf-8"), "plot_99_extra.json: not in"),
])
def test_a_changed_missing_or_unlisted_recording_is_refused_naming_the_file(copied_recordings, mutation, problem):
    path = copied_recordings / "tensors" / "plot_01_base.json"
    mutation(path)
    problems = store.verify_folder(copied_recordings / "tensors")
    assert len(problems) == 1 and problem in problems[0] and "plot_" in problems[0]


def test_a_forged_provenance_is_refused(copied_recordings):
    path = copied_recordings / "tensors" / "plot_01_base.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    document["provenance"]["gpu"] = "NVIDIA B200"
    path.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    with pytest.raises(RecordingError, match="plot_01_base.json: edited after the GPU run"):
        store.read_json(path)


def test_an_unreadable_manifest_is_one_line_naming_it(copied_recordings):
    (copied_recordings / "tensors" / store.MANIFEST).write_text("not json", encoding="utf-8")
    (problem,) = store.verify_folder(copied_recordings / "tensors")
    assert "tensors/MANIFEST.json: unreadable (JSONDecodeError" in problem and "\n" not in problem
