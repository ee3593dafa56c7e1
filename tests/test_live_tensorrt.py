"""Where TensorRT and a GPU are present: every example prints the same live and replayed.

Each example runs as a script on real TensorRT, recording its runs into a scratch
folder, which is published with its manifest as a ``recordings/`` of its own; then the
same script runs again with the replay forced (``TRTDECONV_MODE=replay``) against that
folder, and both printed outputs must be byte-identical. On a machine without TensorRT
this module is reported as skipped, never as passed.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("tensorrt", reason="live checks need TensorRT and a GPU")

from trtdeconv_docs.cassette import mode
from trtdeconv_docs.cassette.publisher import gpu_provenance, publish
from trtdeconv_docs.cassette.recording import TENSORS
from trtdeconv_docs.cassette.store import ROOT_VARIABLE
from trtdeconv_docs.sphinx_ext.gallery import not_replayable

from .support.paths import EXAMPLES as EXAMPLES_DIR, environment_with_src  # noqa: E402

EXAMPLES = sorted(p for p in EXAMPLES_DIR.glob("plot_*.py") if p.name not in not_replayable())


def _run(example: Path, **environment) -> str:
    env = environment_with_src(MPLBACKEND="Agg", PYTHONHASHSEED="0", **environment)
    done = subprocess.run([sys.executable, str(example)], cwd=example.parent, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{example.name} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
    return done.stdout


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_live_and_replayed_output_are_byte_identical(example, tmp_path):
    scratch, recordings = tmp_path / "scratch", tmp_path / "recordings"
    live = _run(example, **{mode.VARIABLE: f"record:{scratch}"})
    scratch.mkdir(exist_ok=True)
    publish(scratch, recordings / TENSORS, gpu_provenance(), command="tests/test_live_tensorrt.py")
    replayed = _run(example, **{mode.VARIABLE: "replay", ROOT_VARIABLE: str(recordings)})
    assert replayed == live
