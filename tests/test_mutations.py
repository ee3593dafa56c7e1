"""Issue 18's mutations: each one, applied to a private copy, fails loudly, naming the file and the fix.

An adversarial review found changes that passed every check (forged recordings, a mode
switched from inside an example, replays TensorRT would refuse, crashes instead of one
line). Each is a test here, in classes by what it attacks:

* ``RECORDINGS``: edits to ``recordings/`` (values, manifests, provenance, benchmark summaries,
  the re-verification report), checked by what the build checks
  (:func:`trtdeconv_docs.sphinx_ext.gallery.recording_problems`, the benchmark's loader);
* ``EXAMPLES``: edits to an example (the mode changed from inside it, arguments TensorRT's
  binding refuses, weights changed after the call), run by the examples' runner under replay;
* ``COMMAND_LINE``: inputs to ``trtdeconv-docs`` that used to end in a traceback;
* the site's own refusals (API-check mode, non-UTF-8 page, no MathJax offline, a ``trt-output``
  outside the recordings) and the test suite's.

Nothing here touches the checkout: every mutation works on a copy under ``tmp_path``.
"""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
import sys
from pathlib import Path
from typing import Callable, List

import numpy as np
import pytest

from trtdeconv_docs import cli
from trtdeconv_docs.benchmark import analysis
from trtdeconv_docs.cassette import mode, reverification, store
from trtdeconv_docs.cassette.publisher import publish, write_json, write_root
from trtdeconv_docs.errors import RecordingError
from trtdeconv_docs.sphinx_ext import gallery

from .support.paths import EXAMPLES, RECORDINGS, ROOT, environment_with_src


# Recordings ---------------------------------------------------------------------------------------


def _json(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


def _republish(root: Path, folder: str, edit: Callable[[Path], None]) -> None:
    """What a forger with the project's own writer does: edit the files, publish the folder again (new hashes, new root)."""
    scratch = root.parent / f"scratch-{folder}"
    shutil.copytree(root / folder, scratch)
    (scratch / store.MANIFEST).unlink()
    edit(scratch)
    publish(scratch, root / folder, store.provenance(root / folder), command="a forger")
    shutil.rmtree(scratch)


def _rewrite(path: Path, change) -> None:
    document = _json(path)
    change(document)
    write_json(path, document)


def _first_output(document):
    run = next(r for r in document["runs"] if "outputs" in r)
    return next(iter(run["outputs"].values()))["values"]


def _eighth_digit(document):
    values = _first_output(document)
    values[0] = float(np.float32(values[0]) * np.float32(1 + 3e-7))


def _pin_reverification(root: Path) -> None:
    """A re-verification report that reproduced today's tensors/ and conformance/ (as the GPU routine writes it)."""
    report = {"format": reverification.FORMAT, "compared": "2026-12-01T00:00:00Z",
              "fresh_provenance": store.provenance(root / "tensors"), "examples": [],
              "committed_manifests": {name: store.sha256(root / name / store.MANIFEST) for name in ("tensors", "conformance")},
              "summary": {"examples": {"identical": 56, "last_bits": 0, "differs": 0}}}
    reverification.publish_report(report, root / reverification.FOLDER, "tests/test_mutations.py")


def _republish_unverified(root: Path, folder: str, edit: Callable[[Path], None]) -> None:
    """:func:`_republish`, and a re-verification report pinned to tensors/ and conformance/ only (not ``folder``)."""
    _republish(root, folder, edit)
    _pin_reverification(root)


def _edit_manifest(root: Path, folder: str, change) -> None:
    _rewrite(root / folder / store.MANIFEST, change)


def _benchmark_run(document):
    return next(r for r in document["runs"] if r.get("samples_ms"))


def _halve_samples(document):
    run = _benchmark_run(document)
    run["samples_ms"] = run["samples_ms"][::2]
    run["latency_ms"].update(analysis.statistics(run["samples_ms"]))


RECORDINGS_MUTATIONS = {
    # a value changed in the 8th digit, nothing else
    "tensors-value-8th-digit": (lambda r: _rewrite(r / "tensors/plot_01_base.json", _eighth_digit),
                                "tensors/plot_01_base.json", "edited after the GPU run: revert"),
    # the same, its hash redone in the manifest by hand
    "tensors-value-hash-redone": (lambda r: (_rewrite(r / "tensors/plot_01_base.json", _eighth_digit),
                                             _edit_manifest(r, "tensors", lambda m: m["files"].update(
                                                 {"plot_01_base.json": store.sha256(r / "tensors/plot_01_base.json")}))),
                                  "ROOT.json: tensors/MANIFEST.json does not chain", "revert it"),
    # the same, published again with the project's own writer, after a GPU re-verification
    "tensors-value-republished": (lambda r: (_pin_reverification(r), _republish(
        r, "tensors", lambda s: _rewrite(s / "plot_01_base.json", _eighth_digit))),
                                  "tensors/MANIFEST.json: changed since the GPU re-verification", "reverify.sh"),
    # a run whose outputs were made elsewhere (here: reversed), published with the project's writer
    "tensors-forged-run-published": (lambda r: (_pin_reverification(r), _republish(
        r, "tensors", lambda s: _rewrite(s / "plot_03_stride.json", lambda d: _first_output(d).reverse()))),
        "tensors/MANIFEST.json: changed since the GPU re-verification", "record"),
    # a recording's own provenance says another GPU, republished
    "tensors-provenance-gpu": (lambda r: _republish(r, "tensors", lambda s: _rewrite(
        s / "plot_01_base.json", lambda d: d["provenance"].update(gpu="NVIDIA GH200"))),
                               "plot_01_base.json: its provenance says gpu='NVIDIA GH200'", "kept once, in the manifest"),
    # ... another TensorRT
    "tensors-provenance-tensorrt": (lambda r: _republish(r, "tensors", lambda s: _rewrite(
        s / "plot_12_tf32.json", lambda d: d["provenance"].update(tensorrt="10.0.0"))),
                                    "plot_12_tf32.json: its provenance says tensorrt='10.0.0'", "record again"),
    # ... a date after its manifest's
    "tensors-provenance-date": (lambda r: _republish(r, "tensors", lambda s: _rewrite(
        s / "plot_09_3d.json", lambda d: d["provenance"].update(date="2027-01-01T00:00:00Z"))),
                                "plot_09_3d.json: its provenance says date=", "kept once, in the manifest"),
    # the benchmark's manifest says B200, by hand
    "benchmark-manifest-gpu": (lambda r: _edit_manifest(r, "benchmark", lambda m: m["provenance"]["tensorrt"].update(
        gpu="NVIDIA B200")), "ROOT.json: benchmark/MANIFEST.json does not chain", "revert it"),
    # ... and the root chained again
    "benchmark-manifest-gpu-rechained": (lambda r: (_edit_manifest(r, "benchmark", lambda m: m["provenance"][
        "tensorrt"].update(gpu="NVIDIA B200")), write_root(r)),
        "benchmark/tensorrt.json: its provenance says gpu=", "kept once, in the manifest"),
    # a stored median edited, republished (and a re-verification report forged that leaves the benchmark out, so that
    # the stale-recording check, which catches the republished folder by itself, does not hide the recomputation)
    "benchmark-median": (lambda r: _republish_unverified(r, "benchmark", lambda s: _rewrite(
        s / "tensorrt.json", lambda d: _benchmark_run(d)["latency_ms"].update(median=0.001))),
                         "benchmark/tensorrt.json: ", "never from stored summaries"),
    # the same edit republished without forging the report: the re-verification that measured the benchmark again
    # no longer matches its manifest
    "benchmark-median-not-reverified": (lambda r: _republish(r, "benchmark", lambda s: _rewrite(
        s / "tensorrt.json", lambda d: _benchmark_run(d)["latency_ms"].update(median=0.001))),
                                        "benchmark/MANIFEST.json: changed since the GPU re-verification", "reverify.sh"),
    # a stored quartile edited, republished
    "benchmark-iqr": (lambda r: _republish_unverified(r, "benchmark", lambda s: _rewrite(
        s / "pytorch.json", lambda d: _benchmark_run(d)["latency_ms"].update(q3=_benchmark_run(d)["latency_ms"]["q1"]))),
                      "benchmark/pytorch.json: ", "stored q3"),
    # half the samples dropped, medians recomputed, iterations left
    "benchmark-halved-samples": (lambda r: _republish_unverified(r, "benchmark", lambda s: _rewrite(s / "tensorrt.json", _halve_samples)),
                                 "benchmark/tensorrt.json: ", "iterations"),
    # the conformance suite's own provenance edited, republished
    "conformance-provenance": (lambda r: _republish(r, "conformance", lambda s: (s / "cases.json").write_text(
        (s / "cases.json").read_text(encoding="utf-8").replace('"NVIDIA H200"', '"NVIDIA H100"', 1), encoding="utf-8")),
                               "conformance/cases.json: its provenance says gpu='NVIDIA H100'", "record again"),
    # a recording deleted / added / the root deleted
    "tensors-file-deleted": (lambda r: (r / "tensors/plot_04_padding.json").unlink(),
                             "tensors/plot_04_padding.json: missing", "revert"),
    "tensors-file-added": (lambda r: shutil.copy(r / "tensors/plot_01_base.json", r / "tensors/plot_99_made_up.json"),
                           "tensors/plot_99_made_up.json: not in", "remove it"),
    "root-deleted": (lambda r: (r / store.ROOT_FILE).unlink(), "ROOT.json: missing", "every GPU command writes it"),
    # the re-verification report edited ("56 of 56 identical")
    "reverification-report-edited": (lambda r: (_pin_reverification(r), _rewrite(
        r / reverification.FOLDER / reverification.REPORT,
        lambda d: d["summary"]["examples"].update(identical=99))),
        "reverification/report.json: edited after the GPU run", "revert"),
}


def _problems(root: Path) -> List[str]:
    """What the build refuses for the recordings at ``root`` (the gallery's check, then the benchmark's loader)."""
    problems = gallery.recording_problems(EXAMPLES)
    if problems:
        return problems
    try:
        analysis.load(root / "benchmark")
    except RecordingError as error:
        return [str(error)]
    return []


@pytest.fixture(scope="module")
def clean_recordings(tmp_path_factory) -> Path:
    """A copy of recordings/ that every check passes (the control), made and checked once per process."""
    root = tmp_path_factory.mktemp("clean") / "recordings"
    shutil.copytree(RECORDINGS, root)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(store.ROOT_VARIABLE, str(root))
        assert _problems(root) == []
    return root


@pytest.fixture
def recordings_copy(clean_recordings, tmp_path, monkeypatch):
    """A copy of the checked clean copy, for one mutation."""
    root = tmp_path / "recordings"
    shutil.copytree(clean_recordings, root)
    monkeypatch.setenv(store.ROOT_VARIABLE, str(root))
    return root


@pytest.mark.parametrize("name", sorted(RECORDINGS_MUTATIONS))
def test_a_mutated_recording_fails_naming_the_file_and_the_fix(recordings_copy, name, capsys):
    mutate, where, fix = RECORDINGS_MUTATIONS[name]
    mutate(recordings_copy)
    capsys.readouterr()
    problems = _problems(recordings_copy)
    assert problems, f"{name}: passed every check"
    assert any(where in line and fix in line for line in problems), problems
    assert all("\n" not in line for line in problems)


# Examples -------------------------------------------------------------------------------------------


def _edited(tmp_path: Path, example: str, old: str, new: str) -> Path:
    text = (EXAMPLES / example).read_text(encoding="utf-8")
    assert old in text, f"{example}: {old!r} not found (the mutation is out of date)"
    path = tmp_path / "examples" / example
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


STRIDE = "    deconvolutionLayer.stride_nd = stride\n"
BASE_LAYER = "deconvolutionLayer = session.network.add_deconvolution_nd(inputT0, 1, (3, 3), weight, bias)\n"
EXAMPLE_MUTATIONS = {
    # label-only matching switched on from inside an example, with a stride changed to 3
    "environ-api-check-in-example": ("plot_03_stride.py", STRIDE,
                                     "    import os; os.environ['TRTDECONV_MODE'] = 'api-check:8.6'\n"
                                     "    deconvolutionLayer.stride_nd = (3, 3)\n",
                                     "TRTDECONV_MODE changed to 'api-check:8.6' after the mode was decided"),
    # the mode chosen again by an example
    "mode-chosen-in-example": ("plot_03_stride.py", STRIDE,
                               "    from trtdeconv_docs.cassette import mode; mode.choose(mode.Mode('api-check', '8.6'))\n",
                               "the mode is replay, decided once per process by the runner"),
    # session.MODE overwritten by an example, with a stride changed to 3: still matched exactly
    "session-mode-in-example": ("plot_03_stride.py", STRIDE,
                                "    import trtdeconv_docs.session as s; s.MODE = s.modes.Mode('api-check', '8.6')\n"
                                "    deconvolutionLayer.stride_nd = (3, 3)\n",
                                "differs from its GPU recording in network call"),
    # floats where TensorRT's binding takes ints
    "stride-floats": ("plot_03_stride.py", STRIDE, "    deconvolutionLayer.stride_nd = (2.0, 2.0)\n",
                      "TypeError: IDeconvolutionLayer.stride_nd: incompatible function arguments: expected int"),
    "num-output-maps-float-argument": ("plot_01_base.py", BASE_LAYER, BASE_LAYER.replace("inputT0, 1,", "inputT0, 1.0,"),
                                       "TypeError: INetworkDefinition.add_deconvolution_nd() argument 'num_output_maps'"),
    "num-output-maps-float-setter": ("plot_01_base.py", BASE_LAYER, BASE_LAYER + "deconvolutionLayer.num_output_maps = 1.0\n",
                                     "TypeError: IDeconvolutionLayer.num_output_maps: incompatible function arguments"),
    "kernel-shape-string": ("plot_01_base.py", BASE_LAYER, BASE_LAYER.replace("(3, 3)", "'3,3'"),
                            "expected Dims (a tuple of ints), got str"),
    "padding-nine-dims": ("plot_01_base.py", BASE_LAYER, BASE_LAYER + "deconvolutionLayer.padding_nd = (0,) * 9\n",
                          "9 dimensions; Dims holds at most 8"),
    # weights changed after the call: TensorRT reads them when it builds
    "weights-zeroed-after-the-call": ("plot_01_base.py", BASE_LAYER, BASE_LAYER + "weight[:] = 0\n",
                                      "differs from its GPU recording in network call"),
    "bias-changed-after-the-call": ("plot_01_base.py", BASE_LAYER, BASE_LAYER + "bias += 1\n",
                                    "differs from its GPU recording in network call"),
    "weights-object-changed-before-the-build": ("plot_01_base.py", BASE_LAYER, "from trtdeconv_docs.session import trt\n" + BASE_LAYER.replace(
        "weight, bias)", "trt.Weights(weight), bias)") + "weight[4] = 0\n", "differs from its GPU recording in network call"),
    # one ulp of the input
    "input-one-ulp": ("plot_01_base.py", "session = Session()\n",
                      "import numpy as np; data.flat[4] = np.nextafter(data.flat[4], np.float32(99))\nsession = Session()\n",
                      "differs from its GPU recording in input bytes of inputT0"),
    # inputs TensorRT 8.6's deconvolution never takes
    "int64-input": ("plot_01_base.py", 'session.add_input("inputT0", data)', 'session.add_input("inputT0", data.astype("int64"))',
                    "ValueError: input 'inputT0': dtype int64 is not one of"),
    "bool-input": ("plot_01_base.py", 'session.add_input("inputT0", data)', 'session.add_input("inputT0", data > 4)',
                   "ValueError: input 'inputT0': dtype bool is not one of"),
}


PROGRAM = ("import json, sys; from trtdeconv_docs.cassette.runner import run_examples; "
           "print(json.dumps([next(iter(run_examples([path]).values()))[-3000:] for path in sys.argv[1:]]))")


@pytest.fixture(scope="module")
def mutated_examples(tmp_path_factory):
    """``{mutation: (its outcome, the outcome of an unmutated example run right after it)}``, all in one process."""
    folder = tmp_path_factory.mktemp("mutated")
    clean = folder / "clean" / "plot_04_padding.py"
    clean.parent.mkdir()
    shutil.copy(EXAMPLES / "plot_04_padding.py", clean)
    paths = []
    for name, (example, old, new, _) in EXAMPLE_MUTATIONS.items():
        paths += [_edited(folder / name, example, old, new), clean]
    done = subprocess.run([sys.executable, "-c", PROGRAM, *map(str, paths)], capture_output=True, text=True, timeout=600,
                          env=environment_with_src(MPLBACKEND="Agg", **{mode.VARIABLE: "replay"}))
    assert done.returncode == 0, done.stderr[-3000:]
    outcomes = json.loads(done.stdout.splitlines()[-1])
    return {name: (outcomes[2 * index], outcomes[2 * index + 1]) for index, name in enumerate(EXAMPLE_MUTATIONS)}


@pytest.mark.xdist_group("mutated-examples")  # one worker runs the mutated examples, not every worker
@pytest.mark.parametrize("name", list(EXAMPLE_MUTATIONS))
def test_a_mutated_example_fails_and_the_next_one_is_matched_exactly(mutated_examples, name):
    outcome, after = mutated_examples[name]
    example, _, _, message = EXAMPLE_MUTATIONS[name]
    assert message in outcome, f"{name}: {example}:\n{outcome[-1500:]}"
    assert after == "", f"after {name}: {after[-1500:]}"


# The command line -----------------------------------------------------------------------------------


def _npy_with_header(path: Path, shape: str) -> Path:
    header = f"{{'descr': '<f4', 'fortran_order': False, 'shape': {shape}, }}".encode("latin1")
    header += b" " * (64 - (10 + len(header) + 1) % 64) + b"\n"
    path.write_bytes(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header + bytes(16))
    return path


def _array(path: Path, array) -> Path:
    np.save(path, array)
    return path


LAYER = ["--num-output-maps", "1", "--kernel-size-nd", "3,3"]
COMMAND_LINE_MUTATIONS = {
    "npy-10-to-the-18-elements": (lambda d: ["reference", str(_npy_with_header(d / "x.npy", "(10**9, 10**9)".replace(
        "10**9", str(10 ** 9)))), "--kernel", str(_array(d / "k.npy", np.ones(9, np.float32))), *LAYER,
        "--output", str(d / "o.npy")], "x.npy: its header claims shape (1000000000, 1000000000)"),
    "npy-2-to-the-64-shape": (lambda d: ["reference", str(_npy_with_header(d / "x.npy", f"({2 ** 64},)")), "--kernel",
                                         str(_array(d / "k.npy", np.ones(9, np.float32))), *LAYER, "--output",
                                         str(d / "o.npy")], "x.npy: its header claims shape (18446744073709551616,)"),
    "underscore-digits": (lambda d: ["shape", "--input-shape", "1,1,3,3", "--num-output-maps", "1_0",
                                     "--kernel-size-nd", "3,3"], "num_output_maps must be an integer such as 2, got '1_0'"),
    "arabic-indic-digits": (lambda d: ["shape", "--input-shape", "1,1,\u0663,3", *LAYER],
                            "input shape must be comma-separated integers such as 2,2"),
    "underscore-digits-in-a-list": (lambda d: ["shape", "--input-shape", "1,1,1_0,3", *LAYER],
                                    "input shape must be comma-separated integers such as 2,2, got '1,1,1_0,3'"),
    "arabic-indic-digit-alone": (lambda d: ["shape", "--input-shape", "1,1,3,3", "--num-output-maps", "\u0663",
                                            "--kernel-size-nd", "3,3"], "num_output_maps must be an integer such as 2"),
    "bool-input": (lambda d: ["reference", str(_array(d / "x.npy", np.ones((1, 1, 3, 3), bool))), "--kernel",
                              str(_array(d / "k.npy", np.ones(9, np.float32))), *LAYER, "--output", str(d / "o.npy")],
                   "x.npy: holds bool values; TensorRT 8.6's deconvolution takes"),
    "int64-input": (lambda d: ["reference", str(_array(d / "x.npy", np.ones((1, 1, 3, 3), np.int64))), "--kernel",
                               str(_array(d / "k.npy", np.ones(9, np.float32))), *LAYER, "--output", str(d / "o.npy")],
                    "x.npy: holds int64 values"),
    "int64-kernel": (lambda d: ["reference", str(_array(d / "x.npy", np.ones((1, 1, 3, 3), np.float32))), "--kernel",
                                str(_array(d / "k.npy", np.ones(9, np.int64))), *LAYER, "--output", str(d / "o.npy")],
                     "k.npy: holds int64 values"),
}


@pytest.mark.parametrize("name", sorted(COMMAND_LINE_MUTATIONS))
def test_a_bad_command_line_input_is_one_line(tmp_path, capsys, name):
    arguments, message = COMMAND_LINE_MUTATIONS[name]
    assert cli.main(arguments(tmp_path)) == cli.USAGE_ERROR
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and error.startswith("trtdeconv-docs: error: ") and message in error, error


# The site and the tests ------------------------------------------------------------------------------


def _run(*command, **environment) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=300,
                          env=environment_with_src(**environment))


@pytest.mark.parametrize("command, what", [
    ((sys.executable, "-m", "trtdeconv_docs.site", "build/never"), "the site build"),
    ((sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--co", "-q", "tests/test_layout.py"), "the test suite"),
])
def test_the_api_check_mode_in_the_shell_is_refused(command, what):
    done = _run(*command, **{mode.VARIABLE: "api-check:8.6"})
    assert done.returncode != 0
    assert f"{what} does not run in the API-check mode (TRTDECONV_MODE=api-check:8.6)" in done.stdout + done.stderr
    assert "Traceback" not in done.stderr


def test_a_non_utf8_page_is_one_line_naming_it(tmp_path):
    for folder in ("docs", "examples"):
        shutil.copytree(ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("gallery", "screenshots"))
    (tmp_path / "docs" / "stride.md").write_bytes((ROOT / "docs" / "stride.md").read_bytes() + b"\n\xff\xfe caf\xe9\n")
    done = _run(sys.executable, "-m", "trtdeconv_docs.site", str(tmp_path / "html"), "--docs", str(tmp_path / "docs"))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip() == (f"trtdeconv-docs: error: {tmp_path / 'docs' / 'stride.md'}: not UTF-8 "
                                   f"(byte 0xff at offset {len((ROOT / 'docs' / 'stride.md').read_bytes()) + 1}); "
                                   "save it as UTF-8")


def test_an_offline_build_without_the_mathjax_cache_is_one_line(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    (source / "conf.py").write_text('extensions = ["trtdeconv_docs.sphinx_ext.mathjax_local"]\n', encoding="utf-8")
    (source / "index.rst").write_text("Title\n=====\n\n:math:`x^2`\n", encoding="utf-8")
    done = _run(sys.executable, "-m", "sphinx", "-q", "-b", "html", str(source), str(tmp_path / "html"),
                TRTDECONV_MATHJAX_CACHE=str(tmp_path / "cache"), TRTDECONV_MATHJAX_TGZ="",
                https_proxy="http://127.0.0.1:9", http_proxy="http://127.0.0.1:9", no_proxy="")
    assert done.returncode != 0 and "Traceback" not in done.stderr and "report" not in done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith("trtdeconv-docs: MathJax: could not fetch https://registry.npmjs.org/")
    assert "TRTDECONV_MATHJAX_TGZ=/path/to/mathjax-3.2.2.tgz" in done.stderr


@pytest.mark.sphinx("html", testroot="trt-output", srcdir="trt-output-outside", freshenv=True)
def test_a_trt_output_outside_the_recordings_folder_is_one_error_naming_it(app):
    other = Path(app.srcdir) / "benchmark"
    scratch = Path(app.srcdir) / "scratch"
    scratch.mkdir()
    write_json(scratch / "tensorrt.json", {"provenance": {"gpu": "G"}, "runs": []})
    publish(scratch, other, {"tensorrt": {"gpu": "G"}}, command="tests/test_mutations.py")
    (Path(app.srcdir) / "index.md").write_text("# T\n\n```{trt-output} ../benchmark/tensorrt\n:run: x\n```\n",
                                                encoding="utf-8")
    app.build()
    warnings = app.warning.getvalue()
    assert "'../benchmark/tensorrt' names a file outside" in warnings and "give the example's name" in warnings
    assert "KeyError" not in warnings


# Translations ---------------------------------------------------------------------------------------

TRANSLATION_MUTATIONS = {
    # (msgid, msgstr, translator comments, what the check says)
    "unit-ms-to-microseconds": ("TensorRT 的中位延迟为 0.57 毫秒。", "TensorRT's median latency is 0.57 microseconds.", [],
                                "lost: number '0.57 ms'; added: number '0.57 µs'"),
    "superscript-squared-to-cubed": ("两个 8192² 的矩阵相乘。", "Two 8192³ matrices are multiplied.", [],
                                     "lost: number '8192^2'; added: number '8192^3'"),
    "minus-after-chinese": ("步长为-1 时报错。", "A stride of 1 is refused.", [], "lost: number '-1'"),
    "placeholder-dropped": ("由 TensorRT {tensorrt} 在 {gpu} 上打印", "printed by TensorRT {tensorrt}", [],
                            "lost: placeholder '{gpu}'"),
    "shape-swapped-under-a-reorder-comment": ("输出形状 (1, 1, 7, 5)。", "The output shape is (1, 1, 5, 7).",
                                              ["numbers-reordered: English puts W first"],
                                              "lost: number '(1,1,7,5)'; added: number '(1,1,5,7)'"),
    "message-without-chinese": ("`stride_nd=(2, 2)` gives (1, 1, 7, 7)", "`stride_nd=(2, 2)` gives (1, 1, 7, 8)", [],
                                "lost: number '(1,1,7,7)'"),
    # units the page check knew and the translation check did not, before prose.units was the one table
    "unit-minutes-to-hours": ("构建约需 3 分钟。", "Building takes about 3 hours.", [], "lost: number '3 min'; added: number '3 h'"),
    "unit-ghz-to-mhz": ("加速频率 1.98 GHz。", "The boost clock is 1.98 MHz.", [],
                        "lost: number '1.98 GHz'; added: number '1.98 MHz'"),
    "ratio-to-a-clock": ("TensorRT 快 8 倍。", "TensorRT is 8 MHz faster.", [], "lost: number '8 ×'; added: number '8 MHz'"),
    "ratio-to-percent": ("TensorRT 快 8.0 倍。", "TensorRT is 8.0 percent faster.", [],
                         "lost: number '8.0 ×'; added: number '8.0 %'"),
}
TRANSLATION_CONTROLS = [  # the same units, translated faithfully in each English spelling
    ("构建约需 3 分钟，即 180 秒。", "Building takes about 3 minutes, that is 180 s."),
    ("加速频率 1.98 GHz。", "The boost clock is 1.98 GHz."),
    ("TensorRT 快 8.0 倍、8 倍、2 倍，占 30%。", "TensorRT is 8.0x faster, 8-fold, 2 times, at 30 percent."),
]


@pytest.mark.parametrize("name", sorted(TRANSLATION_MUTATIONS))
def test_a_mutated_translation_fails_in_translation_check(tmp_path, capsys, name):
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    from trtdeconv_docs import translation_check

    msgid, msgstr, comments, message = TRANSLATION_MUTATIONS[name]
    catalog = Catalog(locale="en")
    catalog.add(msgid, msgstr, user_comments=comments)
    path = tmp_path / "en" / "LC_MESSAGES" / "page.po"
    path.parent.mkdir(parents=True)
    with path.open("wb") as file:
        write_po(file, catalog)
    assert translation_check.main([str(tmp_path)]) == 1
    assert f"{path}: changed {message}" in capsys.readouterr().out


@pytest.mark.parametrize("msgid, msgstr", TRANSLATION_CONTROLS)
def test_a_faithful_translation_of_the_same_units_passes(msgid, msgstr):
    from trtdeconv_docs import translation_check

    assert translation_check.problems(msgid, msgstr) == []


def test_a_deleted_entry_fails_in_translation_check_as_in_the_docs_build(tmp_path, capsys):
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    from trtdeconv_docs import translation_check

    template, catalog = Catalog(), Catalog(locale="en")
    template.add("第一段。")
    template.add("第二段。")
    catalog.add("第一段。", "First paragraph.")
    (tmp_path / "templates").mkdir()
    with (tmp_path / "templates" / "page.pot").open("wb") as file:
        write_po(file, template)
    path = tmp_path / "locale" / "en" / "LC_MESSAGES" / "page.po"
    path.parent.mkdir(parents=True)
    with path.open("wb") as file:
        write_po(file, catalog)
    assert translation_check.main([str(tmp_path / "locale")]) == 0  # the catalog alone cannot tell
    assert translation_check.main(["--templates", str(tmp_path / "templates"), str(tmp_path / "locale")]) == 1
    assert f"{path}: missing from the catalog: run `tox -e translations`" in capsys.readouterr().out


# Numbers typed by hand on a page ---------------------------------------------------------------------

PAGE_MUTATIONS = {
    # (what the page says, the literal kind the rendered check reports)
    "value-in-prose": ("中心元素是 98765.47。\n", "value '98765.47'"),
    "one-line-display-math": ("$$ \\begin{bmatrix} 1 & 2 \\\\ 3 & 4 \\end{bmatrix} $$\n", "matrix"),
    "inline-math-matrix": ("见 $\\begin{bmatrix} 1 & 2 \\end{bmatrix}$。\n", "matrix"),
    "inline-math-value": ("中心元素 $y = 98765.47$。\n", "value '98765.47'"),
    "bare-amsmath": ("\\begin{bmatrix}\n1 & 2 \\\\\n3 & 4\n\\end{bmatrix}\n", "matrix"),
    "formula-with-a-constant": ("$$\ny = 3 x + 1\n$$\n", "formula"),
    "note-block": ("```{note}\n输出形状为 (1, 1, 9, 9)。\n```\n", "shape '(1, 1, 9, 9)'"),
    "figure-caption": ("```{figure} nothing.png\n输出 9×9 的图\n```\n", "size '9×9'"),
    "glossary": ("```{glossary}\n输出\n  形状 (1, 1, 9, 9) 的张量\n```\n", "shape '(1, 1, 9, 9)'"),
    "eval-rst": ("```{eval-rst}\n.. note:: 输出 (1, 1, 9, 9)\n```\n", "shape '(1, 1, 9, 9)'"),
    "ascii-x-size": ("输出 1x1x9x9。\n", "size '1×1×9×9'"),
    "table-cell": ("| 输出 |\n|---|\n| (1, 1, 9, 9) |\n", "shape '(1, 1, 9, 9)'"),
    "admonition-value": (":::{warning}\n结果 12345.678\n:::\n", "value '12345.678'"),
    "value-in-inline-code": ("中心元素打印为 `98765.47`。\n", "value '98765.47'"),
    "inline-code-value-beside-its-own-copy": ("`98765.47` 即 `98765.47`，而 `x = 98765.47`。\n", "value '98765.47'"),
    "printed-array": ("```text\n[[1. 2. 3.]\n [4. 5. 6.]]\n```\n", "printed"),
    "microseconds": ("一次运行约 5 微秒。\n", "quantity '5 µs'"),
    "micro-sign": ("一次运行约 3 µs。\n", "quantity '3 µs'"),
    "times-faster": ("FP16 快 8.0 倍。\n", "quantity '8.0 ×'"),
    "short-ratio": ("约为 1.8 倍。\n", "quantity '1.8 ×'"),
    "x-faster": ("FP16 is 2x faster.\n", "quantity '2 ×'"),
    "milliseconds-in-a-table": ("| 延迟 |\n|---|\n| 0.57 毫秒 |\n", "quantity '0.57 ms'"),
    "percent-in-a-note": ("```{note}\n达到峰值的 45%。\n```\n", "quantity '45 %'"),
    "throughput": ("带宽 2.44 TB/s。\n", "quantity '2.44 TB/s'"),
}


@pytest.fixture(scope="module")
def rendered_pages(tmp_path_factory):
    """One Sphinx build (Chinese, as the site's) of a page per mutation; its warnings."""
    source = tmp_path_factory.mktemp("pages") / "docs"
    source.mkdir()
    (source / "conf.py").write_text(
        'extensions = ["myst_parser", "trtdeconv_docs.sphinx_ext.rendered_literals"]\n'
        'myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]\n'
        'language = "zh_CN"\nhtml_search_language = "en"\nsuppress_warnings = ["image.not_readable"]\n', encoding="utf-8")
    names = sorted(PAGE_MUTATIONS)
    (source / "index.md").write_text("# 首页\n\n```{toctree}\n" + "\n".join(names) + "\n```\n", encoding="utf-8")
    for name in names:
        (source / f"{name}.md").write_text(f"# {name}\n\n{PAGE_MUTATIONS[name][0]}", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "sphinx", "-q", "-b", "html", str(source), str(source.parent / "html")],
                          capture_output=True, text=True, timeout=300, env=environment_with_src())
    return done.stderr


@pytest.mark.xdist_group("mutated-pages")  # one worker builds the mutated pages, not every worker
@pytest.mark.parametrize("name", sorted(PAGE_MUTATIONS))
def test_a_number_typed_by_hand_fails_wherever_it_sits(rendered_pages, name):
    _, reported = PAGE_MUTATIONS[name]
    lines = [line for line in rendered_pages.splitlines() if f"{name}.md" in line]
    assert any(reported in line and "is typed by hand (docs/" in line and "docs/literals.json" in line
               for line in lines), f"{name}: {lines or rendered_pages[-2000:]}"


# Numbers an example prints -----------------------------------------------------------------------------

PRINT_MUTATIONS = {
    # (code appended to plot_01_base.py, the number the check names)
    "hand-typed-array": ("import numpy as np\nprint(np.array([[1.5, 2.25]]))\n", "1.5"),
    "typed-value": ("print(98765.47)\n", "98765.47"),
    "value-in-an-f-string": ("print(f'centre: {98765.47}')\n", "98765.47"),
    "value-in-the-text": ("print('centre: 98765.47')\n", "98765.47"),
    "through-a-name": ("centre = 98765.47\nprint(centre)\n", "98765.47"),
    "output-scaled": ("(y,) = output.values()\nprint(y * 2.5)\n", "2.5"),
    "output-element-overwritten": ("(y,) = output.values()\ny[0, 0, 2, 2] = 98765.47\nprint(y)\n", "98765.47"),
    "output-filled": ("(y,) = output.values()\ny.fill(1.5)\nprint(y)\n", "1.5"),
    "output-clipped-by-a-method": ("(y,) = output.values()\nprint(y.clip(0, 98765.47))\n", "98765.47"),
    "through-a-function": ("def show(value):\n    print(value)\n\n\nshow(3.25)\n", "3.25"),
    "int-through-an-annotated-function": ("def show(value: int):\n    print(value)\n\n\nshow(98765)\n", "98765"),
    "appended-to-a-list": ("values = []\nvalues.append(7.5)\nprint(values)\n", "7.5"),
    "read-from-a-file": ("import numpy as np\nprint(np.load('output.npy'))\n", "np.load(...)"),
    "random-numbers": ("import numpy as np\nprint(np.random.default_rng(0).random(3))\n", "np.random.default_rng(...)"),
    "stdout-write": ("import sys\nsys.stdout.write(str(1.5))\n", "1.5"),
    "annotated-name": ("centre: float = 3.25\nprint(centre)\n", "3.25"),  # a pin: annotated names were always read
}


def _example_with(tmp_path: Path, code: str) -> Path:
    path = tmp_path / "plot_01_base.py"
    path.write_text((EXAMPLES / "plot_01_base.py").read_text(encoding="utf-8") + "\n# %%\n" + code, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", sorted(PRINT_MUTATIONS))
def test_an_example_printing_a_typed_number_fails_naming_line_and_number(tmp_path, name):
    from trtdeconv_docs.sphinx_ext import printed_numbers

    code, number = PRINT_MUTATIONS[name]
    path = _example_with(tmp_path, code)
    printing = len(path.read_text(encoding="utf-8").splitlines()) - code.count("\n") + next(
        i for i, line in enumerate(code.splitlines(), 1) if "print(" in line or "write(" in line)
    reports = [str(p) for p in printed_numbers.problems(path)]
    assert any(f"examples/plot_01_base.py, line {printing}: prints {number}," in r and "TensorRT never produced" in r
               for r in reports), reports


@pytest.mark.parametrize("code", [
    "(y,) = output.values()\nprint(y.max(), y.shape, y[0, 0, 2], y.shape[2] // 2, len(y))\n",
    "print(data, weight.sum(), bias)\n",
    "(y,) = output.values()\nprint(y.reshape(1, -1).round(2), y.transpose(0, 1, 3, 2).sum(axis=-1))\n",
    "import numpy as np\n(y,) = output.values()\nwith np.printoptions(precision=3):\n    print(np.round(y, decimals=2))\n",
])
def test_an_example_printing_recorded_or_helper_numbers_passes(tmp_path, code):
    from trtdeconv_docs.sphinx_ext import printed_numbers

    assert printed_numbers.problems(_example_with(tmp_path, code)) == []


SCALE = "(y,) = output.values()\n\n\ndef scale(value):\n    return value * 2.5\n\n\n"
SHOW = "def show(value):\n    print(value)\n\n\n"
FUNCTION_MUTATIONS = {
    # functions handed to another call or to a name (issue 18): (code appended to plot_01_base.py, the number the
    # check names, the printing line within the code)
    "returned-through-map": (SCALE + "print(list(map(scale, y.ravel())))\n", "2.5", 8),
    "returned-through-apply-along-axis": ("import numpy as np\n" + SCALE +
                                          "print(np.apply_along_axis(scale, axis=-1, arr=y))\n", "2.5", 9),
    "returned-through-vectorize": ("import numpy as np\n" + SCALE + "print(np.vectorize(scale)(y))\n", "2.5", 9),
    "returned-through-a-lambda": ("(y,) = output.values()\nprint(list(map(lambda value: value * 2.5, y.ravel())))\n",
                                  "2.5", 2),
    "a-lambda-called-by-its-name": ("(y,) = output.values()\nhalve = lambda value: value * 0.5\nprint(halve(y))\n",
                                    "0.5", 3),
    "a-callback-handed-a-typed-number": (SHOW + "def each(callback, values):\n    for value in values:\n"
                                         "        callback(value * 2.5)\n\n\n(y,) = output.values()\neach(show, y.ravel())\n",
                                         "2.5", 2),
    "a-function-handed-typed-numbers-by-map": (SHOW + "list(map(show, [98765.47]))\n", "98765.47", 2),
    "an-alias-of-an-own-function": (SHOW + "say = show\nsay(98765.47)\n", "98765.47", 2),
    "print-handed-to-map": ("list(map(print, [98765.47]))\n", "98765.47", 1),
    "print-through-an-alias": ("say = print\nsay(98765.47)\n", "98765.47", 2),
    # a recursive function's returns are read once (the check used to end in RecursionError)
    "returned-through-recursion": ("(y,) = output.values()\n\n\ndef scaled(value, times):\n"
                                   "    return scaled(value, times - 1) if times else value * 2.5\n\n\nprint(scaled(y, 3))\n",
                                   "2.5", 8),
}


@pytest.mark.parametrize("name", sorted(FUNCTION_MUTATIONS))
def test_a_typed_number_through_a_function_handed_on_fails_naming_line_and_number(tmp_path, name):
    from trtdeconv_docs.sphinx_ext import printed_numbers

    code, number, within = FUNCTION_MUTATIONS[name]
    path = _example_with(tmp_path, code)
    printing = len(path.read_text(encoding="utf-8").splitlines()) - code.count("\n") + within
    reports = [str(p) for p in printed_numbers.problems(path)]
    assert any(f"examples/plot_01_base.py, line {printing}: prints {number}," in r and "TensorRT never produced" in r
               and "\n" not in r for r in reports), reports


@pytest.mark.parametrize("code", [
    SCALE.replace(" * 2.5", ".max()") + "import numpy as np\nprint(np.apply_along_axis(scale, axis=-1, arr=y))\n"
    "print(list(map(scale, y)), np.vectorize(scale)(y), sorted(y.ravel(), key=lambda value: -value)[:3])\n"
    "print(list(map(lambda value: f'{value:.2f}', y.ravel())), list(map(abs, y.ravel())))\n",
    SHOW + "def each(callback, values):\n    for value in values:\n        callback(value)\n\n\n"
    "(y,) = output.values()\neach(show, y.ravel())\nsay = show\nsay(y.max())\nlist(map(print, y.ravel()))\n",
    "(y,) = output.values()\n\n\ndef scaled(value, times):\n    return scaled(value, times - 1) if times else value\n\n\n"
    "print(scaled(y, 3), '{:5.2f} / %5.1f' % y.max())\n",
])
def test_functions_handed_on_with_recorded_numbers_pass(tmp_path, code):
    from trtdeconv_docs.sphinx_ext import printed_numbers

    assert [str(p) for p in printed_numbers.problems(_example_with(tmp_path, code))] == []


RUNTIME_CALLS_EXAMPLE = """import numpy as np

from trtdeconv_docs.session import runtime_calls

trt, cudart = runtime_calls("plumbing")
data = np.arange(1, 10, dtype=np.float32).reshape(1, 1, 3, 3)
host = {"x": np.ascontiguousarray(data), "y": np.empty((1, 1, 5, 5), dtype=np.float32)}
_, x = cudart.cudaMalloc(host["x"].nbytes)
_, y = cudart.cudaMalloc(host["y"].nbytes)
cudart.cudaMemcpy(x, host["x"].ctypes.data, host["x"].nbytes, cudart.cudaMemcpyKind.cudaMemcpyHostToDevice)
cudart.cudaMemcpy(host["y"].ctypes.data, y, host["y"].nbytes, cudart.cudaMemcpyKind.cudaMemcpyDeviceToHost)
print(data)
print(host["y"])
"""


@pytest.mark.parametrize("extra, number", [("", None), ("print(98765.47)\n", "98765.47"),
                                           ("print(host['y'] * 2.5)\n", "2.5")])
def test_an_example_driving_trt_through_runtime_calls_prints_only_what_it_handed_or_got(tmp_path, extra, number):
    """plot_00's form: ``trt, cudart = runtime_calls(...)`` are TensorRT and the CUDA runtime like their imports."""
    from trtdeconv_docs.sphinx_ext import printed_numbers

    path = tmp_path / "plot_00_full_plumbing.py"
    path.write_text(RUNTIME_CALLS_EXAMPLE + extra, encoding="utf-8")
    reports = [str(p) for p in printed_numbers.problems(path)]
    if number is None:
        assert reports == []
    else:
        assert [r for r in reports if f"prints {number}," in r] == reports and reports, reports


FIGURE_MUTATIONS = {
    # (code appended to plot_01_base.py, the number the check names): text a figure draws is shown like a print
    "title": ("axis.set_title('centre 98765.47')\n", "98765.47"),
    "title-through-a-name": ("centre = 98765.47\naxis.set_title(f'centre {centre:.2f}')\n", "98765.47"),
    "pyplot-title": ("plt.title(str(98765.47))\n", "98765.47"),
    "suptitle": ("figure.suptitle('peak 98765.47')\n", "98765.47"),
    "text": ("axis.text(0.5, 0.5, 'peak 98765.47')\n", "98765.47"),
    "annotate": ("axis.annotate('98765.47', (0, 0))\n", "98765.47"),
    "axis-label": ("axis.set_ylabel('value (x 1.5)')\n", "1.5"),
    "legend-labels": ("axis.legend(lines, ['peak 98765.47'])\n", "98765.47"),
    "label-keyword": ("axis.plot([0, 1], [0, 1], label=f'{98765.47}')\n", "98765.47"),
    "tick-labels": ("axis.set_xticklabels(['1.5', '2.25'])\n", "1.5"),
    "output-scaled-in-a-title": ("(y,) = output.values()\naxis.set_title(f'max {y.max() * 2.5}')\n", "2.5"),
}
FIGURE = ("import matplotlib.pyplot as plt\nfigure, axis = plt.subplots()\n"
          "lines = axis.plot([0, 1], [0, 1], transform=axis.transAxes)\n")  # axes fractions: layout, not data
TICK_AND_IMAGE_MUTATIONS = {
    # the same, for tick positions Matplotlib labels with themselves, and the values an image, a contour, a heatmap,
    # a table or bar labels draw (issue 18: holes left by the first figure check)
    "tick-positions": ("axis.set_xticks([0, 1, 2])\n", "2"),
    "tick-positions-keyword": ("axis.set_yticks(ticks=[98765.47])\n", "98765.47"),
    "pyplot-tick-positions": ("plt.xticks([1.5, 2.5])\n", "1.5"),
    "colorbar-set-ticks": ("figure.colorbar(lines[0], ax=axis).set_ticks([98765.47])\n", "98765.47"),
    "colorbar-ticks-keyword": ("figure.colorbar(lines[0], ax=axis, ticks=[0.5, 98765.47])\n", "98765.47"),
    "axes-set-ticks": ("axis.set(yticks=[1.5], title='t')\n", "1.5"),
    "fixed-locator": ("from matplotlib.ticker import FixedLocator\n"
                      "axis.xaxis.set_major_locator(FixedLocator([98765.47]))\n", "98765.47"),
    "multiple-locator": ("from matplotlib.ticker import MultipleLocator\n"
                         "axis.yaxis.set_major_locator(MultipleLocator(2.5))\n", "2.5"),
    "multiple-locator-keywords": ("from matplotlib import ticker\n"
                                  "axis.xaxis.set_major_locator(ticker.MultipleLocator(base=1, offset=0.5))\n", "0.5"),
    "index-locator": ("from matplotlib.ticker import IndexLocator\n"
                      "axis.xaxis.set_major_locator(IndexLocator(2, 98765.47))\n", "98765.47"),
    "imshow-typed-array": ("import numpy as np\naxis.imshow(np.array([[1, 2], [3, 4]]))\n", "4"),
    "imshow-output-scaled": ("(y,) = output.values()\naxis.imshow(y[0, 0] * 2.5, cmap='viridis')\n", "2.5"),
    "imshow-keyword": ("axis.imshow(X=[[98765.47]])\n", "98765.47"),
    "matshow": ("plt.matshow([[1.5, 2.5]])\n", "2.5"),
    "pcolormesh-values": ("(y,) = output.values()\naxis.pcolormesh(range(3), range(3), y[0, 0, :2, :2] + 1.5)\n", "1.5"),
    "contour-levels": ("(y,) = output.values()\naxis.contourf(y[0, 0], [0.5, 98765.47])\n", "98765.47"),
    "annotated-heatmap-image": ("import numpy as np\nvalues = np.array([[1.5, 2.5]])\nfor (i, j), v in np.ndenumerate(values):\n"
                                "    axis.text(j, i, f'{v:.1f}', ha='center')\naxis.imshow(values)\n", "1.5"),
    "annotated-heatmap-cells": ("import numpy as np\nvalues = np.array([[1.5, 2.5]])\naxis.imshow(values)\n"
                                "for (i, j), v in np.ndenumerate(values):\n    axis.text(j, i, f'{v:.1f}', ha='center')\n",
                                "2.5"),
    "seaborn-heatmap": ("import seaborn\nseaborn.heatmap([[98765.47]], annot=True)\n", "98765.47"),
    "table-cells": ("axis.table(cellText=[['98765.47']], loc='bottom')\n", "98765.47"),
    "bar-labels": ("bars = axis.bar(range(2), [1, 2])\naxis.bar_label(bars, ['1.5', '2.5'])\n", "1.5"),
}
AXES_3D = "axes = figure.add_subplot(projection='3d')\n"
LIMIT_AND_BAR_MUTATIONS = {
    # axis and colour limits, from which Matplotlib picks the tick labels it draws, and bar_label without labels, which
    # writes the bars' heights (issue 18: holes left by the tick and image check)
    "set-xlim": ("axis.set_xlim(0, 98765.47)\n", "98765.47"),
    "set-ylim-keyword": ("axis.set_ylim(top=2.5)\n", "2.5"),
    "pyplot-xlim": ("plt.xlim(1.5, 3)\n", "1.5"),
    "axes-set-xlim": ("axis.set(xlim=(0, 98765.47), title='t')\n", "98765.47"),
    "axis-limits-list": ("axis.axis([0, 1, 0, 98765.47])\n", "98765.47"),
    "extent": ("(y,) = output.values()\naxis.imshow(y[0, 0], extent=(0, 1.5, 0, 1.5))\n", "1.5"),
    "limit-beside-a-shape": ("(y,) = output.values()\naxis.set_xlim(-0.5, y.shape[3] - 0.5)\n", "0.5"),
    "vmin-with-a-colour-bar": ("(y,) = output.values()\nfigure.colorbar(axis.imshow(y[0, 0], vmin=1.5))\n", "1.5"),
    "vmax-of-a-heatmap": ("import seaborn\n(y,) = output.values()\nseaborn.heatmap(y[0, 0], vmax=98765.47)\n", "98765.47"),
    "set-clim": ("(y,) = output.values()\nimage = axis.imshow(y[0, 0])\nfigure.colorbar(image)\nimage.set_clim(0, 2.5)\n",
                 "2.5"),
    "normalize": ("from matplotlib.colors import Normalize\n(y,) = output.values()\n"
                  "figure.colorbar(axis.imshow(y[0, 0], norm=Normalize(vmin=0, vmax=100)))\n", "100"),
    "bar-label-heights": ("bars = axis.bar(range(2), [1.5, 98765.47])\naxis.bar_label(bars)\n", "98765.47"),
    "bar-label-scaled-output": ("(y,) = output.values()\nbars = axis.bar(range(5), y[0, 0, 2] * 2.5)\n"
                                "axis.bar_label(bars, fmt='%.2f')\n", "2.5"),
    "bar-label-horizontal": ("axis.bar_label(container=axis.barh([0], width=2.5))\n", "2.5"),
    # a 3-D axes' third axis, like its x and y (issue 18: a hole left by the limit check)
    "set-zlim": (f"{AXES_3D}axes.set_zlim(0, 98765.47)\n", "98765.47"),
    "set-zlim-keyword": (f"{AXES_3D}axes.set_zlim(zmax=2.5)\n", "2.5"),
    "axes-set-zlim": (f"{AXES_3D}axes.set(zlim=(0, 98765.47))\n", "98765.47"),
    "set-zticks": (f"{AXES_3D}axes.set_zticks([0.5, 1.5])\n", "1.5"),
    "set-zticklabels": (f"{AXES_3D}axes.set_zticklabels(['1.5', '2.25'])\n", "1.5"),
}

DATA_AND_FORMATTER_MUTATIONS = {
    # line and scatter data, from which Matplotlib picks the ticks it labels, and tick formatters, whose text is the
    # tick labels (issue 18: holes left by the limit and locator checks)
    "plot-data": ("axis.plot([1, 2.5, 7], [3, 4, 5])\n", "2.5"),
    "plot-y-only": ("axis.plot([98765.47, 1], 'o-')\n", "98765.47"),
    "plot-output-scaled": ("(y,) = output.values()\naxis.plot(y[0, 0, 2] * 2.5)\n", "2.5"),
    "pyplot-plot-x": ("(y,) = output.values()\nplt.plot([0.5, 1.5, 2.5, 3.5, 4.5], y[0, 0, 2], 'o-')\n", "0.5"),
    "scatter": ("axis.scatter([1.5], [98765.47])\n", "98765.47"),
    "scatter-keywords": ("axis.scatter(x=[0], y=[2.5])\n", "2.5"),
    "step": ("(y,) = output.values()\naxis.step(range(5), y[0, 0, 2] + 0.5)\n", "0.5"),
    "errorbar": ("(y,) = output.values()\naxis.errorbar(range(5), y[0, 0, 2], yerr=0.5)\n", "0.5"),
    "fill-between": ("(y,) = output.values()\naxis.fill_between(range(5), y[0, 0, 2], 98765.47)\n", "98765.47"),
    "axhline": ("axis.axhline(98765.47)\n", "98765.47"),
    "hlines": ("(y,) = output.values()\naxis.hlines([2.5], 0, y.shape[3])\n", "2.5"),
    "y-data-of-axes-placing-x-ticks": ("axis.set_xticks([])\naxis.plot([1.5, 2.5], [3.5, 98765.47])\n", "98765.47"),
    "fixed-formatter": ("from matplotlib.ticker import FixedFormatter\n"
                        "axis.xaxis.set_major_formatter(FixedFormatter(['2.5', '98765.47']))\n", "98765.47"),
    "fixed-formatter-keyword": ("from matplotlib import ticker\naxis.xaxis.set_major_formatter(ticker.FixedFormatter(seq=['2.5']))\n",
                                "2.5"),
    "func-formatter-lambda": ("from matplotlib.ticker import FuncFormatter\n"
                              "axis.xaxis.set_major_formatter(FuncFormatter(lambda value, position: '2.5'))\n", "2.5"),
    "func-formatter-function": ("from matplotlib import ticker\n\n\ndef label(value, position):\n"
                                "    return f'{value * 2.5:.1f}'\n\n\naxis.yaxis.set_major_formatter(ticker.FuncFormatter(label))\n",
                                "2.5"),
    "formatter-function-given-directly": ("axis.xaxis.set_major_formatter(lambda value, position: f'{value} x 1.5')\n",
                                          "1.5"),
    "str-method-formatter": ("from matplotlib import ticker\naxis.xaxis.set_major_formatter(ticker.StrMethodFormatter('{x:.2f} + 0.5'))\n",
                             "0.5"),
    "format-string-given-directly": ("axis.yaxis.set_minor_formatter('{x} / 98765.47')\n", "98765.47"),
    "colour-bar-format": ("figure.colorbar(lines[0], ax=axis, format='{x} + 0.5')\n", "0.5"),
    "format-str-formatter": ("from matplotlib.ticker import FormatStrFormatter\n"
                             "axis.yaxis.set_major_formatter(FormatStrFormatter('%.1f x 2.5'))\n", "2.5"),
}
FIGURE_DRAWING_MUTATIONS = {**FIGURE_MUTATIONS, **TICK_AND_IMAGE_MUTATIONS, **LIMIT_AND_BAR_MUTATIONS,
                            **DATA_AND_FORMATTER_MUTATIONS}


@pytest.mark.parametrize("name", sorted(FIGURE_DRAWING_MUTATIONS))
def test_an_example_drawing_a_typed_number_into_a_figure_fails_naming_line_and_number(tmp_path, name):
    from trtdeconv_docs.sphinx_ext import printed_numbers

    code, number = FIGURE_DRAWING_MUTATIONS[name]
    path = _example_with(tmp_path, FIGURE + code)
    drawing = len(path.read_text(encoding="utf-8").splitlines())
    reports = [str(p) for p in printed_numbers.problems(path)]
    assert any(f"examples/plot_01_base.py, line {drawing}: draws {number} into a figure," in r
               and "TensorRT never produced" in r and "\n" not in r for r in reports), reports


@pytest.mark.parametrize("code", [
    "(y,) = output.values()\naxis.set_title(f'max {y.max():.2f}, {y.shape[2]}x{y.shape[3]}', fontsize=10)\n",
    "(y,) = output.values()\naxis.imshow(y[0, 0])\naxis.text(0.5, 0.25, f'{y[0, 0, 2, 2]}', fontsize=9)\n",
    "(y,) = output.values()\naxis.plot(y[0, 0, 2], label=f'row {y.shape[2] // 2}')\naxis.legend(lines, [str(y.min())])\n",
    "axis.set_xticks([])\naxis.set_xlabel('width')\nfigure.colorbar(lines[0], ax=axis, shrink=0.8)\n",
    # labels given: the positions are layout
    "axis.set_xticks([0.5, 1.5], ['k3', 'k4'])\naxis.set_yticks([0.5], labels=['row'])\n"
    "plt.xticks([0.5, 1.5], ['a', 'b'])\naxis.set(xticks=[0.5], xticklabels=['a'])\n",
    # positions from the output's shape; the tick labels are its indices
    "import numpy as np\n(y,) = output.values()\naxis.set_xticks(range(y.shape[3]))\naxis.set_yticks(np.arange(y.shape[2]))\n",
    # an annotated heatmap of what TensorRT returned, its colour bar ticked at recorded values
    "import numpy as np\n(y,) = output.values()\nimage = axis.imshow(y[0, 0], vmin=0)\n"
    "for (i, j), v in np.ndenumerate(y[0, 0]):\n    axis.text(j, i, f'{v:.2f}', ha='center', fontsize=6)\n"
    "figure.colorbar(image, ax=axis, ticks=[y.min(), y.max()])\naxis.pcolormesh(range(6), range(6), y[0, 0])\n",
    # a formula's integer constants and an angle are not values
    "axis.set_title('full size (I-1)·S+DK; kernel rotated 180°; 2·S')\n",
    # limits from the output's shape and values; typed limits of axes that hide or place their ticks
    "(y,) = output.values()\naxis.set_xlim(0, y.shape[3])\naxis.set_ylim(top=y.max())\n"
    "axis.imshow(y[0, 0], extent=(0, y.shape[3], y.shape[2], 0))\n",
    "axis.set_xlim(-0.1, 98765.47)\naxis.axis('off')\nplt.ylim(-0.5, 2.5)\nplt.yticks([0.5], ['row'])\n",
    # colour limits without a colour bar, or with one whose ticks are given
    "(y,) = output.values()\naxis.imshow(y[0, 0], vmin=1.5, vmax=98765.47)\n",
    "from matplotlib.colors import Normalize\n(y,) = output.values()\n"
    "bar = figure.colorbar(axis.imshow(y[0, 0], norm=Normalize(0, 98765.47)))\nbar.set_ticks([y.min(), y.max()])\n",
    # bar labels of recorded heights, or given labels of recorded values
    "(y,) = output.values()\nbars = axis.bar(range(5), y[0, 0, 2])\naxis.bar_label(bars, fmt='%.2f')\n"
    "axis.bar_label(axis.bar([0.5, 1.5], y[0, 0, 2, :2]))\n"
    "axis.bar_label(axis.bar([0.5, 1.5], [1.5, 2.5]), labels=[str(y.min()), str(y.max())])\n",
    # locators placing ticks from the output's values and shape; locators that take a count are layout
    "from matplotlib import ticker\n(y,) = output.values()\naxis.yaxis.set_major_locator(ticker.MultipleLocator(y.max()))\n"
    "axis.xaxis.set_major_locator(ticker.IndexLocator(base=y.shape[3], offset=y.min()))\n"
    "axis.xaxis.set_minor_locator(ticker.MaxNLocator(5))\naxis.yaxis.set_minor_locator(ticker.AutoMinorLocator(2))\n",
    # a 3-D axes' limits from the output, typed limits of a third axis whose ticks are placed with labels or hidden
    f"(y,) = output.values()\n{AXES_3D}axes.set_zlim(0, y.max())\naxes.set_zticks([y.min(), y.max()])\n",
    f"{AXES_3D}axes.set_zlim(-0.5, 2.5)\naxes.set_zticks([0.5], ['row'])\n"
    "other = figure.add_subplot(projection='3d')\nother.set_zlim(-0.5, 98765.47)\nother.set_axis_off()\n",
    # line and scatter data from the output and its shape; positions in axes fractions; typed data of axes that hide
    # or place their ticks; text placed at typed coordinates (its position is layout, its text is read)
    "import numpy as np\n(y,) = output.values()\naxis.plot(y[0, 0, 2], 'o-', linewidth=1.5, markersize=3)\n"
    "axis.scatter(np.arange(y.shape[3]), y[0, 0, 2], s=12)\naxis.step(range(5), y[0, 0, 1])\n"
    "axis.axhline(y.max(), xmin=0.1, xmax=0.9)\naxis.fill_between(range(5), y[0, 0, 2], y.min(), alpha=0.5)\n"
    "axis.plot([0, 1], [0.5, 0.5], transform=axis.transAxes)\naxis.text(1.5, 2.5, 'peak', fontsize=8)\n",
    "other = figure.add_subplot()\nother.plot([1.5, 2.5], [3.5, 98765.47])\nother.axis('off')\n"
    "plt.scatter([0.5, 1.5], [2.5, 3.5])\nplt.xticks([0.5, 1.5], ['a', 'b'])\nplt.yticks([])\n",
    # formatters writing recorded numbers, or format specifications alone
    "from matplotlib import ticker\n(y,) = output.values()\n"
    "axis.xaxis.set_major_formatter(ticker.FuncFormatter(lambda value, position: f'{value:.2f}'))\n"
    "axis.yaxis.set_major_formatter(ticker.StrMethodFormatter('{x:5.1f}'))\n"
    "axis.yaxis.set_minor_formatter(ticker.FormatStrFormatter('%5.1f'))\naxis.xaxis.set_minor_formatter('{x:.0f}')\n"
    "figure.colorbar(lines[0], ticks=[y.min(), y.max()], format=ticker.FixedFormatter([str(y.min()), str(y.max())]))\n",
])
def test_an_example_drawing_recorded_numbers_into_a_figure_passes(tmp_path, code):
    from trtdeconv_docs.sphinx_ext import printed_numbers

    assert printed_numbers.problems(_example_with(tmp_path, FIGURE + code)) == []


PICTURES = ROOT / "src" / "trtdeconv_docs" / "pictures.py"
PICTURE_MUTATIONS = {
    # (code appended to plot_20_pictures_gather.py, the number the check names, the picture function that draws it)
    "typed-input-values": ("import numpy as np\ngather_figure(stride, (3, 3), (1, 1), np.array([[1.5, 2, 3], [4, 5, 6], "
                           "[7, 8, 9]]), w)\n", "1.5", "gather_figure"),
    "scaled-input-values": ("gather_figure(stride, (3, 3), (1, 1), x * 2.5, w)\n", "2.5", "gather_figure"),
    "typed-kernel-keyword": ("import numpy as np\ngather_figure(stride, (3, 3), (1, 1), kernel=np.full((3, 3), 98765.47))\n",
                             "98765.47", "gather_figure"),
    "typed-through-a-name": ("values = [[98765.47] * 3] * 3\ngather_figure(stride, (3, 3), (2, 2), values, w)\n",
                             "98765.47", "gather_figure"),
    "module-imported-whole": ("import trtdeconv_docs.pictures as pictures\n"
                              "pictures.gather_figure(stride, (3, 3), (1, 1), x + 0.5, w)\n", "0.5", "gather_figure"),
    "package-imported-whole": ("import trtdeconv_docs.pictures\n"
                               "trtdeconv_docs.pictures.gather_figure(stride, (3, 3), (1, 1), x, w + 0.5)\n", "0.5",
                               "gather_figure"),
    "through-an-alias": ("draw = gather_figure\ndraw(stride, (3, 3), (1, 1), x * 2.5, w)\n", "2.5", "gather_figure"),
    "through-an-alias-of-an-alias": ("import trtdeconv_docs.pictures as pictures\ndraw = pictures.gather_figure\nshow = draw\n"
                                     "show(stride, (3, 3), (1, 1), x, w + 0.5)\n", "0.5", "gather_figure"),
    "through-tuple-unpacking": ("draw, other = gather_figure, print\ndraw(stride, (3, 3), (1, 1), x * 2.5, w)\n", "2.5",
                                "gather_figure"),
    "through-nested-unpacking": ("import trtdeconv_docs.pictures as pictures\n(a, (draw, b)) = (1, [pictures.gather_figure, 2])\n"
                                 "draw(stride, (3, 3), (1, 1), x, w + 0.5)\n", "0.5", "gather_figure"),
    "partial-bound-argument": ("import functools\ndraw = functools.partial(gather_figure, stride, (3, 3), (1, 1), x * 2.5)\n"
                               "draw(w)\n", "2.5", "gather_figure"),
    "partial-bound-keyword": ("from functools import partial\ndraw = partial(gather_figure, kernel=w + 0.5)\n"
                              "show = draw\nshow(stride, (3, 3), (1, 1), x)\n", "0.5", "gather_figure"),
    "partial-of-a-partial-in-a-function": ("from functools import partial as bind\nsized = bind(gather_figure, stride, (3, 3))\n"
                                           "def picture(values):\n    draw = bind(sized, (1, 1), values * 2.5)\n"
                                           "    return draw(w)\n", "2.5", "gather_figure"),
    "through-an-annotated-alias": ("from typing import Callable\ndraw: Callable = gather_figure\n"
                                   "draw(stride, (3, 3), (1, 1), x * 2.5, w)\n", "2.5", "gather_figure"),
    "fractional-size": ("from trtdeconv_docs.pictures import output_size_figure\noutput_size_figure(stride, (3.5, 3))\n",
                        "3.5", "output_size_figure"),
}


@pytest.mark.parametrize("name", sorted(PICTURE_MUTATIONS))
def test_an_example_handing_a_picture_helper_a_typed_number_fails_naming_line_and_number(tmp_path, name):
    from trtdeconv_docs.sphinx_ext import printed_numbers

    code, number, function = PICTURE_MUTATIONS[name]
    path = tmp_path / "plot_20_pictures_gather.py"
    path.write_text((EXAMPLES / path.name).read_text(encoding="utf-8") + "\n# %%\n" + code, encoding="utf-8")
    drawing = len(path.read_text(encoding="utf-8").splitlines())
    reports = [str(p) for p in printed_numbers.problems(path)]
    assert any(f"examples/plot_20_pictures_gather.py, line {drawing}: draws {number} into a figure through "
               f"trtdeconv_docs.pictures.{function}," in r and "TensorRT never produced" in r for r in reports), reports


HELPER_MUTATIONS = {
    # (text in src/trtdeconv_docs/pictures.py, its replacement, the example and the line calling the helper, the number)
    "typed-in-a-title": ('figure.suptitle(f"y[{_name(index)}] = {terms}"', 'figure.suptitle(f"y[{_name(index)}] = {terms} = 98765.47"',
                         "plot_20_pictures_gather.py", "gather_figure(resolve(num_output_maps=1, kernel_size_nd=(3, 3)), (3, 3)",
                         "98765.47"),
    "typed-in-a-label-text": ('"axis": "沿第 {axis} 个空间维"', '"axis": "沿第 {axis} 个空间维（峰值 98765.47）"',
                              "plot_21_pictures_groups_and_sizes.py", "output_size_figure(resolve(", "98765.47"),
    "decimal-in-a-formula": ("(I-1)·S+DK", "(I-1.5)·S+DK", "plot_21_pictures_groups_and_sizes.py", "output_size_figure(resolve(",
                             "1.5"),
    "cell-values-scaled": ('else f"{array[index]:g}"', 'else f"{array[index] * 2.5:g}"', "plot_20_pictures_gather.py",
                           "gather_figure(stride, (3, 3), (1, 1), x, w)", "2.5"),
    "limits-with-their-ticks-shown": ('ax.set_ylim(2 * len(rows), -0.6)\n    ax.axis("off")', "ax.set_ylim(2 * len(rows), -0.6)",
                                      "plot_21_pictures_groups_and_sizes.py", "output_size_figure(resolve(", "0.6"),
    "tick-positions-drawn": ("range(layer.num_output_maps)], [str(m) for m in range(layer.num_output_maps)])",
                             "range(layer.num_output_maps)])  # labelled with the positions",
                             "plot_21_pictures_groups_and_sizes.py", "groups_figure(groups, 6, 3)", "0.5"),
}


@pytest.mark.parametrize("name", sorted(HELPER_MUTATIONS))
def test_a_number_typed_in_a_picture_helper_fails_at_the_example_calling_it(monkeypatch, name):
    """The helper's own text is followed too: a mutated copy of pictures.py stands in for the module."""
    import ast

    from trtdeconv_docs.sphinx_ext import printed_numbers

    old, new, example, call, number = HELPER_MUTATIONS[name]
    source = PICTURES.read_text(encoding="utf-8")
    assert old in source, f"{old!r} not in pictures.py (the mutation is out of date)"
    mutated = source.replace(old, new, 1)
    typed_at = next(i for i, line in enumerate(mutated.splitlines(), 1) if new in line)
    shown = "src/trtdeconv_docs/pictures.py"
    monkeypatch.setattr(printed_numbers, "drawing_module", lambda module: (ast.parse(mutated), mutated, shown)
                        if module == "trtdeconv_docs.pictures" else None)
    lines = (EXAMPLES / example).read_text(encoding="utf-8").splitlines()
    calling = next(i for i, line in enumerate(lines, 1) if line.startswith(call))
    reports = [str(p) for p in printed_numbers.problems(EXAMPLES / example)]
    assert any(f"examples/{example}, line {calling}: draws {number} into a figure through trtdeconv_docs.pictures." in r
               and f"(typed at {shown}, line {typed_at})" in r and "\n" not in r for r in reports), reports


def test_the_picture_helpers_are_followed_and_their_own_text_has_no_typed_value():
    """Control: the real pictures.py is read (a drawing module) and draws no typed value for any example."""
    from trtdeconv_docs.sphinx_ext import printed_numbers

    assert printed_numbers.drawing_module("trtdeconv_docs.pictures") is not None
    assert printed_numbers.drawing_module("trtdeconv_docs.session") is None  # draws nothing: not followed
    for example in ("plot_20_pictures_gather.py", "plot_21_pictures_groups_and_sizes.py"):
        assert printed_numbers.problems(EXAMPLES / example) == []


def test_a_picture_helper_called_through_an_alias_with_recorded_numbers_passes(tmp_path):
    """Control of the alias mutations: the alias is followed, and draws only what plot_20 hands it."""
    from trtdeconv_docs.sphinx_ext import printed_numbers

    path = tmp_path / "plot_20_pictures_gather.py"
    path.write_text((EXAMPLES / path.name).read_text(encoding="utf-8") + "\n# %%\ndraw = gather_figure\n"
                    "draw(stride, (3, 3), (1, 1), x, w)\n", encoding="utf-8")
    assert printed_numbers.problems(path) == []


@pytest.mark.parametrize("code", [
    "draw, other = gather_figure, print\ndraw(stride, (3, 3), (1, 1), x, w)\n",
    "import functools\ndraw = functools.partial(gather_figure, stride, (3, 3))\ndraw((1, 1), x, kernel=w)\n",
    "from functools import partial\nshow = partial(gather_figure, kernel=w)\ndraw = show\ndraw(stride, (3, 3), (1, 1), x)\n",
    "from typing import Callable\ndraw: Callable = gather_figure\ndraw(stride, (3, 3), (1, 1), x, w)\n",
])
def test_a_picture_helper_bound_by_unpacking_or_partial_with_recorded_numbers_passes(tmp_path, code):
    """Control of the unpacking and partial mutations: followed, it draws only what plot_20 hands it."""
    from trtdeconv_docs.sphinx_ext import printed_numbers

    path = tmp_path / "plot_20_pictures_gather.py"
    path.write_text((EXAMPLES / path.name).read_text(encoding="utf-8") + "\n# %%\n" + code, encoding="utf-8")
    assert printed_numbers.problems(path) == []


def test_every_example_prints_and_draws_only_numbers_with_a_source():
    from trtdeconv_docs.sphinx_ext import printed_numbers

    assert [str(p) for path in sorted(EXAMPLES.glob("plot_*.py")) for p in printed_numbers.problems(path)] == []


def _gallery_with(source: Path, code: str) -> Path:
    """The gallery test root at ``source`` with the page check, and plot_01_base with ``code`` appended (its path)."""
    shutil.copytree(ROOT / "tests" / "roots" / "test-gallery", source)
    with (source / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write('extensions.append("trtdeconv_docs.sphinx_ext.rendered_literals")\n')
    (source / "examples").mkdir()
    shutil.copy(EXAMPLES / "GALLERY_HEADER.rst", source / "examples")
    return _example_with(source / "examples", code)


def _sphinx(source: Path, output: Path, *options: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sphinx", "-q", "-b", "html", *options, str(source), str(output)],
                          capture_output=True, text=True, timeout=300, env=environment_with_src())


def test_a_typed_array_printed_by_an_example_fails_the_site_build_at_its_output(tmp_path):
    """The whole path: the gallery runs the mutated example under the replay, the doctree check reports
    the printed number at the output block under the code that printed it, naming example, line, number."""
    example = _gallery_with(tmp_path / "source", "import numpy as np\nprint(np.array([[1.5, 2.25]]))\n")
    line = len(example.read_text(encoding="utf-8").splitlines())
    done = _sphinx(tmp_path / "source", tmp_path / "html")
    reported = [w for w in done.stderr.splitlines() if "TensorRT never produced" in w]
    assert len(reported) == 2 and all("gallery/plot_01_base.rst" in w for w in reported), done.stderr[-3000:]
    assert f"examples/plot_01_base.py, line {line}: prints 1.5," in reported[0]
    assert f"examples/plot_01_base.py, line {line}: prints 2.25," in reported[1]


GALLERY_PROSE_MUTATIONS = {
    # a text block appended to plot_01_base: (its Chinese, its English, what the check reports in zh_CN, in en)
    "value": ("中心元素是 12345.678。", "The centre element is 12345.678.", "value '12345.678'", "value '12345.678'"),
    "inline-math-value": ("中心元素 :math:`y = 23456.789`。", "The centre element :math:`y = 23456.789`.",
                          "value '23456.789'", "value '23456.789'"),
    "shape": ("输出形状为 (1, 1, 9, 9)。", "The output shape is (1, 1, 9, 9).",
              "shape '(1, 1, 9, 9)'", "shape '(1, 1, 9, 9)'"),
    "quantity": ("一次运行约 5 微秒。", "One run takes about 5 µs.", "quantity '5 µs'", "quantity '5 µs'"),
    # the Chinese states no number; only the English edition types one
    "english-only": ("中心元素的值见上面的输出。", "The centre element is 34567.891.", None, "value '34567.891'"),
    # a literal block (``::``) in a text block: not translated, the same array in both editions
    "printed-array": ("输出::\n\n    [[1. 2. 3.]\n     [4. 5. 6.]]", None, "printed '[[1. 2. 3.]\\n [4. 5. 6.]]'",
                      "printed '[[1. 2. 3.]\\n [4. 5. 6.]]'"),
}
GALLERY_CODE_CONTROL = "rows = [  # 5 微秒, (1, 1, 9, 9), 12345.678, 1x1x9x9\n    [1, 2, 3],\n    [4, 5, 6],\n]\n"
"""Code with a typed array and numbers in a comment: the example's code, shown as code, states nothing (printing
it would be a problem, :mod:`.printed_numbers`)."""


@pytest.fixture(scope="module")
def gallery_prose(tmp_path_factory):
    """plot_01_base with a text block per mutation (and a typed array in code), built in Chinese and in English
    (its catalog with each block's translation added): each edition's warnings."""
    folder = tmp_path_factory.mktemp("gallery-prose")
    blocks = ["\n".join(f"# {line}".rstrip() for line in chinese.split("\n"))
              for chinese, _, _, _ in GALLERY_PROSE_MUTATIONS.values()]
    _gallery_with(folder / "source", GALLERY_CODE_CONTROL + "".join(f"\n# %%\n{block}\n" for block in blocks))
    catalog = folder / "source" / "locale" / "en" / "LC_MESSAGES" / "gallery" / "plot_01_base.po"
    catalog.parent.mkdir(parents=True)
    catalog.write_text((ROOT / "docs" / "locale" / "en" / "LC_MESSAGES" / "gallery" / "plot_01_base.po").read_text(
        encoding="utf-8") + "".join(f'\nmsgid "{chinese}"\nmsgstr "{english}"\n'
                                    for chinese, english, _, _ in GALLERY_PROSE_MUTATIONS.values() if english),
        encoding="utf-8")
    with (folder / "source" / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write('locale_dirs = ["locale/"]\ngettext_compact = False\n')
    return {language: _sphinx(folder / "source", folder / language, "-D", f"language={language}").stderr
            for language in ("zh_CN", "en")}


def _typed_by_hand(warnings: str) -> List[str]:
    return [line for line in warnings.splitlines() if "is typed by hand" in line]


def _reported(language: str) -> List[str]:
    """What the check must report in ``language``'s edition, one entry per mutation that states a number there."""
    return [case[2 if language == "zh_CN" else 3] for case in GALLERY_PROSE_MUTATIONS.values()
            if case[2 if language == "zh_CN" else 3]]


@pytest.mark.xdist_group("gallery-prose")  # one worker builds the two editions, not every worker
@pytest.mark.parametrize("language, reported", [(language, reported) for language in ("zh_CN", "en")
                                                for reported in _reported(language)])
def test_a_number_typed_in_a_gallery_text_block_fails_in_either_edition(gallery_prose, language, reported):
    lines = [line for line in _typed_by_hand(gallery_prose[language]) if f"{reported} is typed" in line]
    assert len(lines) == 1, f"{reported} ({language}): {_typed_by_hand(gallery_prose[language]) or gallery_prose[language][-2000:]}"
    assert "gallery/plot_01_base.rst" in lines[0] and "(examples/plot_01_base.py)" in lines[0] \
        and "docs/literals.json" in lines[0], lines[0]


@pytest.mark.xdist_group("gallery-prose")
@pytest.mark.parametrize("language", ["zh_CN", "en"])
def test_a_gallery_page_reports_its_typed_numbers_and_nothing_generated(gallery_prose, language):
    """The control: the example's own prose (its values generated by a claim), code (a typed array among it),
    recorded output, download links and footer are not reported; only the mutations are."""
    expected = sorted(_reported(language))
    found = sorted(line.split(": WARNING: ", 1)[1].split(" is typed by hand")[0]
                   for line in _typed_by_hand(gallery_prose[language]))
    assert found == expected, gallery_prose[language][-3000:]
    assert "ERROR" not in gallery_prose[language] and "Unknown interpreted text role" not in gallery_prose[language]


@pytest.mark.parametrize("text, unsourced", [
    ("TensorRT is 2x faster and takes 5 us; 3 seconds to build.", ["2 ×", "5 µs", "3 s"]),
    ("TensorRT 快 8.0 倍，用时 5 微秒。", ["8.0 ×", "5 µs"]),
    ("1x1x9x9 and 7×5 are sizes, rings of 0s are zeros; channel 11 comes first.", []),
    # spellings the translation check knew and the page check did not, before prose.units was the one table
    ("TensorRT 用时 5 微秒的一半。", ["5 µs"]),
    ("It takes 5 milliseconds, 30 percent of 3 minutes, at 2 TFLOP/s and 4 nanoseconds.",
     ["5 ms", "30 %", "3 min", "2 TFLOP/s", "4 ns"]),
    ("kernel k3 s2, 5 mse, 3 minimum", []),
])
def test_a_short_quantity_in_either_edition_needs_a_source(text, unsourced):
    from trtdeconv_docs.sphinx_ext import page_literals

    found = page_literals.unsourced_quantities(text, "docs/base.md", page_literals.load_allow_list())
    assert [literal.literal for literal in found] == unsourced


def test_a_time_is_sourced_by_a_recorded_benchmark_median_rounded_as_shown_and_not_otherwise():
    from trtdeconv_docs.sphinx_ext import page_literals

    bench = analysis.load(RECORDINGS / "benchmark")
    run = next(r for r in bench.tensorrt["runs"] if r.get("samples_ms") and analysis.unusable(r) is None)
    median = analysis.statistics(run["samples_ms"])["median"]
    quoted = f"中位延迟 {median:.4g} 毫秒，即 {median * 1000:.4g} 微秒。"
    assert page_literals.unsourced_quantities(quoted, "docs/performance.md") == []
    typed = f"中位延迟 {median * 1.5:.4g} 毫秒。"
    assert [l.literal for l in page_literals.unsourced_quantities(typed, "docs/performance.md")] == [f"{median * 1.5:.4g} ms"]
