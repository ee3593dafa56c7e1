"""Clocks, power and temperature of the GPU around every timed run, read from NVML.

Both runners record a :func:`snapshot` before and after each run. NVML is read through
``pynvml`` (the ``nvidia-ml-py`` wheel, ``requirements/gpu-py39-extra.txt``) where it imports,
else through ``nvidia-smi --query-gpu`` (slower: :class:`Monitor` then reads at most once per
:data:`SMI_INTERVAL` seconds and says so), else not at all (the record says why). The runners
never lock or change clocks; whether they were locked is not something these readings tell, so the recording
claims nothing about it.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from typing import Any, Callable, Dict, Optional

SMI_INTERVAL = 5.0
SMI_FIELDS = ("clocks.sm", "clocks.mem", "clocks.max.sm", "power.draw", "temperature.gpu",
              "clocks_throttle_reasons.active")
"""What ``nvidia-smi --query-gpu`` is asked, in :func:`snapshot`'s key order."""
KEYS = ("sm_clock_mhz", "memory_clock_mhz", "max_sm_clock_mhz", "power_w", "temperature_c", "throttle_reasons")


def _pynvml_reader(index: int) -> Optional[Callable[[], Dict[str, Any]]]:
    try:
        import pynvml
    except ImportError:
        return None
    try:
        pynvml.nvmlInit()
        handle = pynvml.nvmlDeviceGetHandleByIndex(index)
    except Exception:  # no driver library, or no device: the fallback says so
        return None

    def read() -> Dict[str, Any]:
        return {"sm_clock_mhz": pynvml.nvmlDeviceGetClockInfo(handle, pynvml.NVML_CLOCK_SM),
                "memory_clock_mhz": pynvml.nvmlDeviceGetClockInfo(handle, pynvml.NVML_CLOCK_MEM),
                "max_sm_clock_mhz": pynvml.nvmlDeviceGetMaxClockInfo(handle, pynvml.NVML_CLOCK_SM),
                "power_w": pynvml.nvmlDeviceGetPowerUsage(handle) / 1000.0,
                "temperature_c": pynvml.nvmlDeviceGetTemperature(handle, pynvml.NVML_TEMPERATURE_GPU),
                "throttle_reasons": hex(pynvml.nvmlDeviceGetCurrentClocksThrottleReasons(handle))}
    read()
    return read


def parse_smi_line(line: str) -> Dict[str, Any]:
    """One ``nvidia-smi --query-gpu=SMI_FIELDS --format=csv,noheader,nounits`` line as a snapshot."""
    values = [v.strip() for v in line.split(",")]
    if len(values) != len(KEYS):
        raise ValueError(f"nvidia-smi printed {len(values)} fields, expected {len(KEYS)}: {line!r}")
    result: Dict[str, Any] = {}
    for key, value in zip(KEYS, values):
        if key == "throttle_reasons":
            result[key] = value
            continue
        try:
            result[key] = float(value)
        except ValueError:
            result[key] = None  # "[N/A]" or "[Not Supported]"
    return result


def _smi_reader(index: int) -> Optional[Callable[[], Dict[str, Any]]]:
    binary = shutil.which("nvidia-smi")
    if binary is None:
        return None

    def read() -> Dict[str, Any]:
        text = subprocess.run([binary, f"--id={index}", "--query-gpu=" + ",".join(SMI_FIELDS),
                               "--format=csv,noheader,nounits"], capture_output=True, text=True, timeout=10,
                              check=True).stdout
        return parse_smi_line(text.strip().splitlines()[0])
    try:
        read()
    except (OSError, subprocess.SubprocessError, ValueError, IndexError):
        return None
    return read


class Monitor:
    """Reads NVML snapshots of one GPU; ``source`` says how (``pynvml``, ``nvidia-smi`` or ``none``)."""

    def __init__(self, index: int = 0, readers=(("pynvml", _pynvml_reader), ("nvidia-smi", _smi_reader))):
        self.source, self._read, self._last, self._last_time = "none", None, None, -1e9
        for name, make in readers:
            read = make(index)
            if read is not None:
                self.source, self._read = name, read
                break

    def snapshot(self) -> Optional[Dict[str, Any]]:
        """The GPU's state now (``None`` without NVML); through nvidia-smi at most every :data:`SMI_INTERVAL` s."""
        if self._read is None:
            return None
        now = time.monotonic()
        if self.source == "nvidia-smi" and now - self._last_time < SMI_INTERVAL:
            return {**self._last, "stale_seconds": round(now - self._last_time, 2)}
        try:
            self._last, self._last_time = self._read(), now
        except Exception as error:  # a failed read is recorded, never fatal to the run
            return {"error": f"{type(error).__name__}: {error}"}
        return dict(self._last)

    def describe(self) -> Dict[str, Any]:
        """What the recording's settings say about NVML: how it was read."""
        return {"source": self.source}
