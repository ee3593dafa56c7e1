"""Run many example scripts in one Python process, under one mode: each in fresh globals, each failure kept apart.

Starting Python, NumPy and Matplotlib once instead of once per example is what makes running
every example under the replay, and again under each TensorRT version's API, affordable in
``tox``. The process runs :func:`trtdeconv_docs.cassette.runner.run_examples`, the GPU
command's runner; :func:`run` starts it with the mode's variable set.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Dict, Sequence

from .paths import environment_with_src

PROGRAM = ("import json, sys; from trtdeconv_docs.cassette.runner import run_examples; "
           "print(json.dumps({name: problem[-3000:] for name, problem in run_examples(sys.argv[1:]).items()}))")


def run(examples: Sequence[Path], **environment: str) -> Dict[str, str]:
    """``{example file name: ""}`` for each example that ran, else the end of its traceback."""
    env = environment_with_src(MPLBACKEND="Agg", **environment)
    done = subprocess.run([sys.executable, "-c", PROGRAM, *map(str, examples)], env=env, capture_output=True,
                          text=True, timeout=900)
    if done.returncode:
        raise RuntimeError(f"the example runner itself failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.splitlines()[-1])
