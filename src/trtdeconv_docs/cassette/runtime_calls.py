"""TensorRT's runtime and cuda-python's calls, logged like the network calls: recorded on a GPU, answered on CPU.

An example that drives TensorRT itself (builder, serialized engine, ``Runtime``, execution
context, ``cudaMalloc`` / ``cudaMemcpyAsync`` / streams: ``examples/plot_00_full_plumbing.py``)
gets its ``trt`` and ``cudart`` from :func:`trtdeconv_docs.session.runtime_calls`. Every call and
every attribute read on what they return goes into one :class:`RuntimeLog` (a
:class:`~trtdeconv_docs.cassette.call_log.CallLog`, entries in its format: ``on``, ``call`` or
``get``, ``args``, ``kwargs``; what came back as ``value``, or as ``returns`` + ``class`` for an
object), which the run records as ``runtime_calls`` (:func:`trtdeconv_docs.session.record`).

* **Live** (``live``/``record``): the calls go to TensorRT and cuda-python. Device pointers and
  streams are logged as handles named in order (``{"handle": "d1"}``, ``"s1"``), wherever they are
  passed (``set_tensor_address``, ``execute_async_v3(int(stream))``); a host-to-device copy logs the
  digest of the host bytes it reads (``{"host": ...}``); a device-to-host copy logs the digest of the
  bytes it wrote when the copy is known to be complete (``{"host_written": ...}``, filled at the next
  synchronization, as the bytes are not there before); weights are hashed when the engine is built.
* **Replay**: nothing runs. Each call must be the recorded call at its place in the log, or the
  run stops with one line naming the call, what was recorded there and the command to record it
  (:class:`~trtdeconv_docs.errors.ReplayMiss`); its answer is the recorded one: plain values,
  enums, shapes; objects as strict stand-ins that answer only their recorded calls; handles as
  opaque numbers. The device-to-host copy writes into the host array the recorded output whose
  bytes have the recorded digest (:meth:`trtdeconv_docs.cassette.recording.Run.outputs`). Enums and
  module constants come from the names-only stand-in (:mod:`trtdeconv_docs.trt.stand_in`), cuda-python's
  from :data:`CUDA_ENUMS`. In the API-check mode calls are matched by name only.

cuda-python calls outside :data:`CUDA_CALLS` are refused on both sides: the log would not know
which of their arguments are pointers.
"""

from __future__ import annotations

import ctypes
import enum
import json
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import numpy as np

from ..errors import RECORD_ON_GPU, ReplayError, ReplayMiss
from .call_log import CallLog, Proxy, _kind, encode_value, unwrap
from .tensors import digest, digest_of

NEW_HANDLES = {"cudaMalloc": "d", "cudaStreamCreate": "s"}
"""cuda-python calls whose second returned value is a new device pointer (``d``) or stream (``s``)."""
COPIES = ("cudaMemcpy", "cudaMemcpyAsync")
"""Copies between host and device: ``(dst, src, count, kind[, stream])``."""
SYNCHRONIZING = ("cudaMemcpy", "cudaStreamSynchronize", "cudaDeviceSynchronize")
"""Calls after which every copy made before is complete."""
CUDA_CALLS = tuple(sorted({*NEW_HANDLES, *COPIES, *SYNCHRONIZING, "cudaFree", "cudaStreamDestroy"}))
"""The cuda-python runtime calls the log records and answers."""
CUDA_ENUMS = {
    "cudaMemcpyKind": {"cudaMemcpyHostToHost": 0, "cudaMemcpyHostToDevice": 1, "cudaMemcpyDeviceToHost": 2,
                       "cudaMemcpyDeviceToDevice": 3, "cudaMemcpyDefault": 4},
    "cudaError_t": {"cudaSuccess": 0},
}
"""cuda-python's enums as the replay offers them (values of CUDA's ``driver_types.h``); other members are not known."""
STREAM_TYPES = ("cudaStream_t", "CUstream", "ReplayedStream")
"""Type names of stream objects (cuda-python's, and the replay's), logged as their handle."""
BUILDS = ("build_serialized_network", "build_engine")
"""TensorRT calls that read the network's weights: held arrays are hashed again there
(:meth:`~trtdeconv_docs.cassette.call_log.CallLog.at_build`)."""
UNLOGGED = ("Weights",)
"""TensorRT classes that the stand-in provides itself (their objects are logged as values where they are passed)."""
_REPLAYED_BASE = 0x7E0000000000
"""Where the replay's opaque device addresses start (page-aligned, far from small integers)."""


def _is_enum_type(value) -> bool:
    return isinstance(value, type) and hasattr(value, "__members__")


class ReplayedStream:
    """A stream in the replay: an opaque number, as ``int(stream)`` gives on a GPU."""

    def __init__(self, address: int):
        self.address = address

    def __int__(self) -> int:
        return self.address

    def __repr__(self) -> str:
        return f"<replayed cudaStream_t {self.address:#x}>"


class RuntimeLog(CallLog):
    """The log of one run's runtime calls; live when ``recorded`` is ``None``, else answered from ``recorded``."""

    def __init__(self, where: str, recorded: Optional[List[Dict[str, Any]]] = None,
                 outputs: Optional[Dict[str, np.ndarray]] = None, names_only: bool = False, tensorrt=None):
        super().__init__()
        self.where = where
        """``<example>, run '<label>'``: how a refusal names the run."""
        self.recorded = recorded
        self.names_only = names_only
        self.tensorrt = tensorrt
        """The TensorRT module (or stand-in) the example's ``trt`` stands for."""
        self._bytes = {digest(_raw(array.tobytes()))["sha256"]: array.tobytes() for array in (outputs or {}).values()}
        self._handles: Dict[int, str] = {}  # address -> handle name
        self._objects: Dict[str, Any] = {}  # replay: handle name -> what stands for it
        self._pending: List[Tuple[Dict[str, Any], int, int]] = []  # device-to-host copies not yet synchronized
        self.run = None
        """Replay: the recorded run (:class:`trtdeconv_docs.cassette.recording.Run`) that answers."""
        self.closed = False
        """Whether the run has ended (``record()``): later reads (sphinx-gallery inspects the example's names) are
        not part of it; replayed, they are ``AttributeError``, which such readers expect."""

    @property
    def replaying(self) -> bool:
        """Whether the recording answers (replay, API check) instead of TensorRT and the GPU."""
        return self.recorded is not None

    # --- what goes into an entry ----------------------------------------------------------------

    def handle_of(self, value) -> Optional[str]:
        """The handle name of a device pointer or stream (an int or a stream object), else ``None``."""
        if isinstance(value, bool):
            return None
        if isinstance(value, (int, np.integer)) or type(value).__name__ in STREAM_TYPES:
            return self._handles.get(int(value))
        return None

    def encode(self, value) -> Any:
        """``value`` as logged: handles by name, shapes, NumPy types and cuda-python's enums, else as the network log does."""
        name = self.handle_of(value)
        if name is not None:
            return {"handle": name}
        if isinstance(value, (list, tuple)):
            return [self.encode(item) for item in value]
        if isinstance(value, type) and issubclass(value, np.generic):  # trt.nptype(...)
            return {"dtype": np.dtype(value).name}
        if type(value).__name__.startswith("Dims"):
            return {"dims": [int(v) for v in value]}
        if type(value).__name__ in CUDA_ENUMS and isinstance(getattr(value, "name", None), str):
            return {"enum": f"{type(value).__name__}.{value.name}"}
        return encode_value(value, self.held)

    def register(self, value, kind: str) -> None:
        """Name a new device pointer (``d``) or stream (``s``), live."""
        self._handles[int(value)] = self.name_for(kind)

    # --- one call -------------------------------------------------------------------------------

    def entry(self, on: str, call: str, args, kwargs, encoded_args=None) -> Dict[str, Any]:
        """The logged form of ``on.call(*args, **kwargs)`` (``encoded_args`` when the caller encoded them itself)."""
        return {"on": on, "call": call, "args": self.encode(list(args)) if encoded_args is None else encoded_args,
                "kwargs": {key: self.encode(value) for key, value in sorted(kwargs.items())}}

    def call(self, entry: Dict[str, Any], function, args, kwargs, new_handle: str = ""):
        """Make the call live and log it with what came back, or answer it from the recording."""
        if entry["call"] in BUILDS:
            self.at_build()
        if self.replaying:
            return self.answer(entry)
        result = function(*unwrap(list(args)), **{key: unwrap(value) for key, value in kwargs.items()})
        if new_handle:
            self.register(result[1], new_handle)
        return self.logged(entry, result)

    def logged(self, entry: Dict[str, Any], result):
        """Live: log ``entry`` with ``result`` (a value, or an object wrapped and named); returns what the example gets."""
        try:
            entry["value"] = self.encode(result)
        except ReplayError:  # an object: named, and wrapped so that its calls are logged too
            entry["returns"], entry["class"] = self.name_for(_kind(result)), type(result).__name__
            self.add(entry)
            return RuntimeProxy(result, self, entry["returns"], entry["class"])
        self.add(entry)
        return result

    def answer(self, entry: Dict[str, Any]):
        """Replay: check ``entry`` against the recorded call at its place; log it and return the recorded answer."""
        recorded = self.expect(entry)
        if "returns" in recorded:
            entry["returns"], entry["class"] = recorded["returns"], recorded.get("class")
            self.add(entry)
            return RuntimeProxy(None, self, recorded["returns"], recorded.get("class"))
        entry["value"] = recorded.get("value")
        self.add(entry)
        return self.decode(recorded.get("value"))

    def next_recorded(self) -> Optional[Dict[str, Any]]:
        """Replay: the recorded entry the next call must match, or ``None`` after the last one."""
        index = len(self.entries)
        return self.recorded[index] if index < len(self.recorded) else None

    def is_method(self, on: str, attribute: str) -> bool:
        """Replay: whether the recording's next use of ``on.attribute`` is a call (else a read, or none)."""
        for recorded in self.recorded[len(self.entries):]:
            if recorded.get("on") == on and attribute in (recorded.get("call"), recorded.get("get")):
                return recorded.get("call") == attribute
        return False

    def expect(self, entry: Dict[str, Any]) -> Dict[str, Any]:
        """The recorded entry at ``entry``'s place when it asks the same; else
        :class:`~trtdeconv_docs.errors.ReplayMiss` naming the call."""
        recorded = self.next_recorded()
        if recorded is None or _asked(entry, self.names_only) != _asked(recorded, self.names_only):
            raise self.miss(len(self.entries), entry, recorded)
        return recorded

    def miss(self, index: int, entry: Dict[str, Any], recorded: Optional[Dict[str, Any]]) -> ReplayMiss:
        """The one-line refusal for call ``index`` (0-based) of the log."""
        then = describe(recorded) if recorded is not None else "the recording ends before it"
        return ReplayMiss(f"trtdeconv-docs: {self.where}: runtime call {index + 1}, {describe(entry)}, differs from "
                          f"its GPU recording ({then}); {RECORD_ON_GPU}")

    def at_build(self) -> List[Dict[str, Any]]:
        """:meth:`~trtdeconv_docs.cassette.call_log.CallLog.at_build`; replayed, every call so far is checked again,
        with the weights as they are now."""
        entries = super().at_build()
        if self.replaying:
            self.check_made(pending=True)
        return entries

    def check_made(self, pending: bool = False) -> None:
        """Replay: :class:`~trtdeconv_docs.errors.ReplayMiss` for the first call made so far whose entry (as
        completed since) differs from the recording; ``pending``: device-to-host copies not synchronized yet are
        not compared."""
        for index, entry in enumerate(self.entries):
            if _asked(entry, self.names_only, pending) != _asked(self.recorded[index], self.names_only, pending):
                raise self.miss(index, entry, self.recorded[index])

    def after_end(self, what: str) -> AttributeError:
        """Replay: the error for ``what`` read after the run ended."""
        return AttributeError(f"{what}: {self.where} has ended (record()); the replay answers nothing after it")

    def finish(self, inputs: Dict[str, np.ndarray], outputs: Dict[str, np.ndarray]) -> None:
        """Replay, at the end of the run: every recorded call was made, as recorded, and the run's
        ``inputs`` and ``outputs`` (by name) are the recorded ones."""
        self.closed = True
        self.check_made()
        recorded = self.next_recorded()
        if recorded is not None:
            raise ReplayMiss(f"trtdeconv-docs: {self.where}: runtime call {len(self.entries) + 1}, "
                             f"{describe(recorded)}, was recorded on the GPU but never made; {RECORD_ON_GPU}")
        for kind, given in (("inputs", inputs), ("outputs", outputs)):
            stored = {name: digest_of(data) for name, data in self.run.data.get(kind, {}).items()}
            if {name: digest(array) for name, array in given.items()} != stored:
                raise ReplayMiss(f"trtdeconv-docs: {self.where}: the {kind} given to record() "
                                 f"({', '.join(sorted(given))}) are not the GPU run's ({', '.join(sorted(stored))}); "
                                 f"{RECORD_ON_GPU}")

    # --- what the replay hands back -------------------------------------------------------------

    def decode(self, value):
        """A logged value as the replay hands it to the example."""
        if isinstance(value, list):
            return tuple(self.decode(item) for item in value)
        if not isinstance(value, dict):
            return value
        if "handle" in value:
            return self._replayed_handle(value["handle"])
        if "dims" in value:
            return tuple(value["dims"])
        if "dtype" in value:
            return np.dtype(value["dtype"]).type
        if "enum" in value:
            return self.enum_member(*value["enum"].rsplit(".", 1))
        raise ReplayError(f"{self.where}: the replay cannot hand back {json.dumps(value)}")

    def _replayed_handle(self, name: str):
        if name not in self._objects:
            address = _REPLAYED_BASE + 0x100000 * (len(self._objects) + 1)
            self._objects[name] = ReplayedStream(address) if name.startswith("s") else address
            self._handles[address] = name
        return self._objects[name]

    def enum_member(self, type_name: str, member: str):
        """The replay's enum member ``type_name.member``: cuda-python's (:data:`CUDA_ENUMS`) or the stand-in's."""
        if type_name in CUDA_ENUMS:
            return getattr(cuda_enum(type_name), member)
        try:
            return getattr(getattr(self.tensorrt, type_name), member)
        except (AttributeError, ReplayError):  # a nested enum (ILogger.Severity): known by its names only
            return _named_enum(type_name)[member]

    # --- copies ---------------------------------------------------------------------------------

    def copy(self, call: str, function, args, kwargs):
        """``cudaMemcpy`` / ``cudaMemcpyAsync`` between host and device: host bytes by digest, see the module docstring."""
        if len(args) < 4:
            raise ReplayError(f"cudart.{call}: the log needs (dst, src, count, kind[, stream]) as positional arguments")
        dst, src, count, kind = args[:4]
        direction = getattr(kind, "name", None) or _kind_name(int(kind))
        if direction == "cudaMemcpyHostToDevice":
            host = {"host": digest(_raw(ctypes.string_at(int(src), int(count))))}
            encoded = [self.encode(dst), host] + self.encode(list(args[2:]))
        elif direction == "cudaMemcpyDeviceToHost":
            encoded = [{"host_written": None}] + self.encode(list(args[1:]))
        else:
            raise ReplayError(f"cudart.{call}: the log records copies between host and device only, not {direction}")
        entry = self.entry("cudart", call, args, kwargs, encoded)
        if self.replaying and direction == "cudaMemcpyDeviceToHost":
            result = self.answer(entry)
            self._write(entry, len(self.entries) - 1, int(dst), int(count))
        else:
            result = self.call(entry, function, args, kwargs)
        if direction == "cudaMemcpyDeviceToHost":
            self._pending.append((entry, int(dst), int(count)))
        if call in SYNCHRONIZING:
            self.synchronized()
        return result

    def _write(self, entry: Dict[str, Any], index: int, address: int, count: int) -> None:
        """Replay: write the recorded bytes of a device-to-host copy into the host memory at ``address``."""
        written = self.recorded[index]["args"][0].get("host_written") or {}
        data = self._bytes.get(written.get("sha256"))
        if data is None or len(data) != count:
            raise ReplayMiss(f"trtdeconv-docs: {self.where}: runtime call {index + 1}, {describe(entry)}: the recording "
                             f"holds no output of {count} bytes with the bytes this copy wrote on the GPU; {RECORD_ON_GPU}")
        ctypes.memmove(address, data, count)

    def synchronized(self) -> None:
        """Every copy made so far is complete: log the digest of the bytes each device-to-host copy wrote."""
        for entry, address, count in self._pending:
            entry["args"][0] = {"host_written": digest(_raw(ctypes.string_at(address, count)))}
        self._pending = []
        if self.replaying:
            self.check_made()


def _raw(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype=np.uint8)


def _kind_name(value: int) -> str:
    names = {number: name for name, number in CUDA_ENUMS["cudaMemcpyKind"].items()}
    return names.get(value, f"cudaMemcpyKind {value}")


def _asked(entry: Dict[str, Any], names_only: bool, pending: bool = True) -> Dict[str, Any]:
    """What a call asked (not what it got back); ``pending``: without the digests known only at a synchronization."""
    keys = ("on", "call", "get", "set") if names_only else ("on", "call", "get", "set", "args", "kwargs")
    asked = {key: entry[key] for key in keys if key in entry}
    if "set" in entry and not names_only:
        asked["value"] = entry["value"]
    if pending and "args" in asked and asked["args"] and isinstance(asked["args"][0], dict) and "host_written" in \
            asked["args"][0]:
        asked["args"] = [{"host_written": None}] + asked["args"][1:]
    return asked


def describe(entry: Dict[str, Any]) -> str:
    """One call of the log as a line: ``o3.build_serialized_network({"ref": "network1"}, ...)`` or ``o5.num_io_tensors``."""
    if "get" in entry:
        return f"{entry['on']}.{entry['get']}"
    arguments = [json.dumps(a, ensure_ascii=False) for a in entry.get("args", [])]
    arguments += [f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in entry.get("kwargs", {}).items()]
    return f"{entry['on']}.{entry['call']}({', '.join(arguments)})"


_ENUMS: Dict[str, type] = {}


def cuda_enum(name: str) -> type:
    """cuda-python's enum ``name`` as the replay offers it (:data:`CUDA_ENUMS`)."""
    if name not in _ENUMS:
        _ENUMS[name] = enum.IntEnum(name, CUDA_ENUMS[name])
    return _ENUMS[name]


def _named_enum(name: str) -> type:
    """An enum known only by the names the recording holds (``Severity.ERROR``); members made on first use."""
    key = f"named:{name}"
    if key not in _ENUMS:
        class Members(dict):
            def __missing__(self, member):
                self[member] = cls(member)
                return self[member]

        cls = type(name, (), {"__members__": Members(), "__init__": lambda self, member: setattr(self, "name", member),
                              "__repr__": lambda self: f"<{name}.{self.name}>"})
        _ENUMS[key] = cls
    return _ENUMS[key].__members__


class RuntimeProxy(Proxy):
    """A TensorRT object of the runtime log: calls and attribute reads logged (live) or answered (replay)."""

    __slots__ = ("_class",)

    def __init__(self, target, log: RuntimeLog, name: str, cls: Optional[str]):
        super().__init__(target, log, name)
        object.__setattr__(self, "_class", cls)

    def __getattr__(self, attribute: str):
        log: RuntimeLog = object.__getattribute__(self, "_log")
        name, cls = object.__getattribute__(self, "_name"), object.__getattribute__(self, "_class")
        if log.closed:
            if log.replaying:
                raise log.after_end(f"{name}.{attribute}")
            return getattr(object.__getattribute__(self, "_target"), attribute)
        if log.replaying:
            surface = getattr(log.tensorrt, "__surface__", None)
            if surface is not None and cls in surface.classes and not surface.has(cls, attribute):
                raise AttributeError(f"'{cls}' object has no attribute '{attribute}' (TensorRT {surface.version})")
            if log.is_method(name, attribute):  # matched when called: Python reads `a.f` before it evaluates f's arguments
                return _Call(log, name, attribute, None)
            return log.answer({"on": name, "get": attribute})
        value = getattr(object.__getattribute__(self, "_target"), attribute)
        if callable(value):
            return _Call(log, name, attribute, value)
        return log.logged({"on": name, "get": attribute}, value)

    def __setattr__(self, attribute: str, value) -> None:
        log: RuntimeLog = object.__getattribute__(self, "_log")
        entry = {"on": object.__getattribute__(self, "_name"), "set": attribute, "value": log.encode(value)}
        if log.replaying:
            log.expect(entry)
        else:
            setattr(object.__getattribute__(self, "_target"), attribute, unwrap(value))
        log.add(entry)


class _Call:
    """A logged callable: a TensorRT method or class, or a module function; attribute reads on it logged too."""

    def __init__(self, log: RuntimeLog, on: str, name: str, function):
        self.log, self.on, self.name, self.function = log, on, name, function

    def __call__(self, *args, **kwargs):
        return self.log.call(self.log.entry(self.on, self.name, args, kwargs), self.function, args, kwargs)

    def __getattr__(self, member: str):  # trt.Logger.ERROR
        if member.startswith("__"):
            raise AttributeError(member)
        if self.log.closed:
            if self.log.replaying:
                raise self.log.after_end(f"{self.on}.{self.name}.{member}")
            return getattr(self.function, member)
        entry = {"on": f"{self.on}.{self.name}", "get": member}
        if self.log.replaying:
            return self.log.answer(entry)
        return self.log.logged(entry, getattr(self.function, member))


class TensorRTModule:
    """``trt`` of the runtime log: enums and constants as TensorRT (or the stand-in) has them; classes and functions logged."""

    def __init__(self, log: RuntimeLog):
        self._log = log

    def __getattr__(self, name: str):
        log = self._log
        if log.replaying:
            try:
                return getattr(log.tensorrt, name)
            except ReplayError:  # a class or function of TensorRT: its calls are answered from the recording
                return _Call(log, "trt", name, None)
        value = getattr(log.tensorrt, name)
        if _is_enum_type(value) or not callable(value) or name in UNLOGGED:
            return value
        return _Call(log, "trt", name, value)


class CudaRuntimeModule:
    """``cudart`` of the runtime log: :data:`CUDA_CALLS` logged (live) or answered (replay), :data:`CUDA_ENUMS`."""

    def __init__(self, log: RuntimeLog, runtime=None):
        self._log, self._runtime = log, runtime

    def __getattr__(self, name: str):
        log = self._log
        if name in CUDA_ENUMS:
            return cuda_enum(name) if log.replaying else getattr(self._runtime, name)
        if name not in CUDA_CALLS:
            refusal = (f"cudart.{name}: the runtime log records only the cuda-python calls {', '.join(CUDA_CALLS)} "
                       f"(it must know which arguments are pointers)")
            if log.replaying:
                raise ReplayMiss(f"trtdeconv-docs: {log.where}: {refusal}; {RECORD_ON_GPU}")
            raise ReplayError(refusal)
        function = None if log.replaying else getattr(self._runtime, name)

        def logged(*args, **kwargs):
            if name in COPIES:
                return log.copy(name, function, args, kwargs)
            result = log.call(log.entry("cudart", name, args, kwargs), function, args, kwargs, NEW_HANDLES.get(name, ""))
            if name in SYNCHRONIZING:
                log.synchronized()
            return result

        logged.__name__ = name
        return logged


_STARTED: Dict[Tuple[str, str], RuntimeLog] = {}


def start(example: str, label: str, mode, tensorrt) -> Tuple[TensorRTModule, CudaRuntimeModule]:
    """``(trt, cudart)`` whose calls make run ``label`` of ``example`` (see the module docstring); ``mode`` is the
    process's (:mod:`trtdeconv_docs.cassette.mode`), ``tensorrt`` the session's TensorRT module or stand-in."""
    where = f"{Path(example).name}, run {label!r}"
    if mode.uses_tensorrt:
        from ..trt import cuda_runtime

        log = RuntimeLog(where, tensorrt=tensorrt)
        cudart = CudaRuntimeModule(log, cuda_runtime.runtime_module())
    else:
        from . import player

        run = player.find(example, label, None)
        if run.runtime_calls is None:
            raise ReplayMiss(f"trtdeconv-docs: {where}: recorded before its runtime calls were logged, so it cannot "
                             f"be replayed; {RECORD_ON_GPU}")
        log = RuntimeLog(where, run.runtime_calls, run.outputs(), names_only=mode.name == "api-check",
                         tensorrt=tensorrt)
        log.run = run
        cudart = CudaRuntimeModule(log)
    _STARTED[(str(example), label)] = log
    return TensorRTModule(log), cudart


def finished(example: str, label: str) -> Optional[RuntimeLog]:
    """The log :func:`start` opened for run ``label`` of ``example`` (forgotten here), or ``None``."""
    return _STARTED.pop((str(example), label), None)
