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
import pytest

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
    assert [command[2] for command in commands] == ["trtdeconv_docs"] * 3 + ["trtdeconv_docs.translation_check"]
    installed = environment_with_src()
    done = [subprocess.run([sys.executable, *command[1:]], cwd=tmp_path, capture_output=True, text=True,
                           env=installed) for command in commands]
    for command, result in zip(commands[:3], done):
        assert result.returncode == 0, (command, result.stderr)
    assert done[0].stdout.strip() == "(1, 1, 7, 7)"
    assert "--padding-mode MODE" in done[1].stdout
    x, weight, _ = seed_tensors()
    expected = reference.deconvolution(x, weight.reshape(1, 1, 3, 3), num_output_maps=1, kernel_size_nd=(3, 3))
    np.testing.assert_array_equal(np.load(tmp_path / "y.npy"), expected)
    # The check runs as written and reports on every catalog; whether the catalogs are clean is
    # tests/test_translations.py's question, so a translation problem fails there, not here.
    catalogs = len(list((tmp_path / "docs/locale").rglob("*.po")) + list((tmp_path / "src").rglob("*.po")))
    summary = re.fullmatch(r"(?s).*?(\d+) problem\(s\) in (\d+) catalog\(s\)\n", done[3].stdout)
    assert summary and int(summary.group(2)) == catalogs, (done[3].stdout[-300:], done[3].stderr)
    assert done[3].stderr == "" and done[3].returncode == (1 if int(summary.group(1)) else 0)


def test_the_data_files_are_the_original_pages_tensors():
    x, weight, _ = seed_tensors()
    np.testing.assert_array_equal(np.load(ROOT / "data" / "seed_input.npy"), x)
    np.testing.assert_array_equal(np.load(ROOT / "data" / "seed_kernel.npy"), weight.reshape(1, 1, 3, 3))


def _index_reachable(host: str = "pypi.org") -> bool:
    import socket

    try:
        socket.create_connection((host, 443), timeout=3).close()
        return True
    except OSError:
        return False


def test_the_readme_command_line_section_runs_in_a_fresh_virtual_environment(tmp_path):
    """Every line of the section's bash block, in order, in a new venv: ``pip install -e .`` must install what the
    later commands import (babel for translation_check, issue 22). Needs the package index (PyPI)."""
    if not _index_reachable():
        pytest.skip("the package index (pypi.org) is not reachable: pip cannot install the package in a fresh venv")
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE", "NOTICE"):
        shutil.copy2(ROOT / name, checkout / name)
    for folder in ("src", "data", "docs/locale"):  # what the section reads
        shutil.copytree(ROOT / folder, checkout / folder, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    bin_dir = venv / ("Scripts" if sys.platform == "win32" else "bin")
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PATH"] = os.pathsep.join([str(bin_dir), env.get("PATH", "")])
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Command line\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, re.DOTALL).group(1)
    lines = [line for line in block.splitlines() if line.strip() and not line.startswith("#")]
    assert lines[0] == "python -m pip install -e ."
    for line in lines:
        result = subprocess.run(shlex.split(line), cwd=checkout, env=env, capture_output=True, text=True, timeout=600)
        assert result.returncode in (0, 1) and "Traceback" not in result.stderr, (line, result.stderr[-2000:])
        if "translation_check" not in line:  # the check's status says whether the catalogs are clean (test_translations)
            assert result.returncode == 0, (line, result.stderr[-2000:])
