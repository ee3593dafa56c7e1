"""The PyTorch runner's CUDA-graph timing on CPU, against a FAKE ``torch`` (no PyTorch needed).

The fake records what a graph captures and replays it; events read a clock that each replayed
call advances by 0.01 ms. It proves the harness (capture after eager warm-up on a side stream,
warm-up until the medians settle, replays divided by the calls per graph, enqueue timed apart,
the launch-overhead graph); it says nothing about PyTorch's speed.
"""

import contextlib
import importlib
import sys
import types

import pytest

from trtdeconv_docs.trt import timing


class Clock:
    now = 0.0
    capturing = None


def make_torch():
    torch = types.ModuleType("torch")
    cuda = types.ModuleType("torch.cuda")

    class Event:
        def __init__(self, **_options):  # enable_timing=True
            self.time = None

        def record(self):
            self.time = Clock.now

        def elapsed_time(self, end):
            return end.time - self.time

    class CUDAGraph:
        def __init__(self):
            self.calls = []

        def replay(self):
            for call in self.calls:
                call()

    @contextlib.contextmanager
    def graph(g):
        Clock.capturing = g.calls
        try:
            yield
        finally:
            Clock.capturing = None

    class Stream:
        def wait_stream(self, other):
            pass

    cuda.Event, cuda.CUDAGraph, cuda.graph, cuda.Stream = Event, CUDAGraph, graph, Stream
    cuda.synchronize = lambda: None
    cuda.current_stream = lambda: Stream()
    cuda.stream = lambda s: contextlib.nullcontext()

    class Tensor:
        def add_(self, value):
            work()
            return self

        def copy_(self, other):
            work()
            return self

    torch.cuda, torch.float32 = cuda, "float32"
    torch.ones = lambda *a, **k: Tensor()
    torch.empty_like = lambda t: Tensor()
    functional = types.ModuleType("torch.nn.functional")
    torch.nn = types.SimpleNamespace(functional=functional)
    return torch, functional


def work():
    """One kernel: captured into the graph being recorded, else run now."""
    if Clock.capturing is not None:
        Clock.capturing.append(advance)
    else:
        advance()


def advance():
    Clock.now += 0.01


@pytest.fixture()
def runner(monkeypatch):
    torch, functional = make_torch()
    monkeypatch.setitem(sys.modules, "torch", torch)
    monkeypatch.setitem(sys.modules, "torch.nn", torch.nn)
    monkeypatch.setitem(sys.modules, "torch.nn.functional", functional)
    monkeypatch.delitem(sys.modules, "trtdeconv_docs.benchmark.pytorch", raising=False)
    yield importlib.import_module("trtdeconv_docs.benchmark.pytorch")
    sys.modules.pop("trtdeconv_docs.benchmark.pytorch", None)


def test_measured_replays_a_graph_and_times_the_enqueue_apart(runner):
    result = runner.measured(work)
    assert result["warmup"]["settled"]
    assert timing.MIN_ITERATIONS <= len(result["samples_ms"]) == result["latency_ms"]["iterations"]
    assert result["latency_ms"]["median"] == pytest.approx(0.01)
    assert result["enqueue_ms"]["latency_ms"]["iterations"] == timing.ENQUEUE_SAMPLES
    assert result["host_bound"] in (True, False)
    # the record's method names the calls made (the fake's classes carry PyTorch's names)
    assert result["method"] == {"launch": "CUDAGraph.replay", "clock": "Event.elapsed_time", "calls_per_launch": 1}
    assert result["enqueue_ms"]["clock"] == "perf_counter"


def test_the_method_follows_the_calls_and_the_backends_read_back(runner, monkeypatch):
    monkeypatch.setattr(sys.modules["torch"].cuda, "CUDAGraph", type("Replayer", (sys.modules["torch"].cuda.CUDAGraph,), {}))
    assert runner.measured(work)["method"]["launch"] == "Replayer.replay"
    backends = types.SimpleNamespace(cudnn=types.SimpleNamespace(benchmark=True, allow_tf32=False),
                                     cuda=types.SimpleNamespace(matmul=types.SimpleNamespace(allow_tf32=False)))
    monkeypatch.setattr(sys.modules["torch"], "backends", backends, raising=False)
    runner.set_tf32(True)
    assert runner.backends() == {"cudnn_benchmark": True, "cudnn_allow_tf32": True, "matmul_allow_tf32": True}
    runner.set_tf32(False)
    backends.cudnn.benchmark = False
    assert runner.backends() == {"cudnn_benchmark": False, "cudnn_allow_tf32": False, "matmul_allow_tf32": False}


def test_launch_overhead_divides_a_graph_of_n_kernels_by_n(runner):
    result = runner.launch_overhead()
    assert result["kernels_per_graph"] == timing.LAUNCH_KERNELS
    assert result["per_kernel"]["latency_ms"]["median"] == pytest.approx(0.01)
    assert result["single_graph"]["latency_ms"]["median"] == pytest.approx(0.01)
    assert result["latency_ms"] is result["per_kernel"]["latency_ms"]
