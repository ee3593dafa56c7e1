"""The README's command-line section works as written, from a checkout with the package installed."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np

from trtdeconv_docs.layer import reference
from trtdeconv_docs.example_data import seed_tensors

from .support.paths import environment_with_src

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
    installed = environment_with_src()
    done = [subprocess.run([sys.executable, *command[1:]], cwd=tmp_path, capture_output=True, text=True,
                           env=installed) for command in commands]
    for command, result in zip(commands[:2], done):
        assert result.returncode == 0, (command, result.stderr)
    assert done[0].stdout.strip() == "(1, 1, 7, 7)"
    x, weight, _ = seed_tensors()
    expected = reference.deconvolution(x, weight.reshape(1, 1, 3, 3), num_output_maps=1, kernel_size_nd=(3, 3))
    np.testing.assert_array_equal(np.load(tmp_path / "y.npy"), expected)
    # The check runs as written and reports on every catalog; whether the catalogs are clean is
    # tests/test_translations.py's question, so a translation problem fails there, not here.
    catalogs = len(list((tmp_path / "docs/locale").rglob("*.po")) + list((tmp_path / "src").rglob("*.po")))
    summary = re.fullmatch(r"(?s).*?(\d+) problem\(s\) in (\d+) catalog\(s\)\n", done[2].stdout)
    assert summary and int(summary.group(2)) == catalogs, (done[2].stdout[-300:], done[2].stderr)
    assert done[2].stderr == "" and done[2].returncode == (1 if int(summary.group(1)) else 0)


def test_the_data_files_are_the_original_pages_tensors():
    x, weight, _ = seed_tensors()
    np.testing.assert_array_equal(np.load(ROOT / "data" / "seed_input.npy"), x)
    np.testing.assert_array_equal(np.load(ROOT / "data" / "seed_kernel.npy"), weight.reshape(1, 1, 3, 3))
