"""The gallery on a machine without TensorRT: examples execute, TensorRT's runs are replayed.

Built with Sphinx's own test fixtures on a test root (``tests/roots/test-gallery``) that
holds the extension and sphinx-gallery and, copied in by each test, one real example
of ``examples/``. Also runs every example under the replay (all in one process,
:mod:`tests.examples_in_one_process`): ``tox`` therefore executes every example, and a broken
one fails here, by name.
"""

from __future__ import annotations

import gc
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from trtdeconv_docs.cassette import store as recordings
from trtdeconv_docs.cassette import mode
from trtdeconv_docs.sphinx_ext.gallery import not_replayable

from .support import examples_in_one_process

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
TEST_ROOT = Path(__file__).resolve().parent / "roots" / "test-gallery"
REPLAYABLE = sorted(p for p in EXAMPLES.glob("plot_*.py") if p.name not in not_replayable())


@pytest.fixture(scope="module")
def replayed():
    """Every replayable example run with TensorRT replayed, in one process."""
    return examples_in_one_process.run(REPLAYABLE, **{mode.VARIABLE: "replay"})


@pytest.mark.xdist_group("replayed-examples")  # one worker runs the examples (``replayed``), not every worker
@pytest.mark.parametrize("example", REPLAYABLE, ids=lambda p: p.stem)
def test_every_example_runs_on_cpu_with_tensorrt_replayed(replayed, example):
    assert replayed[example.name] == "", f"{example.name}:\n{replayed[example.name]}"


def _project(tmp_path: Path, example: str, edit=None) -> Path:
    """A copy of the test root with one example of ``examples/`` (after ``edit(text) -> text``)."""
    source = tmp_path / "source"
    shutil.copytree(TEST_ROOT, source)
    (source / "examples").mkdir()
    shutil.copy(EXAMPLES / "GALLERY_HEADER.rst", source / "examples")
    text = (EXAMPLES / example).read_text(encoding="utf-8")
    (source / "examples" / example).write_text(edit(text) if edit else text, encoding="utf-8")
    return source


def _build(make_app, source: Path):
    app = make_app("html", srcdir=source, freshenv=True)
    app.build()
    return app


def test_an_edited_comment_and_prose_rebuild_with_the_recorded_output(make_app, tmp_path):
    def edit(text):
        text = text.replace("对 1×1×3×3 的输入做 3×3 反卷积", "改过的说明文字：对 1×1×3×3 的输入做 3×3 反卷积")
        return text.replace("# input 1..9, kernel 10^4..10^-4, bias 0", "# an edited comment")

    app = _build(make_app, _project(tmp_path, "plot_01_base.py", edit))
    page = (Path(app.outdir) / "gallery" / "plot_01_base.html").read_text(encoding="utf-8")
    assert "改过的说明文字" in page and "an edited comment" in page
    assert "98765.43" in page and "outputs" not in app.warning.getvalue()
    assert gc.get_freeze_count() == 0  # the objects the build exempted from garbage collection are given back


def _build_in_a_process(source: Path, tmp_path: Path, **environment) -> subprocess.CompletedProcess:
    """``python -m sphinx`` on the project: a refused build ends the process, as it does for a reader.

    In a process of its own, not with the fixtures: the refusal is a ``SystemExit`` raised
    inside sphinx-gallery's execution, which leaves that in-process Sphinx half set up.
    """
    env = dict(os.environ, **environment)
    return subprocess.run([sys.executable, "-m", "sphinx", "-q", "-b", "html", str(source), str(tmp_path / "html")],
                          capture_output=True, text=True, env=env, timeout=300)


def test_a_changed_layer_parameter_fails_with_one_message(tmp_path):
    source = _project(tmp_path, "plot_03_stride.py", lambda text: text.replace("(2, 1), (1, 2)", "(3, 1), (1, 2)"))
    done = _build_in_a_process(source, tmp_path)
    assert done.returncode != 0
    message = done.stderr.strip().splitlines()[-1]
    assert message.startswith("trtdeconv-docs: plot_03_stride.py, run 'stride_nd=(3,1)': never recorded on a GPU")
    assert "python -m trtdeconv_docs.gpu_gallery" in message
    assert "Traceback" not in done.stderr and "report" not in done.stderr


def test_a_changed_recording_fails_the_build_naming_the_file(tmp_path):
    shutil.copytree(ROOT / "recordings", tmp_path / "recordings")
    path = tmp_path / "recordings" / "tensors" / "plot_01_base.json"
    path.write_text(path.read_text(encoding="utf-8").replace("98765.4", "98766.4", 1), encoding="utf-8")
    done = _build_in_a_process(_project(tmp_path, "plot_01_base.py"), tmp_path,
                               **{recordings.ROOT_VARIABLE: str(tmp_path / "recordings")})
    assert done.returncode != 0
    assert "recordings/tensors/plot_01_base.json: edited after the GPU run: revert the change" in done.stderr
    assert "Traceback" not in done.stderr


def test_the_one_process_runner_keeps_each_examples_failure_apart(tmp_path):
    broken, fine = tmp_path / "plot_broken.py", tmp_path / "plot_fine.py"
    broken.write_text("raise ValueError('broken on purpose')\n", encoding="utf-8")
    fine.write_text("print('fine')\n", encoding="utf-8")
    outcome = examples_in_one_process.run([broken, fine])
    assert "ValueError: broken on purpose" in outcome["plot_broken.py"] and outcome["plot_fine.py"] == ""
