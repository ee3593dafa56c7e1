"""A FAKE ``tensorrt`` and cuda-python runtime that run networks in NumPy, on CPU: the one fake of the tests.

It exists so that the engine module (:mod:`trtdeconv_docs.trt.engine`: settings, refusals,
buffers, timed execute), the TensorRT benchmark runner (:mod:`trtdeconv_docs.benchmark.tensorrt`),
its ceilings, its CUDA-graph timing, its channels-last I/O and the user rewrite can be exercised
without a GPU: every layer added is evaluated in float64 by the project's own reference
(deconvolution) and formulations code (convolution), Q/DQ pairs round and clamp, formats
reorder the bytes as TensorRT's HWC8/HWC would. Device memory is host memory (:data:`CUDA`);
timings are made up (each graph replay "takes" 0.01 ms). :func:`modules` gives the
``sys.modules`` entries that make ``import tensorrt`` and cuda-python find the fakes. Nothing
here says anything about TensorRT; it tests the harness only.
"""

from __future__ import annotations

import ctypes
import enum
import itertools
import json
import types

import numpy as np

from trtdeconv_docs.benchmark import formulations, upsampling
from trtdeconv_docs.layer import reference
from trtdeconv_docs.layer.attributes import resolve
from trtdeconv_docs.trt import layouts

__version__ = "8.6.0-fake"
float32, float16, int8 = "float32", "float16", "int8"
_NP = {float32: np.float32, float16: np.float16, int8: np.int8}


def nptype(dtype):
    return _NP[dtype]


class Severity(enum.IntEnum):
    ERROR = 1
    WARNING = 2

    def __str__(self):  # as TensorRT's enums print
        return f"Severity.{self.name}"


class ILogger:
    Severity = Severity

    def __init__(self):
        pass


class IProfiler:
    def __init__(self):
        pass


BuilderFlag = enum.IntEnum("BuilderFlag", "FP16 INT8 TF32 OBEY_PRECISION_CONSTRAINTS")
TensorIOMode = enum.Enum("TensorIOMode", "INPUT OUTPUT")
MemoryPoolType = enum.IntEnum("MemoryPoolType", "WORKSPACE")
ProfilingVerbosity = enum.IntEnum("ProfilingVerbosity", "DETAILED")
LayerInformationFormat = enum.IntEnum("LayerInformationFormat", "JSON")
NetworkDefinitionCreationFlag = enum.IntEnum("NetworkDefinitionCreationFlag", "EXPLICIT_BATCH", start=0)
ActivationType = enum.IntEnum("ActivationType", "RELU")
ScaleMode = enum.IntEnum("ScaleMode", "UNIFORM CHANNEL ELEMENTWISE", start=0)
ElementWiseOperation = enum.IntEnum("ElementWiseOperation", "SUM PROD", start=0)
InterpolationMode = enum.IntEnum("InterpolationMode", "NEAREST LINEAR CUBIC", start=0)
ResizeCoordinateTransformation = enum.IntEnum("ResizeCoordinateTransformation", "ALIGN_CORNERS ASYMMETRIC HALF_PIXEL",
                                              start=0)
ResizeRoundMode = enum.IntEnum("ResizeRoundMode", "HALF_UP HALF_DOWN FLOOR CEIL", start=0)
TensorFormat = enum.IntEnum("TensorFormat", "LINEAR CHW2 HWC8 CHW4 CHW16 CHW32 DHWC8 CDHW32 HWC", start=0)
COMPONENTS = {"HWC8": 8, "DHWC8": 8, "HWC": 1}


class Weights:
    def __init__(self, array=None):
        self.array = None if array is None else np.asarray(array, np.float64)

    def numpy(self):
        return np.zeros(0) if self.array is None else self.array


class Tensor:
    def __init__(self, shape, dtype=float32, name=""):
        self.shape, self.dtype, self.name, self.allowed_formats = tuple(shape), dtype, name, None


class Layer:
    def __init__(self, kind, inputs, shape, **fields):
        self.kind, self.inputs, self.name = kind, list(inputs), ""
        self.__dict__.update(fields)
        self.output = Tensor(shape)

    def get_output(self, index):
        return self.output

    @property
    def num_inputs(self):
        return len(self.inputs)

    def get_input(self, index):
        return self.inputs[index] if index < len(self.inputs) else None

    def set_input(self, index, tensor):
        while len(self.inputs) <= index:
            self.inputs.append(None)
        self.inputs[index] = tensor


class Network:
    def __init__(self, flags=0):
        self.layers, self.inputs, self.outputs, self.flags = [], [], [], flags

    def add_input(self, name, dtype, shape):
        tensor = Tensor(shape, dtype, name)
        self.inputs.append(tensor)
        return tensor

    def get_input(self, index):
        return self.inputs[index]

    def _add(self, layer):
        self.layers.append(layer)
        return layer

    def add_constant(self, shape, value):
        array = value.array if isinstance(value, Weights) else np.asarray(value, np.float64)
        return self._add(Layer("constant", [], tuple(shape), value=np.asarray(array).reshape(tuple(shape))))

    def add_quantize(self, tensor, scale):
        return self._add(Layer("quantize", [tensor, scale], tensor.shape, axis=None))

    def add_dequantize(self, tensor, scale):
        return self._add(Layer("dequantize", [tensor, scale], tensor.shape, axis=None))

    def add_deconvolution_nd(self, x, maps, kernel_size, kernel, bias):
        layer = Layer("deconvolution", [x], (), num_output_maps=maps, kernel_size_nd=tuple(kernel_size), kernel=kernel,
                      bias=bias, dilation_nd=(1,) * len(kernel_size), stride_nd=(1,) * len(kernel_size), pre_padding=(0,) * len(kernel_size),
                      post_padding=(0,) * len(kernel_size), num_groups=1)
        return self._add(layer)

    def add_convolution_nd(self, x, maps, kernel_size, kernel, bias):
        layer = Layer("convolution", [x], (), num_output_maps=maps, kernel_size_nd=tuple(kernel_size), kernel=kernel,
                      bias=bias, pre_padding=(0,) * len(kernel_size), post_padding=(0,) * len(kernel_size),
                      num_groups=1)
        return self._add(layer)

    def add_shuffle(self, x):
        return self._add(Layer("shuffle", [x], (), reshape_dims=None, second_transpose=None))

    def add_slice(self, x, start, shape, stride):
        return self._add(Layer("slice", [x], tuple(shape), start=tuple(start), size=tuple(shape)))

    def add_concatenation(self, tensors):
        return self._add(Layer("concatenation", tensors, (), axis=0))

    def add_activation(self, x, kind):
        return self._add(Layer("relu", [x], x.shape))

    def add_scale(self, x, mode, shift, scale, power):
        assert mode == ScaleMode.CHANNEL and power.array is None
        return self._add(Layer("scale", [x], x.shape, shift=shift.array, scale=scale.array))

    def add_elementwise(self, a, b, operation):
        return self._add(Layer("elementwise", [a, b], (), operation=ElementWiseOperation(operation)))

    def add_resize(self, x):
        return self._add(Layer("resize", [x], (), scales=None, resize_mode=None, coordinate_transformation=None,
                               nearest_rounding=None))

    def mark_output(self, tensor):
        self.outputs.append(tensor)

    def unmark_output(self, tensor):
        self.outputs.remove(tensor)

    @property
    def num_layers(self):
        return len(self.layers)

    def get_layer(self, index):
        return self.layers[index]

    @property
    def num_outputs(self):
        return len(self.outputs)

    def get_output(self, index):
        return self.outputs[index]

    def evaluate(self, value_of_input):
        """Every layer in order, float64; the values by tensor id."""
        values = {id(t): value_of_input[t.name] for t in self.inputs}
        pending = list(self.layers)
        while pending:  # in dependency order: a rewired consumer may come before its new producer
            ready = [layer for layer in pending if all(t is None or id(t) in values for t in layer.inputs)]
            if not ready:
                raise ValueError("the fake network has a cycle or an input no layer produces")
            for layer in ready:
                ins = [None if t is None else values[id(t)] for t in layer.inputs]
                values[id(layer.output)] = out = self._run(layer, ins)
                layer.output.shape = out.shape
                pending.remove(layer)
        return values

    @staticmethod
    def _run(layer, ins):
        kind = layer.kind
        if kind == "constant":
            return layer.value
        if kind in ("quantize", "dequantize"):
            scale = np.asarray(ins[1], np.float32).astype(np.float64)
            if scale.size > 1 or layer.axis is not None:  # per channel: the scales along the layer's axis
                shape = [1] * ins[0].ndim
                shape[layer.axis] = -1
                scale = scale.reshape(shape)
            else:
                scale = float(scale.reshape(-1)[0])
            return np.clip(np.rint(ins[0] / scale), -128, 127) if kind == "quantize" else ins[0] * scale
        if kind == "relu":
            return np.maximum(ins[0], 0)
        if kind == "scale":
            shape = (1, -1) + (1,) * (ins[0].ndim - 2)
            return ins[0] * layer.scale.reshape(shape) + layer.shift.reshape(shape)
        if kind == "elementwise":
            return ins[0] + ins[1] if layer.operation == ElementWiseOperation.SUM else ins[0] * ins[1]
        if kind == "resize":
            assert layer.coordinate_transformation == ResizeCoordinateTransformation.HALF_PIXEL
            assert list(layer.scales[:2]) == [1.0, 1.0]
            mode = InterpolationMode(layer.resize_mode).name.lower()
            assert mode == "linear" or layer.nearest_rounding == ResizeRoundMode.FLOOR
            return upsampling.resize(ins[0], tuple(int(s) for s in layer.scales[2:]), mode)
        if kind in ("deconvolution", "convolution"):
            kernel = ins[1] if len(ins) > 1 and ins[1] is not None else layer.kernel.array
            bias = layer.bias.array if layer.bias.array is not None else np.zeros(layer.num_output_maps)
            if kind == "convolution":
                return formulations.convolve(ins[0], kernel, bias, layer.pre_padding, layer.post_padding,
                                             layer.num_groups)
            deconv = resolve(num_output_maps=layer.num_output_maps, kernel_size_nd=layer.kernel_size_nd,
                             stride_nd=layer.stride_nd,
                             pre_padding=layer.pre_padding, post_padding=layer.post_padding,
                             num_groups=layer.num_groups)
            return reference.deconvolve(ins[0], kernel, bias, deconv)
        if kind == "shuffle":
            out = ins[0].reshape(layer.reshape_dims) if layer.reshape_dims is not None else ins[0]
            return out.transpose(layer.second_transpose) if layer.second_transpose is not None else out
        if kind == "slice":
            return ins[0][tuple(slice(s, s + n) for s, n in zip(layer.start, layer.size))]
        if kind == "concatenation":
            return np.concatenate(ins, axis=layer.axis)
        raise NotImplementedError(kind)


class TimingCache:
    def __init__(self, data):
        self.data = data

    def serialize(self):
        return b"fake-timing-cache"


class Config:
    def __init__(self):
        self.flags = {BuilderFlag.TF32}
        self.profiling_verbosity = None
        self.builder_optimization_level = 3  # TensorRT's default
        self.pool, self.cache, self.profiles = None, None, []

    def set_memory_pool_limit(self, pool, size):
        self.pool = (pool, size)

    def add_optimization_profile(self, profile):
        self.profiles.append(profile)

    def set_flag(self, flag):
        self.flags.add(flag)

    def clear_flag(self, flag):
        self.flags.discard(flag)

    def get_flag(self, flag):
        return flag in self.flags

    def create_timing_cache(self, data):
        return TimingCache(data)

    def set_timing_cache(self, cache, _ignore_mismatch):
        self.cache = cache


class Builder:
    built = []
    behaviour = "build"
    """``build``, ``log_error`` (log an error, then build), ``refuse`` (log an error, return None) or ``raise``."""

    def __init__(self, logger):
        self.logger = logger

    def create_network(self, flags):
        return Network(flags)

    def create_builder_config(self):
        return Config()

    def create_optimization_profile(self):
        return Profile()

    def build_serialized_network(self, network, config):
        if Builder.behaviour == "raise":
            raise RuntimeError("the fake refuses by raising")
        if Builder.behaviour in ("log_error", "refuse"):
            self.logger.log(Severity.ERROR, "the fake logs an error")
        if Builder.behaviour == "refuse":
            return None
        Builder.built.append((network, config))
        return Serialized(network, config)


class Profile:
    def __init__(self):
        self.shapes = {}

    def set_shape(self, name, smallest, usual, largest):
        self.shapes[name] = (tuple(smallest), tuple(usual), tuple(largest))


class Serialized(bytes):
    """A plan: unique bytes (``bytes(plan)`` keeps it findable, as the engine module deserializes bytes)."""

    plans = {}

    def __new__(cls, network, config):
        self = super().__new__(cls, b"fake-plan-%d" % len(cls.plans))
        cls.plans[bytes(self)] = (network, config)
        return self

    @property
    def nbytes(self):  # IHostMemory has nbytes, not len()
        return len(bytes(self))


class Runtime:
    def __init__(self, logger):
        pass

    def deserialize_cuda_engine(self, serialized):
        return Engine(*Serialized.plans[bytes(serialized)])


def _format_name(tensor):
    if not tensor.allowed_formats:
        return "LINEAR"
    return TensorFormat(int(np.log2(tensor.allowed_formats))).name


class Engine:
    def __init__(self, network, config):
        self.network, self.config = network, config
        self.tensors = {t.name: t for t in network.inputs + network.outputs}
        self.opt = {name: shapes[1] for profile in config.profiles for name, shapes in profile.shapes.items()}
        network.evaluate({t.name: np.zeros(self.opt.get(t.name, t.shape)) for t in network.inputs})  # fills in shapes
        self.device_memory_size = 1024
        self.last = None  # (inputs, output as stored) of the last execution

    @property
    def num_io_tensors(self):
        return len(self.tensors)

    def get_tensor_name(self, index):
        return list(self.tensors)[index]

    def get_tensor_mode(self, name):
        return TensorIOMode.INPUT if any(t.name == name for t in self.network.inputs) else TensorIOMode.OUTPUT

    def get_tensor_shape(self, name):
        return self.tensors[name].shape

    def get_tensor_format(self, name):
        return TensorFormat[_format_name(self.tensors[name])]

    def get_tensor_format_desc(self, name):
        return f"fake {_format_name(self.tensors[name])} {self.tensors[name].dtype}"

    def get_tensor_vectorized_dim(self, name):
        return 1 if _format_name(self.tensors[name]) != "LINEAR" else -1

    def get_tensor_components_per_element(self, name):
        return COMPONENTS.get(_format_name(self.tensors[name]), 1)

    def get_tensor_dtype(self, name):
        return self.tensors[name].dtype

    def create_execution_context(self):
        return Context(self)

    def create_engine_inspector(self):
        layers = [{"Name": layer.name or layer.kind, "LayerType": "Fake" + layer.kind.title(),
                   "TacticName": f"sm80_fake_{layer.kind}_f32f32_f32f32_f32",
                   "Inputs": [{"Format/Datatype": "Row major linear FP32"}],
                   "Outputs": [{"Format/Datatype": "Row major linear FP32"}],
                   **({"Weights": {"Type": "Int8"}} if len(layer.inputs) > 1 and layer.kind.endswith("volution")
                      else {})}
                  for layer in self.network.layers if layer.kind not in ("constant",)]
        return types.SimpleNamespace(get_engine_information=lambda fmt: json.dumps({"Layers": layers}))


class Context:
    def __init__(self, engine):
        self.engine, self.addresses, self.profiler = engine, {}, None
        self.input_shapes = {t.name: t.shape for t in engine.network.inputs}

    def set_input_shape(self, name, shape):
        smallest, _, largest = next(p.shapes[name] for p in self.engine.config.profiles if name in p.shapes)
        assert all(lo <= d <= hi for lo, d, hi in zip(smallest, shape, largest)), (name, shape)
        self.input_shapes[name] = tuple(shape)
        return True

    def get_tensor_shape(self, name):
        if name in self.input_shapes:
            return self.input_shapes[name]
        network = self.engine.network
        network.evaluate({t.name: np.zeros(self.input_shapes[t.name]) for t in network.inputs})
        return self.engine.tensors[name].shape

    def set_tensor_address(self, name, pointer):
        self.addresses[name] = pointer

    def execute_async_v3(self, stream):
        CUDA.enqueue(stream, self._execute)
        return True

    def _execute(self):
        engine, given, key = self.engine, {}, []
        for x in engine.network.inputs:
            shape = self.input_shapes[x.name]
            layout = {"format": _format_name(x), "components": engine.get_tensor_components_per_element(x.name)}
            stored = CUDA.read(self.addresses[x.name], layouts.engine_shape(shape, layout), nptype(x.dtype))
            given[x.name] = layouts.from_engine(stored, shape, layout).astype(np.float64)
            key.append((x.name, shape, stored.tobytes()))
        y = engine.network.outputs[0]
        key = tuple(key)
        if engine.last is None or engine.last[0] != key:  # replays of the same inputs are evaluated once
            values = engine.network.evaluate(given)
            out_layout = {"format": _format_name(y), "components": engine.get_tensor_components_per_element(y.name)}
            engine.last = (key, layouts.to_engine(values[id(y)].astype(nptype(y.dtype)), out_layout))
        CUDA.write(self.addresses[y.name], engine.last[1])
        if self.profiler is not None:
            for layer in engine.network.layers:
                self.profiler.report_layer_time(layer.name or layer.kind, 0.001)


class FakeCudart:
    """cuda-python's runtime calls the runner makes, on host memory; graphs record and replay enqueued work."""

    class cudaError_t(enum.IntEnum):
        cudaSuccess = 0

    cudaMemcpyKind = enum.IntEnum("cudaMemcpyKind", "cudaMemcpyHostToDevice cudaMemcpyDeviceToHost "
                                  "cudaMemcpyDeviceToDevice")
    cudaStreamCaptureMode = enum.IntEnum("cudaStreamCaptureMode", "cudaStreamCaptureModeThreadLocal")

    def __init__(self):
        self.memory, self.next, self.capturing = {}, itertools.count(1 << 20, 1 << 20), None
        self.clock, self.events = 0.0, {}

    ok = cudaError_t.cudaSuccess

    def enqueue(self, stream, work):
        if self.capturing is not None:
            self.capturing.append(work)
        else:
            work()
            self.clock += 0.01

    def read(self, pointer, shape, dtype):
        size = int(np.prod(shape)) * np.dtype(dtype).itemsize
        return np.frombuffer(bytes(self.memory[pointer][:size]), dtype=dtype).reshape(shape).copy()

    def write(self, pointer, array):
        data = np.ascontiguousarray(array).tobytes()
        self.memory[pointer][:len(data)] = data

    def cudaGetDevice(self):
        return self.ok, 0

    def cudaGetDeviceProperties(self, device):
        return self.ok, types.SimpleNamespace(name=b"FAKE GPU", major=0, minor=0, l2CacheSize=1 << 20)

    def cudaRuntimeGetVersion(self):
        return self.ok, 12090

    def cudaDriverGetVersion(self):
        return self.ok, 13000

    def cudaStreamCreate(self):
        return self.ok, 7

    def cudaStreamDestroy(self, stream):
        return (self.ok,)

    def cudaEventCreate(self):
        return self.ok, types.SimpleNamespace(time=0.0)

    def cudaMalloc(self, size):
        pointer = next(self.next)
        self.memory[pointer] = bytearray(size)
        return self.ok, pointer

    def cudaFree(self, pointer):
        del self.memory[pointer]
        return (self.ok,)

    def cudaMemset(self, pointer, value, count):
        np.frombuffer(self.memory[pointer], dtype=np.uint8)[:count] = value  # in place: the L2 flush runs thousands of times
        return (self.ok,)

    def cudaMemsetAsync(self, pointer, value, count, stream):
        self.enqueue(stream, lambda: self.cudaMemset(pointer, value, count))
        return (self.ok,)

    def cudaMemcpy(self, destination, source, count, kind):
        if kind == self.cudaMemcpyKind.cudaMemcpyHostToDevice:
            self.memory[destination][:count] = ctypes.string_at(source, count)
        else:
            ctypes.memmove(destination, bytes(self.memory[source][:count]), count)
        return (self.ok,)

    def cudaMemcpyAsync(self, destination, source, count, kind, stream):
        if kind == self.cudaMemcpyKind.cudaMemcpyDeviceToDevice:
            def work():
                self.memory[destination][:count] = self.memory[source][:count]
            self.enqueue(stream, work)
        else:  # host memory is read or written when the stream gets there; the fake's stream runs at once
            self.enqueue(stream, lambda: self.cudaMemcpy(destination, source, count, kind))
        return (self.ok,)

    def cudaStreamSynchronize(self, stream):
        return (self.ok,)

    def cudaEventRecord(self, event, stream):
        self.enqueue(stream, lambda: setattr(event, "time", self.clock))
        return (self.ok,)

    def cudaEventElapsedTime(self, start, end):
        return self.ok, end.time - start.time

    def cudaStreamBeginCapture(self, stream, mode):
        self.capturing = []
        return (self.ok,)

    def cudaStreamEndCapture(self, stream):
        graph, self.capturing = self.capturing, None
        return self.ok, graph

    def cudaGraphInstantiate(self, graph, flags):
        return self.ok, list(graph)

    def cudaGraphLaunch(self, executable, stream):
        def work():
            for item in executable:
                item()
                self.clock += 0.01
        self.enqueue(stream, work)
        return (self.ok,)

    def cudaGraphExecDestroy(self, executable):
        return (self.ok,)

    def cudaGraphDestroy(self, graph):
        return (self.ok,)


CUDA = FakeCudart()


def modules():
    """``sys.modules`` entries that make ``import tensorrt`` and ``from cuda.bindings import runtime`` find the fakes."""
    import sys

    cuda, bindings = types.ModuleType("cuda"), types.ModuleType("cuda.bindings")
    cuda.bindings, bindings.runtime = bindings, CUDA
    return {"tensorrt": sys.modules[__name__], "cuda": cuda, "cuda.bindings": bindings, "cuda.bindings.runtime": CUDA}


def live_buffers() -> int:
    """Fake device allocations not freed yet."""
    return len(CUDA.memory)
