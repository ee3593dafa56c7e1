"""A FAKE ``tensorrt`` for testing the live path of the session on CPU (tests/test_session_live.py).

It computes nothing real: a deconvolution's "output" is its input summed over channels, repeated
on the output maps, with the spatial shape of TensorRT's rule. What it imitates is the part the
harness must get right: a setter given a negative or zero value logs an API Usage Error and keeps
the old value (as TensorRT 8.6 does), and ``build_serialized_network`` returns ``None`` for a layer
whose kernel count does not match (a refusal). For the runtime path of the full-plumbing example
(``Logger``, ``Runtime``, engine, execution context) its "engine" reads the input from the "device"
memory of the FAKE cuda-python beside it (``cuda/bindings/runtime.py``: host memory) and writes
there an output that depends on every input value (their sum, plus the element's index), shaped
by TensorRT's rule without padding. Nothing here is ever recorded under recordings/.
"""

import ctypes
import enum
import json

import numpy as np

__version__ = "8.6.0"
class _Enum(enum.Enum):
    def __int__(self):
        return self.value


DataType = _Enum("DataType", "FLOAT HALF INT8 INT32 BOOL")
float32, float16, int8, int32 = DataType.FLOAT, DataType.HALF, DataType.INT8, DataType.INT32
NetworkDefinitionCreationFlag = _Enum("NetworkDefinitionCreationFlag", "EXPLICIT_BATCH", start=0)  # kEXPLICIT_BATCH = 0
MemoryPoolType = _Enum("MemoryPoolType", "WORKSPACE")
BuilderFlag = _Enum("BuilderFlag", "TF32 INT8 FP16 OBEY_PRECISION_CONSTRAINTS")
ProfilingVerbosity = _Enum("ProfilingVerbosity", "DETAILED")
PaddingMode = _Enum("PaddingMode", "EXPLICIT_ROUND_DOWN")
LayerType = _Enum("LayerType", "DECONVOLUTION CONSTANT QUANTIZE DEQUANTIZE")
LayerInformationFormat = _Enum("LayerInformationFormat", "JSON")
TensorIOMode = _Enum("TensorIOMode", "INPUT OUTPUT")


class ILogger:
    class Severity(enum.IntEnum):
        INTERNAL_ERROR, ERROR, WARNING, INFO, VERBOSE = range(5)

        def __str__(self):
            return f"Severity.{self.name}"

    def __init__(self):
        pass


class Logger(ILogger):
    VERBOSE, INFO, WARNING, ERROR, INTERNAL_ERROR = (ILogger.Severity[name] for name in (
        "VERBOSE", "INFO", "WARNING", "ERROR", "INTERNAL_ERROR"))

    def __init__(self, _min_severity=None):
        super().__init__()


def nptype(dtype):
    return {DataType.FLOAT: np.float32, DataType.HALF: np.float16, DataType.INT8: np.int8}[dtype]


class Dims(tuple):
    """A shape as TensorRT returns it (not a tuple there; iterable and indexable)."""


class IAlgorithmSelector:
    def __init__(self):
        pass


class IProfiler:  # the engine module's per-layer profiler derives from it at import
    def __init__(self):
        pass


class Weights:
    def __init__(self, array=None):
        self._array = np.array([] if array is None else array, np.float32).reshape(-1)

    def numpy(self):
        return self._array


class ITensor:
    def __init__(self, name, shape):
        self.name, self.shape, self.dtype = name, tuple(shape), DataType.FLOAT


class IDeconvolutionLayer:
    _CHECKED = ("stride_nd", "padding_nd", "pre_padding", "post_padding", "dilation_nd", "kernel_size_nd")

    def __init__(self, network, x, maps, kernel_size, kernel, bias):
        d = self.__dict__
        d.update(network=network, type=LayerType.DECONVOLUTION, name="", num_inputs=1, num_outputs=1, x=x,
                 num_output_maps=maps, kernel_size_nd=tuple(kernel_size), stride_nd=(1, 1), padding_nd=(0, 0),
                 pre_padding=(0, 0), post_padding=(0, 0), dilation_nd=(1, 1), num_groups=1,
                 padding_mode=PaddingMode.EXPLICIT_ROUND_DOWN, kernel=Weights(kernel), bias=Weights(bias))
        d["out"] = ITensor(f"(Unnamed Layer* {len(network.layers)}) [Deconvolution]_output", ())

    def __setattr__(self, name, value):
        low = 0 if "padding" in name else 1
        bad = (any(int(v) < low for v in value) if name in self._CHECKED else
               name in ("num_groups", "num_output_maps") and int(value) < 1)
        if bad:
            self.network.logger.log(ILogger.Severity.ERROR, f"3: Parameter check failed at: set {name}")
            return
        self.__dict__[name] = tuple(value) if name in self._CHECKED else value

    def get_input(self, index):
        return self.x

    def get_output(self, index):
        return self.out


class INetworkDefinition:
    def __init__(self, logger):
        self.logger, self.layers, self.inputs, self.outputs = logger, [], [], []

    def add_input(self, name, dtype, shape):
        self.inputs.append(ITensor(name, shape))
        return self.inputs[-1]

    def add_deconvolution_nd(self, x, maps, kernel_size, kernel, bias=None):
        self.layers.append(IDeconvolutionLayer(self, x, maps, kernel_size, kernel, bias))
        return self.layers[-1]

    def mark_output(self, tensor):
        self.outputs.append(tensor)

    num_inputs = property(lambda self: len(self.inputs))
    num_outputs = property(lambda self: len(self.outputs))
    num_layers = property(lambda self: len(self.layers))

    def get_input(self, i):
        return self.inputs[i]

    def get_output(self, i):
        return self.outputs[i]

    def get_layer(self, i):
        return self.layers[i]


class IBuilderConfig:
    def __init__(self):
        self.builder_optimization_level, self.profiling_verbosity, self.algorithm_selector = 3, None, None

    def set_memory_pool_limit(self, pool, size):
        pass

    def clear_flag(self, flag):
        pass

    def set_flag(self, flag):
        pass

    def create_timing_cache(self, data):
        return object()

    def set_timing_cache(self, cache, _ignore_mismatch):
        self.cache = cache


class Builder:
    def __init__(self, logger):
        self.logger = logger

    def create_network(self, flags):
        return INetworkDefinition(self.logger)

    def create_builder_config(self):
        return IBuilderConfig()

    def build_serialized_network(self, network, config):
        layer = network.layers[0]
        channels = network.inputs[0].shape[1]
        expected = channels * layer.num_output_maps // layer.num_groups * int(np.prod(layer.kernel_size_nd))
        if layer.kernel.numpy().size != expected:
            self.logger.log(ILogger.Severity.ERROR, f"3: kernel weights has count {layer.kernel.numpy().size}"
                                                    f" but {expected} was expected")
            return None
        x = network.inputs[0]
        shape = [x.shape[0], layer.num_output_maps] + [
            (size - 1) * stride + kernel for size, stride, kernel in zip(x.shape[2:], layer.stride_nd, layer.kernel_size_nd)]
        return IHostMemory(json.dumps({"maps": layer.num_output_maps, "stride": layer.stride_nd,
                                       "kernel": layer.kernel_size_nd, "name": layer.name,
                                       "io": [[x.name, list(x.shape)], [layer.out.name, shape]]}).encode())


class IHostMemory(bytes):
    """A serialized engine as TensorRT returns it: IHostMemory has ``nbytes`` (and the buffer protocol), no len()."""

    @property
    def nbytes(self):
        return len(self)


class Runtime:
    def __init__(self, logger):
        pass

    def deserialize_cuda_engine(self, data):
        return ICudaEngine(json.loads(bytes(data)))


class ICudaEngine:
    def __init__(self, plan):
        self.plan = plan
        self.io = {name: tuple(shape) for name, shape in plan["io"]}

    num_io_tensors = property(lambda self: len(self.io))

    def get_tensor_name(self, index):
        return list(self.io)[index]

    def get_tensor_mode(self, name):
        return TensorIOMode.INPUT if name == list(self.io)[0] else TensorIOMode.OUTPUT

    def get_tensor_dtype(self, name):
        return DataType.FLOAT

    def create_execution_context(self):
        return IExecutionContext(self)

    def create_engine_inspector(self):
        return self

    def get_engine_information(self, _fmt):
        return json.dumps({"Layers": [{"Name": self.plan["name"], "TacticName": "fake_f32_tactic"}]})


class IExecutionContext:
    def __init__(self, engine):
        self.engine, self.addresses = engine, {}

    def get_tensor_shape(self, name):
        return Dims(self.engine.io[name])

    def set_tensor_address(self, name, address):
        self.addresses[name] = address

    def execute_async_v3(self, _stream_handle):
        (x, x_shape), (y, y_shape) = self.engine.io.items()
        count = int(np.prod(x_shape))
        values = np.frombuffer(ctypes.string_at(self.addresses[x], 4 * count), np.float32)
        output = (np.float32(values.sum()) + np.arange(int(np.prod(y_shape)), dtype=np.float32)).tobytes()
        ctypes.memmove(self.addresses[y], output, len(output))
        return True
