"""The session's live path on a FAKE TensorRT (tests/fake_tensorrt): what it records, and that replay prints the same.

The fake imitates two behaviours of TensorRT 8.6 that the harness must keep apart: a
setter given an out-of-range value logs an error and keeps the old value (the engine then
builds, and computes with the old value: an *ignored setter*, recorded as ``definition_errors``),
and a build that produces no engine (a *refusal*, recorded as ``refused``). The example below
runs live against the fake (the engine module's own execute, on the fake's GPU), its recording
is published to a temporary folder, and the same script replayed from it must print byte for
byte what it printed live.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np

from trtdeconv_docs.cassette.tensors import decode
from trtdeconv_docs.layer import reference
from trtdeconv_docs.layer.attributes import resolve

from .support.paths import environment_with_src

FAKE = Path(__file__).resolve().parent / "fake_tensorrt"

LIVE = textwrap.dedent('''
    from trtdeconv_docs.cassette import publisher
    publisher.gpu_provenance = lambda: {"tensorrt": "8.6.0", "gpu": "fake (tests/fake_tensorrt)",
                                        "date": "2026-01-02T03:04:05Z"}
    import runpy, sys
    runpy.run_path(sys.argv[1], run_name="__main__")
''')

EXAMPLE = textwrap.dedent('''
    import numpy as np
    from trtdeconv_docs.example_support import run_or_print_refusal
    from trtdeconv_docs.session import Session

    def layer(label, kernel_count=9, cache="shared", selector=False, **checked):
        session = Session(timing_cache=cache, algorithm_selector=selector)
        x = session.add_input("x", np.ones((1, 1, 3, 3), np.float32))
        deconvolution = session.network.add_deconvolution_nd(x, 1, (3, 3), np.ones(kernel_count, np.float32),
                                                              np.zeros(1, np.float32))
        deconvolution.name = "deconv"
        for name, value in checked.items():
            session.set_checked(deconvolution, name, value)
        print(run_or_print_refusal(session, label, deconvolution, show=False))
        print(json.dumps(session.setters), session.definition_errors)

    import json
    layer("ignored", padding_nd=(-1, -1), stride_nd=(2, 2))
    layer("refused", kernel_count=8)
    layer("fresh_cache", cache="fresh", selector=True)
''')


def _python(script: Path, example: Path, fake: bool = False, **environment) -> str:
    env = environment_with_src(**environment)
    if fake:
        env["PYTHONPATH"] = f"{FAKE}{os.pathsep}{env['PYTHONPATH']}"
    done = subprocess.run([sys.executable, str(script), str(example)], cwd=example.parent, capture_output=True,
                          text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_an_ignored_setter_is_recorded_as_built_and_a_refusal_as_refused_and_replay_prints_the_same(tmp_path):
    from trtdeconv_docs.cassette.publisher import publish

    example, runner, scratch = tmp_path / "plot_fake.py", tmp_path / "live.py", tmp_path / "scratch"
    example.write_text(EXAMPLE, encoding="utf-8")
    runner.write_text(LIVE, encoding="utf-8")
    live = _python(runner, example, fake=True, TRTDECONV_MODE=f"record:{scratch}")
    runs = {run["label"]: run for run in json.loads((scratch / "plot_fake.json").read_text())["runs"]}

    ignored = runs["ignored"]
    assert "refused" not in ignored and "outputs" in ignored
    assert ignored["definition_errors"] == ["[ERROR] 3: Parameter check failed at: set padding_nd"]
    assert [(s["attribute"], s["value"], s["raised"], s["read_back"]) for s in ignored["setters"]] == [
        ("padding_nd", [-1, -1], None, [0, 0]), ("stride_nd", [2, 2], None, [2, 2])]
    assert ignored["setters"][0]["logged"] == ignored["definition_errors"] and ignored["setters"][1]["logged"] == []
    assert ignored["network"]["layers"][0]["attributes"]["padding_nd"] == [0, 0]
    assert "TensorRT built the network (ignored) but ignored a call" in live
    # the engine the fake built kept the old padding and took the stride: the float64 reference of that layer
    (output,) = ignored["outputs"].values()
    kept = resolve(num_output_maps=1, kernel_size_nd=(3, 3), stride_nd=(2, 2), padding_nd=(0, 0))
    assert np.array_equal(decode(output), reference.deconvolve(np.ones((1, 1, 3, 3)), np.ones(9), np.zeros(1), kept))

    assert runs["refused"]["refused"] == ["[ERROR] 3: kernel weights has count 8 but 9 was expected"]
    assert "TensorRT refused to build the network (refused):" in live
    assert runs["fresh_cache"]["settings"]["timing_cache"] == "fresh"
    assert runs["fresh_cache"]["settings"]["algorithm_selector"] == "lowest_tactic"
    assert not {"timing_cache", "algorithm_selector"} & set(ignored["settings"])

    publish(scratch, tmp_path / "recordings" / "tensors", json.loads((scratch / "plot_fake.json").read_text())[
        "provenance"], command="tests/test_session_live.py (fake)")
    replayed = _python(example, example, TRTDECONV_MODE="replay", TRTDECONV_RECORDINGS=str(tmp_path / "recordings"))
    assert replayed == live


def test_the_algorithm_selector_takes_the_lowest_implementation_and_tactic(monkeypatch):
    import importlib.util
    from types import SimpleNamespace

    def load(name, path):
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        monkeypatch.setitem(sys.modules, name, module)  # removed again after the test
        spec.loader.exec_module(module)
        return module

    load("tensorrt", FAKE / "tensorrt.py")
    selector = load("trtdeconv_docs.trt.tactic_selector",
                    Path(__file__).resolve().parents[1] / "src" / "trtdeconv_docs" / "trt" / "tactic_selector.py")
    choices = [SimpleNamespace(algorithm_variant=SimpleNamespace(implementation=i, tactic=t))
               for i, t in [(5, 1), (2, 9), (2, -3), (7, -100)]]
    assert selector.LowestTactic().select_algorithms(None, choices) == [2]
