"""The README's command-line section works as written, from a checkout with the package installed."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np

from trtdeconv_docs import reference
from trtdeconv_docs.example_data import seed_tensors

ROOT = Path(__file__).resolve().parents[1]


def section_commands(title: str):
    """The ``python -m`` lines of the first bash block under the README heading ``title``."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, re.DOTALL).group(1)
    return [shlex.split(line) for line in block.splitlines() if line.startswith("python -m trtdeconv_docs")]


def test_the_readme_command_line_section_runs_as_written(tmp_path):
    for folder in ("data", "docs/locale", "src/trtdeconv_docs/locale"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    commands = section_commands("Command line")
    assert [command[2] for command in commands] == ["trtdeconv_docs"] * 2 + ["trtdeconv_docs.translation_check"]
    installed = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    outputs = []
    for command in commands:
        done = subprocess.run([sys.executable, *command[1:]], cwd=tmp_path, capture_output=True, text=True,
                              env=installed)
        assert done.returncode == 0, (command, done.stderr)
        outputs.append(done.stdout)
    assert outputs[0].strip() == "(1, 1, 7, 7)"
    x, weight, _ = seed_tensors()
    expected = reference.deconvolution(x, weight.reshape(1, 1, 3, 3), num_output_maps=1, kernel_size_nd=(3, 3))
    np.testing.assert_array_equal(np.load(tmp_path / "y.npy"), expected)
    assert outputs[2].strip().startswith("0 problem(s)")


def test_the_data_files_are_the_original_pages_tensors():
    x, weight, _ = seed_tensors()
    np.testing.assert_array_equal(np.load(ROOT / "data" / "seed_input.npy"), x)
    np.testing.assert_array_equal(np.load(ROOT / "data" / "seed_kernel.npy"), weight.reshape(1, 1, 3, 3))
