"""A FAKE ``tensorrt`` (and the state of its FAKE cuda-python runtime) that runs networks in NumPy, on CPU: the
one fake TensorRT of the tests.

Importable two ways: as ``tensorrt`` in a subprocess whose ``PYTHONPATH`` starts with this folder (the
session's live path, ``tests/test_session_live.py``; the runtime-call log of plot_00, ``tests/test_runtime_calls.py``;
``cuda/bindings/runtime.py`` beside it answers cuda-python from :data:`CUDA`), and in-process as
``tests.fake_tensorrt.tensorrt``, put into ``sys.modules`` by :func:`modules` (the engine module
:mod:`trtdeconv_docs.trt.engine`, the TensorRT benchmark runner, its ceilings, CUDA-graph timing,
channels-last I/O and the user rewrite; ``tests/support/benchmark_fake.py``, ``tests/support/fake_python_trt.py``).

Every layer added is evaluated in float64 by the project's own reference (deconvolution) and formulations code
(convolution), Q/DQ pairs round and clamp, formats reorder the bytes as TensorRT's HWC8/HWC would. Classes carry
TensorRT's names (``INetworkDefinition``, ``IDeconvolutionLayer``, ``ICudaEngine``, ...), so the call logs and the
API-list check treat them as TensorRT's. What it imitates of TensorRT 8.6's behaviour is what the harness must keep
apart: a deconvolution setter given a value TensorRT's setter refuses (``layer.attributes.check_setter``) logs an
API Usage Error and keeps the old value; a build whose deconvolution has the wrong kernel-weight count logs an
error and returns ``None`` (a refusal); :attr:`Builder.behaviour` makes every build log, refuse or raise. Device
memory is host memory (:data:`CUDA`); timings are made up (each graph replay "takes" 0.01 ms). Nothing here says
anything about TensorRT, and nothing it computes is ever recorded under recordings/.
"""

from __future__ import annotations

import ctypes
import enum
import itertools
import json
import sys
import types

import numpy as np

__version__ = "8.6.0-fake"


class _Enum(enum.Enum):
    """pybind11's enums: ``int()`` gives the value, the members print as ``Type.NAME``."""

    def __int__(self):
        return self.value


DataType = _Enum("DataType", "FLOAT HALF INT8 INT32 BOOL", start=0)
float32, float16, int8, int32 = DataType.FLOAT, DataType.HALF, DataType.INT8, DataType.INT32
_NP = {DataType.FLOAT: np.float32, DataType.HALF: np.float16, DataType.INT8: np.int8, DataType.INT32: np.int32}


def nptype(dtype):
    """The NumPy type of a ``DataType``."""
    return _NP[dtype]


class ILogger:
    class Severity(enum.IntEnum):
        INTERNAL_ERROR, ERROR, WARNING, INFO, VERBOSE = range(5)

        def __str__(self):  # as TensorRT's enums print
            return f"Severity.{self.name}"

    def __init__(self):
        pass


class Logger(ILogger):
    VERBOSE, INFO, WARNING, ERROR, INTERNAL_ERROR = (ILogger.Severity[name] for name in (
        "VERBOSE", "INFO", "WARNING", "ERROR", "INTERNAL_ERROR"))

    def __init__(self, min_severity=ILogger.Severity.WARNING):
        super().__init__()
        self.min_severity = min_severity

    def log(self, severity, message):
        if severity <= self.min_severity:
            print(f"[FAKE TensorRT] [{severity.name}] {message}", file=sys.stderr)


class IProfiler:  # the engine module's per-layer profiler derives from it at import
    def __init__(self):
        pass


class IAlgorithmSelector:
    def __init__(self):
        pass


class Dims(tuple):
    """A shape as TensorRT returns it (not a tuple there; iterable and indexable)."""


BuilderFlag = _Enum("BuilderFlag", "FP16 INT8 TF32 OBEY_PRECISION_CONSTRAINTS")
TensorIOMode = _Enum("TensorIOMode", "INPUT OUTPUT")
MemoryPoolType = _Enum("MemoryPoolType", "WORKSPACE")
ProfilingVerbosity = _Enum("ProfilingVerbosity", "DETAILED")
LayerInformationFormat = _Enum("LayerInformationFormat", "JSON")
NetworkDefinitionCreationFlag = _Enum("NetworkDefinitionCreationFlag", "EXPLICIT_BATCH", start=0)  # as in NvInfer.h
ActivationType = _Enum("ActivationType", "RELU", start=0)
ScaleMode = _Enum("ScaleMode", "UNIFORM CHANNEL ELEMENTWISE", start=0)
ElementWiseOperation = _Enum("ElementWiseOperation", "SUM PROD", start=0)
InterpolationMode = _Enum("InterpolationMode", "NEAREST LINEAR CUBIC", start=0)
ResizeCoordinateTransformation = _Enum("ResizeCoordinateTransformation", "ALIGN_CORNERS ASYMMETRIC HALF_PIXEL",
                                       start=0)
ResizeRoundMode = _Enum("ResizeRoundMode", "HALF_UP HALF_DOWN FLOOR CEIL", start=0)
TensorFormat = _Enum("TensorFormat", "LINEAR CHW2 HWC8 CHW4 CHW16 CHW32 DHWC8 CDHW32 HWC", start=0)
COMPONENTS = {"HWC8": 8, "DHWC8": 8, "HWC": 1}
PaddingMode = _Enum("PaddingMode", "EXPLICIT_ROUND_DOWN EXPLICIT_ROUND_UP SAME_UPPER SAME_LOWER CAFFE_ROUND_DOWN "
                                   "CAFFE_ROUND_UP", start=0)
LAYERS = {  # kind (LayerType's member, lower case): the word of its class and of its output's name
    "convolution": "Convolution", "deconvolution": "Deconvolution", "activation": "Activation", "scale": "Scale",
    "elementwise": "ElementWise", "shuffle": "Shuffle", "concatenation": "Concatenation", "constant": "Constant",
    "slice": "Slice", "resize": "Resize", "quantize": "Quantize", "dequantize": "Dequantize"}
LayerType = _Enum("LayerType", " ".join(kind.upper() for kind in LAYERS), start=0)


class Weights:
    def __init__(self, array=None):
        self._values = np.zeros(0, np.float32) if array is None else np.asarray(array).reshape(-1)

    @property
    def size(self):
        return self._values.size

    def numpy(self):
        return self._values


def _weights(value):
    """A ``Weights`` for what an ``add_*`` call was given (TensorRT takes arrays too)."""
    return value if isinstance(value, Weights) else Weights(value)


def _float64(weights, shape=None):
    values = np.asarray(weights.numpy(), np.float64)
    return values if shape is None else values.reshape(shape)


class ITensor:
    def __init__(self, name, shape, dtype=float32):
        self.name, self.shape, self.dtype, self.allowed_formats = name, tuple(shape), dtype, None


class ILayer:
    """A layer of kind ``kind`` (:data:`LAYERS`); :class:`INetworkDefinition` names its output as TensorRT does."""

    def __init__(self, kind, inputs, shape, **fields):
        self.__dict__.update(kind=kind, type=LayerType[kind.upper()], inputs=list(inputs), name="", **fields)
        self.__dict__["output"] = ITensor("", shape)

    def get_output(self, index):
        return self.output

    num_outputs = property(lambda self: 1)

    @property
    def num_inputs(self):
        return len(self.inputs)

    def get_input(self, index):
        return self.inputs[index] if index < len(self.inputs) else None

    def set_input(self, index, tensor):
        while len(self.inputs) <= index:
            self.inputs.append(None)
        self.inputs[index] = tensor


class IDeconvolutionLayer(ILayer):
    """TensorRT 8.6's setters: a value the setter refuses logs an API Usage Error, and the old value stays."""

    def __setattr__(self, name, value):
        from trtdeconv_docs.layer.attributes import SETTER_RANGES, DeconvolutionError, check_setter

        if name in ("num_output_maps", "num_groups", "kernel_size_nd", "padding_mode", *SETTER_RANGES):
            try:
                check_setter(name, value.name if name == "padding_mode" else value)
            except DeconvolutionError:
                self.network.logger.log(ILogger.Severity.ERROR, f"3: Parameter check failed at: set {name}")
                return
            if name in SETTER_RANGES or name == "kernel_size_nd":
                value = tuple(value)
            if name == "padding_nd":  # TensorRT's setPaddingNd sets both sides
                self.__dict__.update(pre_padding=value, post_padding=value)
        self.__dict__[name] = value


_CLASSES = {kind: IDeconvolutionLayer if kind == "deconvolution" else type(f"I{word}Layer", (ILayer,), {})
            for kind, word in LAYERS.items()}


class _Refused(Exception):
    """What TensorRT logs when it builds no engine."""


class INetworkDefinition:
    def __init__(self, logger=None, flags=0):
        self.logger, self.flags = logger, flags
        self.layers, self.inputs, self.outputs = [], [], []

    def add_input(self, name, dtype, shape):
        tensor = ITensor(name, shape, dtype)
        self.inputs.append(tensor)
        return tensor

    def get_input(self, index):
        return self.inputs[index]

    num_inputs = property(lambda self: len(self.inputs))

    def _add(self, kind, inputs, shape=(), **fields):
        layer = _CLASSES[kind](kind, inputs, shape, network=self, **fields)
        layer.output.name = f"(Unnamed Layer* {len(self.layers)}) [{LAYERS[kind]}]_output"
        self.layers.append(layer)
        return layer

    def add_constant(self, shape, value):
        return self._add("constant", [], tuple(shape), value=_float64(_weights(value), tuple(shape)))

    def add_quantize(self, tensor, scale):
        return self._add("quantize", [tensor, scale], tensor.shape, axis=None)

    def add_dequantize(self, tensor, scale):
        return self._add("dequantize", [tensor, scale], tensor.shape, axis=None)

    def add_deconvolution_nd(self, x, maps, kernel_size, kernel, bias=None):
        rank = len(kernel_size)
        return self._add("deconvolution", [x], num_output_maps=maps, kernel_size_nd=tuple(kernel_size),
                         kernel=_weights(kernel), bias=_weights(bias), stride_nd=(1,) * rank, padding_nd=(0,) * rank,
                         pre_padding=(0,) * rank, post_padding=(0,) * rank, dilation_nd=(1,) * rank, num_groups=1,
                         padding_mode=PaddingMode.EXPLICIT_ROUND_DOWN)

    def add_convolution_nd(self, x, maps, kernel_size, kernel, bias=None):
        rank = len(kernel_size)
        return self._add("convolution", [x], num_output_maps=maps, kernel_size_nd=tuple(kernel_size),
                         kernel=_weights(kernel), bias=_weights(bias), pre_padding=(0,) * rank,
                         post_padding=(0,) * rank, num_groups=1)

    def add_shuffle(self, x):
        return self._add("shuffle", [x], reshape_dims=None, second_transpose=None)

    def add_slice(self, x, start, shape, stride):
        return self._add("slice", [x], tuple(shape), start=tuple(start), size=tuple(shape))

    def add_concatenation(self, tensors):
        return self._add("concatenation", tensors, axis=0)

    def add_activation(self, x, kind):
        assert kind == ActivationType.RELU
        return self._add("activation", [x], x.shape)

    def add_scale(self, x, mode, shift, scale, power):
        assert mode == ScaleMode.CHANNEL and power.size == 0
        return self._add("scale", [x], x.shape, shift=_float64(shift), scale=_float64(scale))

    def add_elementwise(self, a, b, operation):
        return self._add("elementwise", [a, b], operation=ElementWiseOperation(operation))

    def add_resize(self, x):
        return self._add("resize", [x], scales=None, resize_mode=None, coordinate_transformation=None,
                         nearest_rounding=None)

    def mark_output(self, tensor):
        self.outputs.append(tensor)

    def unmark_output(self, tensor):
        self.outputs.remove(tensor)

    num_layers = property(lambda self: len(self.layers))
    num_outputs = property(lambda self: len(self.outputs))

    def get_layer(self, index):
        return self.layers[index]

    def get_output(self, index):
        return self.outputs[index]

    def evaluate(self, value_of_input):
        """Every layer in order, float64; the values by tensor id (:class:`_Refused` for a wrong kernel count)."""
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
        if kind == "activation":
            return np.maximum(ins[0], 0)
        if kind == "scale":
            shape = (1, -1) + (1,) * (ins[0].ndim - 2)
            return ins[0] * layer.scale.reshape(shape) + layer.shift.reshape(shape)
        if kind == "elementwise":
            return ins[0] + ins[1] if layer.operation == ElementWiseOperation.SUM else ins[0] * ins[1]
        if kind == "resize":
            from trtdeconv_docs.benchmark import upsampling

            assert layer.coordinate_transformation == ResizeCoordinateTransformation.HALF_PIXEL
            assert list(layer.scales[:2]) == [1.0, 1.0]
            mode = InterpolationMode(layer.resize_mode).name.lower()
            assert mode == "linear" or layer.nearest_rounding == ResizeRoundMode.FLOOR
            return upsampling.resize(ins[0], tuple(int(s) for s in layer.scales[2:]), mode)
        if kind in ("deconvolution", "convolution"):
            return INetworkDefinition._convolve(layer, ins)
        if kind == "shuffle":
            out = ins[0].reshape(layer.reshape_dims) if layer.reshape_dims is not None else ins[0]
            return out.transpose(layer.second_transpose) if layer.second_transpose is not None else out
        if kind == "slice":
            return ins[0][tuple(slice(s, s + n) for s, n in zip(layer.start, layer.size))]
        if kind == "concatenation":
            return np.concatenate(ins, axis=layer.axis)
        raise NotImplementedError(kind)

    @staticmethod
    def _convolve(layer, ins):
        from trtdeconv_docs.benchmark import formulations
        from trtdeconv_docs.layer import reference
        from trtdeconv_docs.layer.attributes import resolve

        channels, maps, groups = ins[0].shape[1], layer.num_output_maps, layer.num_groups
        shape = ((channels, maps // groups) if layer.kind == "deconvolution" else (maps, channels // groups))
        shape += tuple(layer.kernel_size_nd)  # TensorRT's kernel layouts
        if len(ins) > 1 and ins[1] is not None:
            kernel = ins[1]
        else:
            count = int(np.prod(shape))
            if layer.kernel.size != count:
                raise _Refused(f"3: kernel weights has count {layer.kernel.size} but {count} was expected")
            kernel = _float64(layer.kernel, shape)
        bias = _float64(layer.bias) if layer.bias.size else np.zeros(maps)
        if layer.kind == "convolution":
            return formulations.convolve(ins[0], kernel.reshape(shape), bias, layer.pre_padding, layer.post_padding,
                                         groups)
        deconv = resolve(num_output_maps=maps, kernel_size_nd=layer.kernel_size_nd, stride_nd=layer.stride_nd,
                         pre_padding=layer.pre_padding, post_padding=layer.post_padding,
                         padding_mode=layer.padding_mode.name, dilation_nd=layer.dilation_nd, num_groups=groups)
        return reference.deconvolve(ins[0], kernel, bias, deconv)


class ITimingCache:
    def __init__(self, data):
        self.data = data

    def serialize(self):
        return b"fake-timing-cache"


class IBuilderConfig:
    def __init__(self):
        self.flags = {BuilderFlag.TF32}
        self.profiling_verbosity, self.algorithm_selector = None, None
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
        return ITimingCache(data)

    def set_timing_cache(self, cache, _ignore_mismatch):
        self.cache = cache


def _optimal_inputs(network, config):
    """Zeros of every input's shape (its profile's optimum where it has one)."""
    opt = {name: shapes[1] for profile in config.profiles for name, shapes in profile.shapes.items()}
    return {t.name: np.zeros(opt.get(t.name, t.shape)) for t in network.inputs}


class Builder:
    built = []
    behaviour = "build"
    """``build``, ``log_error`` (log an error, then build), ``refuse`` (log an error, return None) or ``raise``."""

    def __init__(self, logger):
        self.logger = logger

    def create_network(self, flags=0):
        return INetworkDefinition(self.logger, flags)

    def create_builder_config(self):
        return IBuilderConfig()

    def create_optimization_profile(self):
        return IOptimizationProfile()

    def build_serialized_network(self, network, config):
        if Builder.behaviour == "raise":
            raise RuntimeError("the fake refuses by raising")
        if Builder.behaviour in ("log_error", "refuse"):
            self.logger.log(ILogger.Severity.ERROR, "the fake logs an error")
        if Builder.behaviour == "refuse":
            return None
        try:
            network.evaluate(_optimal_inputs(network, config))
        except _Refused as refusal:
            self.logger.log(ILogger.Severity.ERROR, str(refusal))
            return None
        Builder.built.append((network, config))
        return IHostMemory(network, config)


class IOptimizationProfile:
    def __init__(self):
        self.shapes = {}

    def set_shape(self, name, smallest, usual, largest):
        self.shapes[name] = (tuple(smallest), tuple(usual), tuple(largest))


class IHostMemory(bytes):
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
        return ICudaEngine(*IHostMemory.plans[bytes(serialized)])


def _format_name(tensor):
    if not tensor.allowed_formats:
        return "LINEAR"
    return TensorFormat(int(np.log2(tensor.allowed_formats))).name


class ICudaEngine:
    def __init__(self, network, config):
        self.network, self.config = network, config
        self.tensors = {t.name: t for t in network.inputs + network.outputs}
        network.evaluate(_optimal_inputs(network, config))  # fills in shapes
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
        return Dims(self.tensors[name].shape)

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
        return IExecutionContext(self)

    def create_engine_inspector(self):
        layers = [{"Name": layer.name or layer.kind, "LayerType": "Fake" + layer.kind.title(),
                   "TacticName": f"sm80_fake_{layer.kind}_f32f32_f32f32_f32",
                   "Inputs": [{"Format/Datatype": "Row major linear FP32"}],
                   "Outputs": [{"Format/Datatype": "Row major linear FP32"}],
                   **({"Weights": {"Type": "Int8"}} if len(layer.inputs) > 1 and layer.kind.endswith("volution")
                      else {})}
                  for layer in self.network.layers if layer.kind not in ("constant",)]
        return types.SimpleNamespace(get_engine_information=lambda fmt: json.dumps({"Layers": layers}))


class IExecutionContext:
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
            return Dims(self.input_shapes[name])
        network = self.engine.network
        network.evaluate({t.name: np.zeros(self.input_shapes[t.name]) for t in network.inputs})
        return Dims(self.engine.tensors[name].shape)

    def set_tensor_address(self, name, pointer):
        self.addresses[name] = pointer

    def execute_async_v3(self, stream_handle):
        if not isinstance(stream_handle, int):  # TensorRT's binding takes the stream as an integer
            raise TypeError(f"execute_async_v3(): incompatible function arguments: {type(stream_handle).__name__}")
        CUDA.enqueue(stream_handle, self._execute)
        return True

    def _execute(self):
        from trtdeconv_docs.trt import layouts

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
    """cuda-python's runtime calls the runner and plot_00 make, on host memory; graphs record and replay enqueued
    work. Calls return ``(cudaError_t, *values)`` as cuda-python's do; streams are objects that ``int()`` turns
    into a number; device pointers are integers no host address has."""

    class cudaError_t(enum.IntEnum):
        cudaSuccess = 0

    class cudaMemcpyKind(enum.IntEnum):  # the values of CUDA's driver_types.h
        cudaMemcpyHostToDevice = 1
        cudaMemcpyDeviceToHost = 2
        cudaMemcpyDeviceToDevice = 3

    cudaStreamCaptureMode = enum.IntEnum("cudaStreamCaptureMode", "cudaStreamCaptureModeThreadLocal")

    class cudaStream_t:
        def __init__(self):
            self._address = id(self)

        def __int__(self):
            return self._address

    def __init__(self):
        self.memory, self.next, self.capturing = {}, itertools.count(1 << 20, 1 << 20), None
        self.clock, self.events, self.streams = 0.0, {}, {}

    ok = cudaError_t.cudaSuccess

    def enqueue(self, stream, work):
        if self.capturing is not None:
            self.capturing.append(work)
        else:
            work()
            self.clock += 0.01

    def read(self, pointer, shape, dtype):
        size = int(np.prod(shape)) * np.dtype(dtype).itemsize
        return np.frombuffer(bytes(self.memory[int(pointer)][:size]), dtype=dtype).reshape(shape).copy()

    def write(self, pointer, array):
        data = np.ascontiguousarray(array).tobytes()
        self.memory[int(pointer)][:len(data)] = data

    def cudaGetDevice(self):
        return self.ok, 0

    def cudaGetDeviceProperties(self, device):
        return self.ok, types.SimpleNamespace(name=b"FAKE GPU", major=0, minor=0, l2CacheSize=1 << 20)

    def cudaRuntimeGetVersion(self):
        return self.ok, 12090

    def cudaDriverGetVersion(self):
        return self.ok, 13000

    def cudaStreamCreate(self):
        stream = self.cudaStream_t()
        self.streams[int(stream)] = stream
        return self.ok, stream

    def cudaStreamDestroy(self, stream):
        del self.streams[int(stream)]
        return (self.ok,)

    def cudaEventCreate(self):
        return self.ok, types.SimpleNamespace(time=0.0)

    def cudaMalloc(self, size):
        pointer = next(self.next)
        self.memory[pointer] = bytearray(int(size))
        return self.ok, pointer

    def cudaFree(self, pointer):
        del self.memory[int(pointer)]
        return (self.ok,)

    def cudaMemset(self, pointer, value, count):
        np.frombuffer(self.memory[int(pointer)], dtype=np.uint8)[:count] = value  # in place: the L2 flush runs thousands of times
        return (self.ok,)

    def cudaMemsetAsync(self, pointer, value, count, stream):
        self.enqueue(stream, lambda: self.cudaMemset(pointer, value, count))
        return (self.ok,)

    def cudaMemcpy(self, destination, source, count, kind):
        if kind == self.cudaMemcpyKind.cudaMemcpyHostToDevice:
            self.memory[int(destination)][:count] = ctypes.string_at(int(source), count)
        else:
            ctypes.memmove(int(destination), bytes(self.memory[int(source)][:count]), count)
        return (self.ok,)

    def cudaMemcpyAsync(self, destination, source, count, kind, stream):
        if kind == self.cudaMemcpyKind.cudaMemcpyDeviceToDevice:
            def work():
                self.memory[int(destination)][:count] = self.memory[int(source)][:count]
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
"""The fake GPU: what ``cuda.bindings.runtime`` answers (``cuda/bindings/runtime.py``, or :func:`modules`)."""


def modules():
    """``sys.modules`` entries that make ``import tensorrt`` and ``from cuda.bindings import runtime`` find the fakes
    in this process."""
    cuda, bindings = types.ModuleType("cuda"), types.ModuleType("cuda.bindings")
    cuda.bindings, bindings.runtime = bindings, CUDA
    return {"tensorrt": sys.modules[__name__], "cuda": cuda, "cuda.bindings": bindings, "cuda.bindings.runtime": CUDA}


def live_buffers() -> int:
    """Fake device allocations not freed yet."""
    return len(CUDA.memory)
