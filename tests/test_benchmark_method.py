"""The measurement helpers of the benchmark runners, on CPU: NVML parsing, spec checks, channels-last I/O."""

import numpy as np
import pytest

from trtdeconv_docs.benchmark import nvml, specs
from trtdeconv_docs.trt import layouts, timing


def test_nvidia_smi_lines_parse_and_missing_values_stay_missing():
    line = "1980, 2619, 1980, 350.52, 45, 0x0000000000000000"
    assert nvml.parse_smi_line(line) == {"sm_clock_mhz": 1980.0, "memory_clock_mhz": 2619.0,
                                         "max_sm_clock_mhz": 1980.0, "power_w": 350.52, "temperature_c": 45.0,
                                         "throttle_reasons": "0x0000000000000000"}
    assert nvml.parse_smi_line("1980, 2619, 1980, [N/A], 45, 0x1")["power_w"] is None
    with pytest.raises(ValueError, match="6"):
        nvml.parse_smi_line("1, 2")


def test_a_monitor_without_nvml_says_so():
    monitor = nvml.Monitor(readers=(("pynvml", lambda index: None),))
    assert monitor.source == "none" and monitor.snapshot() is None
    assert monitor.describe() == {"source": "none"}


def test_a_monitor_records_a_failed_read_instead_of_failing():
    def reader(index):
        def read():
            raise OSError("gone")
        return read
    monitor = nvml.Monitor(readers=(("pynvml", reader),))
    assert monitor.snapshot() == {"error": "OSError: gone"}


def test_spec_checks_flag_an_impossible_int8_ceiling():
    """The first recording's ceilings (H200): _int_mm with a row-major operand gave 128.7 TOPS, under FP16's."""
    measured = {"bandwidth": 4.3e12, "peak_fp32": 50e12, "peak_tf32": 350e12, "peak_fp16": 700e12,
                "peak_int8": 128.7e12}
    found = specs.problems(measured, "NVIDIA H200")
    assert any(p.startswith("peak_int8") and "6.5 %" in p for p in found)
    assert "peak_int8 = 1.287e+14 < peak_fp16 = 7e+14" in found
    assert specs.problems({**measured, "peak_int8": 1400e12}, "NVIDIA H200") == []
    assert specs.spec_for("NVIDIA H100 80GB HBM3") is specs.SPECS["H100 80GB HBM3"]
    assert specs.problems(measured, "FAKE")[0] == "no spec values for 'FAKE': the ceilings cannot be checked"


@pytest.mark.parametrize("fmt, components, shape", [("HWC8", 8, (2, 5, 3, 4)), ("HWC", 1, (2, 5, 3, 4)),
                                                    ("DHWC8", 8, (1, 3, 2, 3, 2)), ("LINEAR", 1, (2, 3, 4, 5))])
def test_channels_last_round_trips_and_pads_with_zeros(fmt, components, shape):
    layout = {"format": fmt, "components": components}
    array = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    stored = layouts.to_engine(array, layout)
    assert stored.shape == layouts.engine_shape(shape, layout)
    if fmt != "LINEAR":
        assert stored.shape[-1] % components == 0 and np.all(stored[..., shape[1]:] == 0)
        assert stored[1 if shape[0] > 1 else 0, ..., 2].ravel()[0] == np.moveaxis(array, 1, -1)[
            1 if shape[0] > 1 else 0, ..., 2].ravel()[0]
    np.testing.assert_array_equal(layouts.from_engine(stored, shape, layout), array)


def test_settling_needs_three_agreeing_batches():
    assert not timing.settled([1.0, 1.0])
    assert timing.settled([1.0, 1.01, 1.0])
    assert not timing.settled([1.0, 1.5, 1.5])
    assert timing.iterations_for(10.0) == timing.MIN_ITERATIONS
    assert timing.iterations_for(1e-4) == timing.MAX_ITERATIONS


def test_the_reformat_share_reads_the_profiled_layers_by_inspector_type():
    from trtdeconv_docs.benchmark import analysis

    record = {"engine_layers": [{"Name": "in", "LayerType": "Reformat"}, {"Name": "deconvolution",
                                                                         "LayerType": "CaskDeconvolutionV2"},
                                {"Name": "out", "LayerType": "Reformat"}],
              "layer_times_ms": {"in": {"median": 0.01}, "deconvolution": {"median": 0.06}, "out": {"median": 0.03}}}
    assert analysis.reformat_share(record) == pytest.approx(0.4)
    assert analysis.reformat_share({"engine_layers": []}) is None
