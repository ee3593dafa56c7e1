"""The recorded gallery: complete, fresh, and refused loudly when an example changes."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from trtdeconv_docs import recording
from trtdeconv_docs.dependencies import PACKAGE_DIR, package_modules
from trtdeconv_docs.sphinx_ext.gallery import stale_examples

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
RECORDINGS = ROOT / "recordings"


def test_every_example_has_a_fresh_gpu_recording():
    assert stale_examples(EXAMPLES, RECORDINGS) == []


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("plot_*.py")))
def test_recorded_gallery_page_shows_output(example):
    page = (RECORDINGS / "gallery" / example).with_suffix(".rst").read_text(encoding="utf-8")
    images = re.findall(r"^\s*\.\. image-sg:: /gallery/(images/\S+)", page, re.MULTILINE)
    assert ".. rst-class:: sphx-glr-script-out" in page or images, f"{example}: recorded page shows no output"
    for image in images:
        assert (RECORDINGS / "gallery" / image).is_file(), f"{example}: {image} was not recorded"


def test_an_appended_line_makes_the_example_stale(tmp_path):
    examples = tmp_path / "examples"
    shutil.copytree(EXAMPLES, examples)
    shutil.copytree(RECORDINGS, tmp_path / "recordings")
    target = sorted(examples.glob("plot_*.py"))[1]
    with target.open("a", encoding="utf-8") as handle:
        handle.write("print('one more line')\n")
    assert stale_examples(examples, tmp_path / "recordings") == [f"{target.name}: changed since its GPU recording"]


def test_a_changed_package_module_makes_exactly_the_examples_that_run_it_stale(tmp_path):
    package = tmp_path / PACKAGE_DIR.name
    shutil.copytree(PACKAGE_DIR, package, ignore=shutil.ignore_patterns("__pycache__"))
    with (package / "pictures.py").open("a", encoding="utf-8") as handle:
        handle.write("# one more line\n")
    assert stale_examples(EXAMPLES, RECORDINGS, package) == [
        f"{name}: trtdeconv_docs/pictures.py changed since its GPU recording"
        for name in ("plot_20_pictures_gather.py", "plot_21_pictures_groups_and_sizes.py")]


def test_examples_run_the_modules_they_import_and_what_those_import():
    pictures = {path.name for path in package_modules(EXAMPLES / "plot_20_pictures_gather.py")}
    assert {"pictures.py", "shapes.py", "attributes.py"} <= pictures and "session.py" not in pictures
    engine = {path.name for path in package_modules(EXAMPLES / "plot_01_base.py")}
    assert {"session.py", "recording.py", "cuda_runtime.py", "example_data.py"} <= engine
    assert "pictures.py" not in engine and "sphinx_ext" not in {p.parent.name for p in package_modules(EXAMPLES / "plot_01_base.py")}


def test_recordings_without_module_hashes_are_stale(tmp_path):
    shutil.copytree(RECORDINGS, tmp_path / "recordings")
    (tmp_path / "recordings" / "dependencies.json").unlink()
    problems = stale_examples(EXAMPLES, tmp_path / "recordings")
    assert len(problems) == len(list(EXAMPLES.glob("plot_*.py")))
    assert all(problem.endswith(": the package modules it runs were not recorded") for problem in problems)


def test_a_removed_example_is_not_dropped_silently(tmp_path):
    examples = tmp_path / "examples"
    shutil.copytree(EXAMPLES, examples)
    removed = sorted(examples.glob("plot_*.py"))[-1]
    removed.unlink()
    problems = stale_examples(examples, RECORDINGS)
    assert f"{removed.name}: recorded, but the example no longer exists" in problems


@pytest.mark.parametrize("path", sorted((RECORDINGS / "tensors").glob("*.json")), ids=lambda p: p.stem)
def test_recording_carries_provenance(path):
    document = recording.load(path)
    provenance = document["provenance"]
    assert set(provenance) >= {"tensorrt", "cuda_runtime", "cuda_driver", "gpu", "python", "date"}
    assert document["source"] == recording.source_hashes(EXAMPLES / document["example"])
    assert document["runs"], f"{path.name} has no runs"


def test_building_after_changing_an_example_fails_with_one_clear_message(tmp_path):
    for folder in ("docs", "examples", "recordings"):
        shutil.copytree(ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("gallery", "_build"))
    shutil.copytree(RECORDINGS / "gallery", tmp_path / "recordings" / "gallery")
    with (tmp_path / "examples" / "plot_03_stride.py").open("a", encoding="utf-8") as handle:
        handle.write("print('one more line')\n")
    build = subprocess.run([sys.executable, "-m", "sphinx", "-q", "-b", "html", str(tmp_path / "docs"),
                            str(tmp_path / "html")], capture_output=True, text=True, timeout=300)
    assert build.returncode != 0
    assert "plot_03_stride.py: changed since its GPU recording" in build.stderr
    assert "tox -e gpu-gallery" in build.stderr
    assert "report" not in build.stderr and "Traceback" not in build.stderr
