"""tools/gpu/perf.sh end to end on CPU: the FAKE TensorRT (tests/support/fake_python_trt.py) stands for python-trt.

The script resumes from the committed recording, builds the narrowed plan's runs in the issue's order, keeps
every run measured before (and none carried from the earlier method), reports its progress per phase, resumes
from its own output on the next call, refuses another GPU's recording, and ``benchmark.merge`` publishes the
result. Nothing here says anything about TensorRT's speed.
"""

import json
import os
import shutil
import subprocess
import sys

import pytest

from trtdeconv_docs.benchmark import analysis, merge, plan
from trtdeconv_docs.cassette import store as recordings

from .support.paths import ROOT, environment_with_src

SCRIPT = ROOT / "tools" / "gpu" / "perf.sh"
COMMITTED = ROOT / "recordings" / "benchmark"
H100 = "NVIDIA H100 80GB HBM3"


@pytest.fixture()
def python_trt(tmp_path):
    wrapper = tmp_path / "python-trt"
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{ROOT / "tests" / "support" / "fake_python_trt.py"}" "$@"\n')
    wrapper.chmod(0o755)
    return wrapper


def perf(out, python_trt, gpu=H100, **env):
    if shutil.which("timeout") is None:
        pytest.skip("coreutils' timeout is missing")
    variables = environment_with_src(PYTHON_TRT=str(python_trt), FAKE_GPU_NAME=gpu, ONLY="idaup_f4",
                                     PRECISIONS="fp32", **env)
    return subprocess.run(["bash", str(SCRIPT), str(out)], cwd=ROOT, env=variables, capture_output=True, text=True,
                          timeout=900)


def test_perf_sh_resumes_the_committed_recording_and_merges(tmp_path, python_trt):
    out = tmp_path / "out"
    result = perf(out, python_trt)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    log = (out / "perf.log").read_text()
    assert "resuming from recordings/benchmark/tensorrt.json" in log and "phase 6: " in log
    document = json.loads((out / "tensorrt" / "tensorrt.json").read_text())
    committed = json.loads((COMMITTED / "tensorrt.json").read_text())
    kept = {r["id"] for r in committed["runs"] if r["status"] == "measured" and "earlier_method" not in r}
    runs = {r["id"]: r for r in document["runs"]}
    assert kept <= set(runs)
    assert {document["sessions"][runs[i]["session"]]["provenance"]["gpu"] for i in kept} == {H100}
    assert not any("earlier_method" in r for r in document["runs"])
    new = [r for r in document["runs"] if r["workload"] == "idaup_f4"]
    built = [run.id for run in plan.runs(["idaup_f4"], ("fp32",)) if run.skipped is None]
    assert [r["id"] for r in new if r["status"] == "measured"] == built
    assert document["provenance"]["gpu"] == H100 and document["sessions"][-1]["provenance"]["gpu"] == H100
    assert (out / "tensorrt" / "timing.cache").read_bytes() == b"fake-timing-cache"
    assert "plan complete" in log

    again = perf(out, python_trt)  # the next call resumes from its own output and builds nothing
    assert again.returncode == 0, again.stdout[-3000:]
    log = (out / "perf.log").read_text()
    assert f"resuming from {out}/tensorrt/resumed.json" in log
    second = json.loads((out / "tensorrt" / "tensorrt.json").read_text())
    assert {r["id"] for r in second["runs"]} == set(runs)
    assert all("session" in r for r in second["runs"] if r["status"] == "measured")  # every one kept, none made again
    assert "0 builds left" not in log and log.count("plan complete") == 2

    target = tmp_path / "recordings" / "benchmark"
    merge.merge(out / "tensorrt", COMMITTED, target, earlier=COMMITTED)
    assert recordings.verify_folder(target) == []
    bench = analysis.load(target)
    shown = {r["id"] for r in analysis.shown(bench.tensorrt_runs("idaup_f4"))}
    assert "idaup_f4/zero_insertion/fp32" in shown and "idaup_f4/deconvolution/fp32" in shown
    assert not shown & {"idaup_f4/resize/fp32", "idaup_f4/resize_conv/fp32"}  # labelled, never compared
    planned = {run.id for run in plan.runs()}
    assert {r["id"] for r in bench.tensorrt["runs"]} <= planned


def test_perf_sh_refuses_to_resume_another_gpus_recording(tmp_path, python_trt):
    result = perf(tmp_path / "out", python_trt, gpu="NVIDIA H200")
    assert result.returncode != 0
    assert "measured on 'NVIDIA H100 80GB HBM3', this GPU is 'NVIDIA H200'" in result.stdout + result.stderr
    assert not os.path.exists(tmp_path / "out" / "tensorrt" / "tensorrt.json")
