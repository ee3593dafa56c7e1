"""Every example runs against the API lists of TensorRT 10 and 11, not only 8.6's.

Each example executes with the stand-in of :mod:`trtdeconv_docs.trt.stand_in` built
from that version's binding sources (``TRTDECONV_MODE=api-check:<version>``): a class, method,
attribute, enum value or number of arguments the version lacks fails the example. The
recorded 8.6 runs answer by label only (the calls may differ by design between
versions), so nothing printed here is shown anywhere.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from trtdeconv_docs.cassette import mode

from .support import examples_in_one_process
from trtdeconv_docs.sphinx_ext.gallery import not_replayable

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(p for p in (ROOT / "examples").glob("plot_*.py") if p.name not in not_replayable())


def _run(script: Path, version: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, MPLBACKEND="Agg", **{mode.VARIABLE: f"api-check:{version}"})
    return subprocess.run([sys.executable, str(script)], cwd=script.parent, env=env, capture_output=True,
                          text=True, timeout=300)


@pytest.fixture(scope="module")
def outcomes():
    """Every example run against each version's API list, one process per version."""
    return {version: examples_in_one_process.run(EXAMPLES, **{mode.VARIABLE: f"api-check:{version}"}) for version in ("10", "11")}


@pytest.mark.xdist_group("api-versions")  # one worker runs the examples (``outcomes``), not every worker
@pytest.mark.parametrize("version", ["10", "11"])
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_example_uses_only_api_that_the_version_has(outcomes, example, version):
    assert outcomes[version][example.name] == "", f"{example.name} on TensorRT {version}'s API:\n{outcomes[version][example.name]}"


def test_an_example_using_a_removed_api_fails(tmp_path):
    script = tmp_path / "plot_removed.py"
    script.write_text(
        "import numpy as np\n"
        "from trtdeconv_docs.session import Session\n"
        "session = Session()\n"
        "x = session.add_input('x', np.zeros((1, 1, 3, 3), np.float32))\n"
        "scale = session.network.add_constant([], np.ones(1, np.float32)).get_output(0)\n"
        "session.network.add_quantize(x, scale)\n", encoding="utf-8")
    assert _run(script, "10").returncode == 0
    removed = _run(script, "11")
    assert removed.returncode != 0
    assert "TensorRT 11 has no overload of INetworkDefinition.add_quantize taking 2 positional argument(s)" in removed.stderr
