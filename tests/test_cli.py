"""The ``trtdeconv-docs`` command line: results equal the reference model, refusals are one line."""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata

import numpy as np
import pytest

from trtdeconv_docs import cli, reference, shapes
from trtdeconv_docs.attributes import resolve

LAYER = ["--num-output-maps", "2", "--kernel-size-nd", "3,3"]
RUN = ["reference", "x.npy", "--kernel", "k.npy", "--bias", "b.npy", "--output", "out.npy"]
SHAPE = ["shape", "--input-shape", "1,2,3,3"]


@pytest.fixture
def files(tmp_path, monkeypatch):
    """Good and bad input files in the working directory."""
    monkeypatch.chdir(tmp_path)
    rng = np.random.default_rng(0)
    np.save("x.npy", rng.standard_normal((1, 2, 3, 3)))
    np.save("k.npy", rng.standard_normal((2, 2, 3, 3)).astype(np.float32))
    np.save("b.npy", np.array([0.5, -1.0]))
    np.save("pickled.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    np.save("complex.npy", np.ones((1, 2, 3, 3), dtype=complex))
    np.save("x3d.npy", np.ones((1, 2, 3)))
    np.save("short_kernel.npy", np.ones(17))
    np.save("bias3.npy", np.ones(3))
    np.savez("archive.npz", x=np.ones(3))
    (tmp_path / "text.npy").write_text("1 2 3\n")
    return tmp_path


REFUSALS = [
    ("missing input file", [*RUN[:1], "absent.npy", *RUN[2:], *LAYER], "input absent.npy"),
    ("pickled input", [*RUN[:1], "pickled.npy", *RUN[2:], *LAYER], "allow_pickle=False"),
    ("kernel not an npy file", [*RUN[:3], "text.npy", *RUN[4:], *LAYER], "kernel text.npy"),
    ("kernel an npz archive", [*RUN[:3], "archive.npz", *RUN[4:], *LAYER], "kernel archive.npz"),
    ("complex input", [*RUN[:1], "complex.npy", *RUN[2:], *LAYER], "complex128"),
    ("input of the wrong rank", [*RUN[:1], "x3d.npy", *RUN[2:], *LAYER], "input shape"),
    ("kernel length", [*RUN[:3], "short_kernel.npy", *RUN[4:], *LAYER], "kernel has 17 values"),
    ("bias length", [*RUN[:5], "bias3.npy", *RUN[6:], *LAYER], "bias has 3 values"),
    ("output directory missing", [*RUN[:7], "no/such/dir.npy", *LAYER], "output no/such/dir.npy"),
    ("kernel file not given", [*RUN[:2], *RUN[4:], *LAYER], "required: --kernel"),
    ("no subcommand", [], "command"),
    ("stride not integers", [*SHAPE, *LAYER, "--stride-nd", "2,x"], "stride_nd"),
    ("input shape not integers", ["shape", "--input-shape", "1,2,3,x", *LAYER], "input shape"),
    ("num_output_maps not an integer", [*SHAPE, "--num-output-maps", "two", "--kernel-size-nd", "3,3"], "--num-output-maps"),
    ("kernel_size_nd 1-D", [*SHAPE, "--num-output-maps", "2", "--kernel-size-nd", "3"], "kernel_size_nd"),
    ("stride of another rank", [*SHAPE, *LAYER, "--stride-nd", "2,2,2"], "stride_nd"),
    ("stride 0", [*SHAPE, *LAYER, "--stride-nd", "0,1"], "stride_nd"),
    ("dilation 0", [*SHAPE, *LAYER, "--dilation-nd", "1,0"], "dilation_nd"),
    ("negative padding_nd", [*SHAPE, *LAYER, "--padding-nd=-1,0"], "padding_nd"),
    ("negative pre_padding", [*SHAPE, *LAYER, "--pre-padding=0,-1"], "pre_padding"),
    ("negative post_padding", [*SHAPE, *LAYER, "--post-padding=-2,0"], "post_padding"),
    ("unknown padding mode", [*SHAPE, *LAYER, "--padding-mode", "VALID"], "padding_mode"),
    ("groups do not divide the channels", ["shape", "--input-shape", "1,3,3,3", *LAYER, "--num-groups", "2"], "num_groups"),
    ("groups do not divide the maps", [*SHAPE, "--num-output-maps", "3", "--kernel-size-nd", "3,3", "--num-groups", "2"], "num_groups"),
    ("output dimension below 0", [*SHAPE, *LAYER, "--pre-padding", "3,0", "--post-padding", "3,0"], "pre_padding/post_padding"),
    ("input dimension 0", ["shape", "--input-shape", "1,2,0,3", *LAYER], "input shape"),
]


@pytest.mark.parametrize("argv, named", [pytest.param(argv, named, id=name) for name, argv, named in REFUSALS])
def test_refusal_is_one_line_and_status_2(files, capsys, argv, named):
    status = cli.main(argv)
    out, err = capsys.readouterr()
    assert status == 2
    assert out == ""
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert err.startswith("trtdeconv-docs: error: "), err
    assert named in err, err
    assert not (files / "out.npy").exists()


def test_reference_writes_what_the_reference_model_computes(files):
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 4, 3, 2))
    kernel = rng.standard_normal((4, 3, 2, 3))
    bias = rng.standard_normal(6)
    for name, value in (("x.npy", x), ("k.npy", kernel), ("b.npy", bias)):
        np.save(name, value)
    attributes = dict(num_output_maps=6, kernel_size_nd=(2, 3), stride_nd=(2, 1), pre_padding=(1, 0),
                      post_padding=(0, 1), dilation_nd=(1, 2), num_groups=2)
    argv = [*RUN, "--num-output-maps", "6", "--kernel-size-nd", "2,3", "--stride-nd", "2,1",
            "--pre-padding", "1,0", "--post-padding", "0,1", "--dilation-nd", "1,2", "--num-groups", "2"]
    assert cli.main(argv) == 0
    np.testing.assert_array_equal(np.load("out.npy"), reference.deconvolution(x, kernel, bias, **attributes))


def test_reference_without_bias_and_with_a_same_mode(files):
    x, kernel = np.load("x.npy"), np.load("k.npy")
    argv = ["reference", "x.npy", "--kernel", "k.npy", "--output", "out.npy", *LAYER,
            "--stride-nd", "2,2", "--padding-mode", "SAME_LOWER"]
    assert cli.main(argv) == 0
    expected = reference.deconvolution(x, kernel, num_output_maps=2, kernel_size_nd=(3, 3), stride_nd=(2, 2),
                                       padding_mode="SAME_LOWER")
    np.testing.assert_array_equal(np.load("out.npy"), expected)


@pytest.mark.parametrize("options, attributes", [
    ([], {}),
    (["--stride-nd", "2,2", "--padding-mode", "SAME_UPPER"], {"stride_nd": (2, 2), "padding_mode": "SAME_UPPER"}),
    (["--padding-nd", "1,1", "--post-padding", "0,2"], {"padding_nd": (1, 1), "post_padding": (0, 2)}),
])
def test_shape_prints_output_shape(capsys, options, attributes):
    assert cli.main([*SHAPE, *LAYER, *options]) == 0
    layer = resolve(num_output_maps=2, kernel_size_nd=(3, 3), **attributes)
    assert capsys.readouterr().out == f"{shapes.output_shape((1, 2, 3, 3), layer)}\n"


def test_python_dash_m_refuses_without_traceback(files):
    result = subprocess.run([sys.executable, "-m", "trtdeconv_docs", *RUN[:1], "pickled.npy", *RUN[2:], *LAYER],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert result.stderr.startswith("trtdeconv-docs: error: input pickled.npy: ")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_python_dash_m_prints_shape():
    result = subprocess.run([sys.executable, "-m", "trtdeconv_docs", *SHAPE, *LAYER],
                            capture_output=True, text=True, check=True)
    assert result.stdout == f"{shapes.output_shape((1, 2, 3, 3), resolve(num_output_maps=2, kernel_size_nd=(3, 3)))}\n"


def test_installed_script_is_cli_main():
    entries = metadata.distribution("trtdeconv-docs").entry_points
    (script,) = [entry for entry in entries if entry.group == "console_scripts" and entry.name == "trtdeconv-docs"]
    assert script.load() is cli.main
