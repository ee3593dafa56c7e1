"""Where TensorRT and a GPU are present: re-run every example live and check it.

Each example runs again (its runs recorded to a scratch folder); every live output must
agree with the reference model within its tolerance and have the recorded shape. On a
machine without TensorRT this module is reported as skipped, never as passed.
"""

from __future__ import annotations

import contextlib
import io
import runpy
from pathlib import Path

import pytest

pytest.importorskip("tensorrt", reason="live checks need TensorRT and a GPU")

from trtdeconv_docs import recording  # noqa: E402
from trtdeconv_docs.recompute import replay  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
# the examples that record TensorRT runs (the picture examples draw geometry only)
EXAMPLES = sorted(ROOT / "examples" / f"{path.stem}.py" for path in (ROOT / "recordings" / "tensors").glob("*.json"))


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_live_run_matches_reference_and_recording(example, tmp_path, monkeypatch):
    monkeypatch.setenv(recording.ENVIRONMENT_VARIABLE, str(tmp_path))
    monkeypatch.chdir(example.parent)
    with contextlib.redirect_stdout(io.StringIO()):
        runpy.run_path(str(example), run_name="__main__")
    recorded_path = ROOT / "recordings" / "tensors" / f"{example.stem}.json"
    recorded = {run["label"]: run for run in recording.load(recorded_path)["runs"]}
    live = recording.load(tmp_path / f"{example.stem}.json")["runs"]
    assert [run["label"] for run in live] == list(recorded)
    for run in live:
        for name, replayed in replay(run).items():
            assert replayed.worst_ratio <= 1.0, f"{run['label']} {name}: {replayed.worst_ratio:.3g} x bound"
            assert list(replayed.recorded.shape) == recorded[run["label"]]["outputs"][name]["shape"]
