"""``python-trt`` on CPU for tools/gpu/perf.sh's tests: ``python fake_python_trt.py [-W ...] -m MODULE ARGS``.

Runs ``MODULE`` as ``__main__`` with the FAKE tensorrt and cuda-python of ``tests/fake_tensorrt/tensorrt.py`` in
``sys.modules``, the ceilings' sizes made small (as the runner tests' fixture does), and the fake GPU
named ``$FAKE_GPU_NAME`` (default ``FAKE GPU``). It says nothing about TensorRT.
"""

import os
import runpy
import sys
import types
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.fake_tensorrt import tensorrt as fake_tensorrt  # noqa: E402  (after the path that finds it)


def main(argv):
    while argv and argv[0] == "-W":
        argv = argv[2:]
    if argv[:1] != ["-m"]:
        raise SystemExit("usage: fake_python_trt.py [-W FILTER]... -m MODULE [ARG]...")
    sys.modules.update(fake_tensorrt.modules())
    name = os.environ.get("FAKE_GPU_NAME", "FAKE GPU").encode()
    fake_tensorrt.FakeCudart.cudaGetDeviceProperties = lambda self, device: (
        self.ok, types.SimpleNamespace(name=name, major=9, minor=0, l2CacheSize=1 << 20))
    from tests.support.benchmark_fake import SMALL_CEILINGS
    from trtdeconv_docs.benchmark import trt_ceilings

    for constant, value in SMALL_CEILINGS.items():
        setattr(trt_ceilings, constant, value)
    sys.argv = [argv[1]] + argv[2:]
    runpy.run_module(argv[1], run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main(sys.argv[1:])
