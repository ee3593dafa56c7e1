"""The ``trtdeconv-docs`` command line: results equal the reference model, refusals are one line."""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata

import numpy as np
import pytest

from trtdeconv_docs import cli
from trtdeconv_docs.layer import limits, reference, shapes
from trtdeconv_docs.layer.attributes import resolve

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
    np.save("kernel_2_2_9.npy", np.ones((2, 2, 9)))
    np.save("kernel_transposed.npy", np.ones((2, 2, 3, 3)).transpose(1, 0, 2, 3)[:, :, :, :2])
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
    ("kernel length", [*RUN[:3], "short_kernel.npy", *RUN[4:], *LAYER], "kernel weights has count 17 but 36 was expected"),
    ("bias length", [*RUN[:5], "bias3.npy", *RUN[6:], *LAYER], "bias weights has count 3 but 2 was expected"),
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
    ("kernel of another layout", [*RUN[:3], "kernel_2_2_9.npy", *RUN[4:], *LAYER], "not TensorRT's layout"),
    ("kernel of another shape", [*RUN[:3], "kernel_transposed.npy", *RUN[4:], *LAYER], "(2, 2, 3, 3)"),
    ("stride above TensorRT's limit", [*SHAPE, *LAYER, f"--stride-nd={limits.MAX_STRIDE + 1},1"], "stride_nd"),
    ("dilation above TensorRT's limit", [*SHAPE, *LAYER, f"--dilation-nd=1,{limits.MAX_DILATION + 1}"], "dilation_nd"),
    ("padding above TensorRT's limit", [*SHAPE, *LAYER, f"--padding-nd={limits.MAX_PADDING + 1},0"], "padding_nd"),
    ("post_padding above TensorRT's limit", [*SHAPE, *LAYER, f"--post-padding=0,{limits.MAX_PADDING + 1}"], "post_padding"),
    ("groups above TensorRT's limit", [*SHAPE, *LAYER, f"--num-groups={limits.MAX_GROUPS + 1}"], "num_groups"),
    ("maps above TensorRT's limit", [*SHAPE, f"--num-output-maps={limits.MAX_OUTPUT_MAPS + 1}", "--kernel-size-nd", "3,3"], "num_output_maps"),
    ("2-D kernel volume above TensorRT's limit", [*SHAPE, "--num-output-maps", "2", "--kernel-size-nd", "1000,100"], "volume 100000"),
    ("3-D kernel volume above TensorRT's limit", ["shape", "--input-shape", "1,2,3,3,3", "--num-output-maps", "2", "--kernel-size-nd", "1,1,31622776"], "volume 31622776"),
    ("kernel size past int32", [*SHAPE, "--num-output-maps", "2", "--kernel-size-nd", "4294967296,1"], "32-bit"),
    ("input dimension past int32", ["shape", "--input-shape", "1,2,2147483648,1", *LAYER], "32-bit"),
    ("input volume past TensorRT's limit", ["shape", "--input-shape", "1,2,65536,16384", *LAYER], "2147483647"),
    ("output volume past TensorRT's limit", ["shape", "--input-shape", "65536,1,1,1", "--num-output-maps", "1", "--kernel-size-nd", "128,256"], "2147483648 elements"),
    ("input rank below the kernel's", ["shape", "--input-shape", "1,2,3", *LAYER], "at least 4 dimensions"),
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


def test_reference_estimates_its_memory_before_allocating(files, capsys, monkeypatch):
    """A layer whose float64 working set passes the free memory is one line, not a MemoryError."""
    layer = resolve(num_output_maps=2, kernel_size_nd=(3, 3))
    needed = reference.working_bytes((1, 2, 3, 3), layer)
    monkeypatch.setattr(cli, "available_memory", lambda: needed - 1)
    assert cli.main([*RUN, *LAYER]) == 2
    out, err = capsys.readouterr()
    assert err.count("\n") == 1 and f"needs {needed} bytes" in err, err
    monkeypatch.setattr(cli, "available_memory", lambda: needed)
    assert cli.main([*RUN, *LAYER]) == 0


def test_reference_says_where_fp32_would_overflow(files, capsys):
    np.save("big.npy", np.full((1, 2, 3, 3), 3e38))
    assert cli.main(["reference", "big.npy", "--kernel", "k.npy", "--output", "out.npy", *LAYER]) == 0
    out, err = capsys.readouterr()
    assert err.count("\n") == 1 and "FP32" in err and "inf" in err, err
    assert cli.main([*RUN, *LAYER]) == 0
    assert capsys.readouterr().err == ""


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
