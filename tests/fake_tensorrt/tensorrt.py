"""A FAKE ``tensorrt`` for testing the live path of the session on CPU (tests/test_session_live.py).

It computes nothing real: a deconvolution's "output" is its input summed over channels, repeated
on the output maps, with the spatial shape of TensorRT's rule. What it imitates is the part the
harness must get right: a setter given a negative or zero value logs an API Usage Error and keeps
the old value (as TensorRT 8.6 does), and ``build_serialized_network`` returns ``None`` for a layer
whose kernel count does not match (a refusal). Nothing here is ever recorded under recordings/.
"""

import enum
import json

import numpy as np

__version__ = "8.6.0"
class _Enum(enum.Enum):
    def __int__(self):
        return self.value


DataType = _Enum("DataType", "FLOAT HALF INT8 INT32 BOOL")
float32, float16, int8, int32 = DataType.FLOAT, DataType.HALF, DataType.INT8, DataType.INT32
NetworkDefinitionCreationFlag = _Enum("NetworkDefinitionCreationFlag", "EXPLICIT_BATCH")
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


class _Config:
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
        return _Config()

    def build_serialized_network(self, network, config):
        layer = network.layers[0]
        channels = network.inputs[0].shape[1]
        expected = channels * layer.num_output_maps // layer.num_groups * int(np.prod(layer.kernel_size_nd))
        if layer.kernel.numpy().size != expected:
            self.logger.log(ILogger.Severity.ERROR, f"3: kernel weights has count {layer.kernel.numpy().size}"
                                                    f" but {expected} was expected")
            return None
        return _HostMemory(json.dumps({"maps": layer.num_output_maps, "stride": layer.stride_nd,
                                       "kernel": layer.kernel_size_nd, "name": layer.name}).encode())


class _HostMemory(bytes):
    """A serialized engine as TensorRT returns it: IHostMemory has ``nbytes`` (and the buffer protocol), no len()."""

    @property
    def nbytes(self):
        return len(self)


class Runtime:
    def __init__(self, logger):
        pass

    def deserialize_cuda_engine(self, data):
        return _Engine(json.loads(data))


class _Engine:
    def __init__(self, plan):
        self.plan = plan

    def create_engine_inspector(self):
        return self

    def get_engine_information(self, _fmt):
        return json.dumps({"Layers": [{"Name": self.plan["name"], "TacticName": "fake_f32_tactic"}]})
