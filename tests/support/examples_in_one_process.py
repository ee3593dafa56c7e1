"""Run many example scripts in one Python process: each in fresh globals, each failure kept apart.

Starting Python, NumPy and Matplotlib once instead of once per example is what makes running
every example under the replay, and again under each TensorRT version's API, affordable in
``tox``. Used by the tests as :func:`run`; the process itself is this file's ``__main__``.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import runpy
import subprocess
import sys
import traceback
from pathlib import Path
from typing import Dict, Sequence


def run(examples: Sequence[Path], **environment: str) -> Dict[str, str]:
    """``{example file name: ""}`` for each example that ran, else the end of its traceback."""
    from .paths import environment_with_src  # here: this file also runs as a script, outside the package

    env = environment_with_src(MPLBACKEND="Agg", **environment)
    done = subprocess.run([sys.executable, __file__, *map(str, examples)], env=env, capture_output=True,
                          text=True, timeout=900)
    if done.returncode:
        raise RuntimeError(f"the example runner itself failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.splitlines()[-1])


def _main(paths: Sequence[str]) -> None:
    import matplotlib.pyplot as plt

    results = {}
    for name in paths:
        example = Path(name)
        os.chdir(example.parent)
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                runpy.run_path(str(example), run_name="__main__")
            results[example.name] = ""
        except BaseException:  # a ReplayMiss is a SystemExit: it fails this example only
            results[example.name] = traceback.format_exc()[-3000:]
        plt.close("all")
    print(json.dumps(results))


if __name__ == "__main__":
    _main(sys.argv[1:])
