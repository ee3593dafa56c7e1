"""plot_00's TensorRT runtime and cuda-python calls, logged and replayed (``cassette/runtime_calls``), on CPU.

The full-plumbing example as ``tools/gpu/plot_00_runtime_calls.patch`` makes it (applied to a
copy: it lands with its GPU recording) runs live against the FAKE TensorRT and cuda-python of
``tests/fake_tensorrt`` in the record mode; its recording, published into a temporary
``recordings/``, must replay without either, printing byte for byte what the live run printed,
and the gallery must then count the example as replayable. The committed recording, made before
the calls were logged, keeps the example out of the replay. Each mutation of the example (other
input bytes, a copy left out, another size, a call or read the recording lacks, weights changed
before the build) stops the replay with one line naming the call and the command to record it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from trtdeconv_docs.cassette import mode, store
from trtdeconv_docs.cassette.publisher import publish
from trtdeconv_docs.cassette.tensors import digest
from trtdeconv_docs.layer import reference
from trtdeconv_docs.layer.attributes import resolve
from trtdeconv_docs.sphinx_ext import gallery

from .support.paths import EXAMPLES, ROOT, environment_with_src

FAKE = Path(__file__).resolve().parent / "fake_tensorrt"
PATCH = ROOT / "tools" / "gpu" / "plot_00_runtime_calls.patch"
NAME = "plot_00_full_plumbing.py"
PROVENANCE = {"tensorrt": "8.6.0", "cuda_runtime": "12.9", "cuda_driver": "13.0", "gpu": "fake (tests/fake_tensorrt)",
              "compute_capability": "0.0", "python": "3.9.2", "numpy": "2.0.2", "date": "2026-01-02T03:04:05Z"}
SITE = f"from trtdeconv_docs.cassette import publisher\npublisher.gpu_provenance = lambda: {PROVENANCE!r}\n"
"""The fakes' provenance, for ``sitecustomize`` or a script's first lines (``gpu_provenance`` asks the GPU)."""
LIVE = SITE + "import runpy, sys\nrunpy.run_path(sys.argv[1], run_name='__main__')\n"


def _patched(folder: Path) -> Path:
    """``examples/plot_00_full_plumbing.py`` with the patch applied (while it exists), in ``folder/examples``."""
    (folder / "examples").mkdir(parents=True)
    shutil.copy(EXAMPLES / NAME, folder / "examples" / NAME)
    if not PATCH.is_file():
        return folder / "examples" / NAME
    done = subprocess.run(["git", "apply", "--include=examples/*", str(PATCH)], cwd=folder, capture_output=True,
                          text=True)
    assert done.returncode == 0, f"{PATCH.name} no longer applies to examples/{NAME}: {done.stderr}"
    return folder / "examples" / NAME


def _python(example: Path, *arguments: str, fake: bool = False, **environment) -> subprocess.CompletedProcess:
    env = environment_with_src(**environment)
    if fake:
        env["PYTHONPATH"] = f"{FAKE}{os.pathsep}{env['PYTHONPATH']}"
    return subprocess.run([sys.executable, *arguments, str(example)], cwd=example.parent, capture_output=True,
                          text=True, timeout=120, env=env)


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    """(the patched example, the recordings folder its live run on the fakes was published to, what it printed)."""
    folder = tmp_path_factory.mktemp("plot00")
    example = _patched(folder)
    (folder / "live.py").write_text(LIVE, encoding="utf-8")
    scratch, recordings = folder / "scratch", folder / "recordings"
    live = _python(example, str(folder / "live.py"), fake=True, **{mode.VARIABLE: f"record:{scratch}"})
    assert live.returncode == 0, live.stderr[-3000:]
    document = json.loads((scratch / "plot_00_full_plumbing.json").read_text(encoding="utf-8"))
    publish(scratch, recordings / "tensors", document["provenance"], command="tests/test_runtime_calls.py (fake)")
    return example, recordings, live.stdout


def _replay(example: Path, recordings: Path, **environment) -> subprocess.CompletedProcess:
    return _python(example, **{mode.VARIABLE: "replay", store.ROOT_VARIABLE: str(recordings), **environment})


def _run(recordings: Path):
    (run,) = json.loads((recordings / "tensors" / "plot_00_full_plumbing.json").read_text(encoding="utf-8"))["runs"]
    return run


def test_the_live_run_logs_every_runtime_call_with_handles_and_host_digests(recorded):
    _, recordings, _ = recorded
    run = _run(recordings)
    calls = run["runtime_calls"]
    assert run["calls"] is None and "runtime_calls" in run
    made = [(c["on"], c.get("call") or c.get("get")) for c in calls]
    for expected in [("trt", "Builder"), ("o2", "build_serialized_network"), ("trt", "Runtime"),
                     ("o6", "deserialize_cuda_engine"), ("o7", "create_execution_context"), ("o7", "num_io_tensors"),
                     ("cudart", "cudaStreamCreate"), ("o8", "execute_async_v3"), ("cudart", "cudaStreamSynchronize"),
                     ("cudart", "cudaFree"), ("cudart", "cudaStreamDestroy")]:
        assert expected in made
    mallocs = [c for c in calls if c.get("call") == "cudaMalloc"]
    assert [c["args"] for c in mallocs] == [[36], [100]]  # 1x1x3x3 and 1x1x5x5 float32
    assert [c["value"][1] for c in mallocs] == [{"handle": "d1"}, {"handle": "d2"}]
    addresses = [c["args"] for c in calls if c.get("call") == "set_tensor_address"]
    assert [a[1] for a in addresses] == [{"handle": "d1"}, {"handle": "d2"}]
    assert next(c for c in calls if c.get("call") == "execute_async_v3")["args"] == [{"handle": "s1"}]
    to_device, to_host = [c for c in calls if c.get("call") == "cudaMemcpyAsync"]
    (input_data,), (output_data,) = run["inputs"].values(), run["outputs"].values()

    def raw(data):
        return digest(np.frombuffer(np.asarray(data["values"], data["dtype"]).tobytes(), np.uint8))

    assert to_device["args"][:2] == [{"handle": "d1"}, {"host": raw(input_data)}]
    assert to_host["args"][:2] == [{"host_written": raw(output_data)}, {"handle": "d2"}]
    assert to_device["args"][3] == {"enum": "cudaMemcpyKind.cudaMemcpyHostToDevice"}


def test_the_recording_replays_without_tensorrt_or_cuda_printing_the_same(recorded):
    example, recordings, live = recorded
    replayed = _replay(example, recordings)
    assert replayed.returncode == 0, replayed.stderr[-3000:]
    assert replayed.stdout == live
    assert "outputH0: (1, 1, 5, 5)" in live  # the fake engine's output, copied back by the replay


@pytest.mark.parametrize("version", ["10", "11"])
def test_the_recording_answers_the_api_check_of_tensorrt_10_and_11(recorded, version):
    example, recordings, _ = recorded
    checked = _python(example, **{mode.VARIABLE: f"api-check:{version}", store.ROOT_VARIABLE: str(recordings)})
    assert checked.returncode == 0, checked.stderr[-3000:]


@pytest.fixture(scope="module")
def recorded_without_log(recorded, tmp_path_factory):
    """The same recording as a GPU run made before the runtime calls were logged writes it (the committed plot_00's
    state until its re-record): published into a recordings folder of its own."""
    _, recordings, _ = recorded
    scratch, other = tmp_path_factory.mktemp("scratch"), tmp_path_factory.mktemp("old") / "recordings"
    document = json.loads((recordings / "tensors" / "plot_00_full_plumbing.json").read_text(encoding="utf-8"))
    del document["runs"][0]["runtime_calls"]
    (scratch / "plot_00_full_plumbing.json").write_text(json.dumps(document), encoding="utf-8")
    publish(scratch, other / "tensors", document["provenance"], command="tests/test_runtime_calls.py (fake, no log)")
    return other


def test_a_recording_without_the_runtime_calls_keeps_the_exception(recorded, recorded_without_log, monkeypatch,
                                                                      tmp_path):
    example, _, _ = recorded
    monkeypatch.setenv(store.ROOT_VARIABLE, str(recorded_without_log))
    assert gallery.not_replayable() == (NAME,)
    if not mode.current().uses_tensorrt:
        assert gallery.executed_examples_pattern() == r"/(?!plot_00_full_plumbing\.py)plot_"
    assert gallery.recording_problems(example.parent) == []  # the source it was recorded from
    edited = tmp_path / NAME
    edited.write_text(example.read_text(encoding="utf-8").replace("建网络并构建引擎。", "建网络，构建引擎。"), encoding="utf-8")
    assert gallery.recording_problems(tmp_path) == [
        f"{NAME}: changed since its GPU recording, and it cannot be replayed (it calls CUDA itself); "
        "record it on a machine with TensorRT and a GPU: `python -m trtdeconv_docs.gpu_gallery` "
        "(README: Refreshing the recordings), then commit recordings/"]
    replayed = _replay(example, recorded_without_log)
    assert replayed.returncode != 0
    assert replayed.stderr.strip().splitlines() == [
        f"trtdeconv-docs: {NAME}, run 'base_full_plumbing': recorded before its runtime calls were logged, so it "
        "cannot be replayed; record it on a machine with TensorRT and a GPU: `python -m trtdeconv_docs.gpu_gallery` "
        "(README: Refreshing the recordings), then commit recordings/"]


def test_a_recording_with_the_runtime_calls_lifts_the_exception(recorded, monkeypatch, tmp_path):
    example, recordings, _ = recorded
    monkeypatch.setenv(store.ROOT_VARIABLE, str(recordings))
    assert gallery.not_replayable() == ()
    assert gallery.executed_examples_pattern() == r"/plot_"
    edited = tmp_path / NAME  # a changed source is judged by the replay, call by call, as for every example
    edited.write_text(example.read_text(encoding="utf-8").replace("建网络并构建引擎。", "建网络，构建引擎。"), encoding="utf-8")
    assert gallery.recording_problems(tmp_path) == []


def test_the_committed_recording_is_excepted_exactly_while_it_lacks_the_runtime_calls():
    from trtdeconv_docs.cassette.recording import Recording, path_of

    logged = all(run.runtime_calls is not None for run in Recording.read(path_of(NAME)).runs)
    assert (NAME in gallery.not_replayable()) is not logged
    assert PATCH.is_file() is not logged, f"{PATCH} lands with plot_00's GPU recording, and goes with it"


MUTATIONS = {
    # other input bytes: the host-to-device copy reads other bytes
    "input-bytes": (("np.arange(1, 1 + nIn", "np.arange(2, 2 + nIn"),
                    'cudart.cudaMemcpyAsync({"handle": "d1"}, {"host": '),
    # the device-to-host copy left out: the synchronization comes where the recording has the copy
    "d2h-missing": (("cudart.cudaMemcpyAsync(host[outputName].ctypes.data", "(host[outputName].ctypes.data"),
                    'cudart.cudaStreamSynchronize({"handle": "s1"}), differs from its GPU recording '
                    '(cudart.cudaMemcpyAsync({"host_written": '),
    # another size allocated
    "malloc-size": (("cudart.cudaMalloc(host[name].nbytes)", "cudart.cudaMalloc(host[name].nbytes + 4)"),
                    "runtime call 25, cudart.cudaMalloc(40), differs from its GPU recording (cudart.cudaMalloc(36))"),
    # a call the recording does not hold
    "extra-call": (("for pointer in device.values():", "cudart.cudaDeviceSynchronize()\nfor pointer in device.values():"),
                   "cudart.cudaDeviceSynchronize(), differs from its GPU recording (cudart.cudaFree("),
    # a cuda-python call the log cannot record at all
    "unlogged-call": (("_, stream = cudart.cudaStreamCreate()", "cudart.cudaMallocHost(16)\n_, stream = cudart.cudaStreamCreate()"),
                      "cudart.cudaMallocHost: the runtime log records only the cuda-python calls"),
    # an attribute the recording never read
    "extra-read": (("context = engine.create_execution_context()",
                    "context = engine.create_execution_context()\nprint(engine.num_layers)"),
                   "runtime call 16, o7.num_layers, differs from its GPU recording (o7.num_io_tensors)"),
    # the weights changed after add_deconvolution_nd, before the build reads them
    "weights-after-call": (("network.mark_output(", "weight[0] = 7\nnetwork.mark_output("),
                           "runtime call 9, o3.add_deconvolution_nd("),
    # the stream never synchronized before the memory is freed
    "never-synchronized": (("cudart.cudaStreamSynchronize(stream)", "pass"),
                           'cudart.cudaFree({"handle": "d1"}), differs from its GPU recording '
                           '(cudart.cudaStreamSynchronize({"handle": "s1"}))'),
    # record() given another input than the one copied to the device
    "record-other-input": (('{"inputT0": data}', '{"inputT0": data * 2}'),
                           "the inputs given to record() (inputT0) are not the GPU run's (inputT0)"),
    # the recorded end of the run never made
    "destroy-missing": (("cudart.cudaStreamDestroy(stream)", "pass"),
                        'runtime call 37, cudart.cudaStreamDestroy({"handle": "s1"}), was recorded on the GPU but '
                        'never made'),
}


@pytest.mark.parametrize("mutation", MUTATIONS)
def test_a_mutated_example_is_a_one_line_replay_miss_naming_the_call(recorded, tmp_path, mutation):
    example, recordings, _ = recorded
    (old, new), expected = MUTATIONS[mutation]
    text = example.read_text(encoding="utf-8")
    assert old in text
    mutated = tmp_path / NAME
    mutated.write_text(text.replace(old, new, 1), encoding="utf-8")
    replayed = _replay(mutated, recordings)
    assert replayed.returncode != 0
    lines = replayed.stderr.strip().splitlines()
    assert len(lines) == 1, replayed.stderr[-3000:]
    assert lines[0].startswith(f"trtdeconv-docs: {NAME}, run 'base_full_plumbing': ")
    assert expected in lines[0]
    assert lines[0].endswith("`python -m trtdeconv_docs.gpu_gallery` (README: Refreshing the recordings), "
                             "then commit recordings/")



def test_the_gpu_script_records_plot_00_and_checks_it_live_against_replay_on_the_fakes(tmp_path):
    checkout, out, site = tmp_path / "checkout", tmp_path / "out", tmp_path / "site"
    shutil.copytree(ROOT, checkout, ignore=shutil.ignore_patterns(".git", ".tox", "build", "__pycache__"))
    if PATCH.is_file():
        subprocess.run(["git", "apply", str(PATCH)], cwd=checkout, check=True, capture_output=True)
    site.mkdir()
    (site / "sitecustomize.py").write_text(SITE, encoding="utf-8")  # the fakes' provenance, in every process
    python_trt = tmp_path / "python-trt"
    python_trt.write_text(f'#!/bin/sh\nPYTHONPATH="{FAKE}:{site}:$PYTHONPATH" exec "{sys.executable}" "$@"\n')
    python_trt.chmod(0o755)
    done = subprocess.run(["bash", "tools/gpu/plot00.sh", str(out)], cwd=checkout, capture_output=True, text=True,
                          timeout=600, env=dict(os.environ, PYTHON_TRT=str(python_trt), EXAMPLES=NAME,
                                                LIVE="plot_00", SKIP_REVERIFY="1"))
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    (run,) = json.loads((out / "tensors" / "plot_00_full_plumbing.json").read_text(encoding="utf-8"))["runs"]
    assert run["runtime_calls"]
    store.verify_file(out / "tensors" / "plot_00_full_plumbing.json")
    assert "1 passed" in (out / "live_vs_replay.log").read_text(encoding="utf-8")
    # why the script records every example on a GPU: a manifest holds one run's provenance, which the examples
    # recorded before (here: kept from the H100 run) do not share
    problems = store.verify_folder(out / "tensors")
    assert len(problems) == len(store.listed(out / "tensors", ".json")) - 1
    assert all("its provenance says" in p for p in problems)


def test_the_gallery_runs_the_example_replayed_and_shows_its_output(recorded, tmp_path):
    """The Sphinx build of the test root, the example executed by sphinx-gallery (which then inspects its names)."""
    example, recordings, live = recorded
    source = tmp_path / "source"
    shutil.copytree(ROOT / "tests" / "roots" / "test-gallery", source)
    (source / "examples").mkdir()
    shutil.copy(EXAMPLES / "GALLERY_HEADER.rst", source / "examples")
    shutil.copy(example, source / "examples" / NAME)
    done = subprocess.run([sys.executable, "-m", "sphinx", "-q", "-b", "html", str(source), str(tmp_path / "html")],
                          capture_output=True, text=True, timeout=300,
                          env=environment_with_src(**{store.ROOT_VARIABLE: str(recordings), mode.VARIABLE: "replay"}))
    assert done.returncode == 0, done.stderr[-3000:]
    page = (tmp_path / "html" / "gallery" / "plot_00_full_plumbing.html").read_text(encoding="utf-8")
    # the fake engine's output (the float64 reference's deconvolution of the example's input and kernel), as the live
    # run printed it, shown replayed
    last_row = live.strip().splitlines()[-1].strip(" []")
    expected = reference.deconvolve(np.arange(1.0, 10.0).reshape(1, 1, 3, 3), 10.0 ** np.arange(4, -5, -1), np.zeros(1),
                                    resolve(num_output_maps=1, kernel_size_nd=(3, 3)))
    assert np.allclose([float(v) for v in last_row.split()], expected[0, 0, -1], rtol=1e-6)
    assert "outputH0: (1, 1, 5, 5)" in page and last_row in page
    # the test root's own warnings (no thumbnails, no toctree for the gallery header) are not the example's
    assert not [line for line in done.stderr.splitlines() if "WARNING" in line and "plot_00_full_plumbing.html" in line]
    assert "trtdeconv-docs" not in done.stderr and "Traceback" not in done.stderr
