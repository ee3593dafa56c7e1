"""Build and run a small TensorRT network: live on a GPU, replayed from its recording elsewhere.

An example creates a :class:`Session`, adds layers to ``session.network`` with TensorRT's
own API and calls :meth:`Session.run`, which builds the engine, executes it, prints the
inputs and outputs and returns the outputs by name. ``trt`` is the TensorRT module the
examples use: the real one in the ``live`` and ``record`` modes, else the stand-in of
:mod:`trtdeconv_docs.trt.stand_in`, which knows TensorRT's names but computes nothing
(the mode is decided once, :mod:`trtdeconv_docs.cassette.mode`). Either way every network
call goes through :class:`~trtdeconv_docs.cassette.call_log.Proxy` and is logged; live runs
are executed (and written by :mod:`trtdeconv_docs.cassette.recorder` in the ``record``
mode); replayed runs are answered from ``recordings/tensors`` by
:mod:`trtdeconv_docs.cassette.player`, or refused.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Sequence

import numpy as np

from .cassette import mode as modes
from .cassette import player
from .cassette import runtime_calls as runtime_log
from .cassette.call_log import CallLog, Proxy, encode_value, unwrap
from .cassette.recording import run_key
from .cassette.recorder import Recorder
from .errors import RECORD_ON_GPU, EngineBuildError, ReplayMiss

__all__ = ["Session", "EngineBuildError", "trt", "runtime_calls", "record", "MODE"]

MODE = modes.current()
"""This process's mode (``live``, ``record``, ``replay`` or ``api-check``), for reading: sessions ask
:func:`trtdeconv_docs.cassette.mode.check_unchanged`, so that overwriting this changes nothing."""
_RECORDER = Recorder(MODE.argument) if MODE.name == "record" else None


def _tensorrt() -> Any:
    """The TensorRT module of :data:`MODE`: TensorRT itself, or the stand-in with the right API list."""
    if MODE.uses_tensorrt:
        import tensorrt
        return tensorrt
    from .trt import api, stand_in
    if MODE.name == "api-check":
        checked = api.load(MODE.argument)
        return stand_in.module(checked, checked.tag.lstrip("v") + ".0" * (2 - checked.tag.count(".")))
    version = player.recorded_tensorrt_version()
    return stand_in.module(api.load(api.version_of(version)), version)


trt = _tensorrt()


def tensorrt_major() -> int:
    """Major version of the TensorRT the examples run against (the recorded one when replaying)."""
    from .trt import versions

    return versions.major(trt)


class Session:
    """One network and its builder settings; see the module docstring."""

    def __init__(self, *, tf32: bool = False, int8: bool = False, fp16: bool = False, optimization_level: int = 0,
                 obey_precision: bool = False, timing_cache: str = "shared", algorithm_selector: bool = False):
        """``timing_cache``: ``shared`` (one for the process), ``fresh`` (an empty one for this build) or a
        name shared by the sessions that give it; ``algorithm_selector``: pin the lowest tactic
        (:mod:`trtdeconv_docs.trt.tactic_selector`) instead of the fastest."""
        self.settings: Dict[str, Any] = {"tf32": tf32, "int8": int8, "fp16": fp16}
        # settings beyond the first three are recorded only when they differ from the documentation's defaults
        if optimization_level != 0:
            self.settings["optimization_level"] = optimization_level
        if obey_precision:
            self.settings["obey_precision"] = True
        mode = modes.check_unchanged()  # the process's mode, never a value an example may have overwritten
        if timing_cache != "shared":
            self.settings["timing_cache"] = timing_cache
        if algorithm_selector:
            self.settings["algorithm_selector"] = "lowest_tactic"
        self.definition_errors: List[str] = []
        """Errors TensorRT logged while the network was defined, for a network it then built (known after a run)."""
        self.setters: List[Dict[str, Any]] = []
        """What :meth:`set_checked` saw TensorRT do, one entry per call (complete after a run)."""
        self.description: Dict[str, Any] = {}
        """The network as TensorRT described it at the run (``trtdeconv_docs.trt.network_description``)."""
        self._asked: List[Dict[str, Any]] = []  # replay: the set_checked calls, answered at the run
        self.log = CallLog()
        self.inputs: Dict[str, np.ndarray] = {}
        self.profile: Dict[str, list] = {}
        self._engine = None
        self._layers = ""  # the engine inspector's JSON of the built (or recorded) engine
        if not mode.uses_tensorrt:
            from .trt.stand_in import object_of
            target = object_of("INetworkDefinition", trt.__surface__)
            self._builder = None
        else:
            from .trt.engine import Builder
            self._builder = Builder(tf32=tf32, int8=int8, fp16=fp16, optimization_level=optimization_level,
                                    obey_precision=obey_precision, timing_cache=timing_cache,
                                    algorithm_selector=algorithm_selector)
            target = self._builder.network
        self.network = Proxy(target, self.log, "network")

    def add_input(self, name: str, array, *, profile: Optional[Sequence[Sequence[int]]] = None):
        """Add a network input typed like ``array``, which :meth:`run` feeds it; returns the tensor.

        ``profile`` = (min, opt, max) shapes makes the input dynamic (-1 where they differ),
        with one optimization profile for all dynamic inputs.
        """
        array = np.ascontiguousarray(array)
        dtypes = {"float32": trt.float32, "float16": trt.float16, "int8": trt.int8, "int32": trt.int32}
        if array.dtype.name not in dtypes:
            raise ValueError(f"input {name!r}: dtype {array.dtype} is not one of {sorted(dtypes)}")
        shape = tuple(array.shape)
        if profile is not None:
            smallest, usual, largest = (tuple(int(v) for v in s) for s in profile)
            if not (len(smallest) == len(usual) == len(largest) == len(shape)):
                raise ValueError(f"input {name!r}: profile shapes must have {len(shape)} dimensions")
            shape = tuple(-1 if a != b else a for a, b in zip(smallest, largest))
            self.profile[name] = [list(smallest), list(usual), list(largest)]
        self.inputs[name] = array
        return self.network.add_input(name, dtypes[array.dtype.name], shape)

    def _builder_settings(self) -> Dict[str, Any]:
        return dict(self.settings, **({"profile": self.profile} if self.profile else {}))

    def run(self, label: str, *outputs, inputs: Optional[Dict[str, np.ndarray]] = None,
            show: bool = True) -> Dict[str, np.ndarray]:
        """Mark ``outputs`` (layers or tensors), build, execute, print and return the outputs by name.

        The first run of a session marks the outputs and builds the engine; later runs
        execute the same engine with ``inputs`` replacing inputs by name (dynamic shapes).
        Raises :class:`EngineBuildError` with TensorRT's messages when it refuses the network.
        """
        if outputs and (self._engine is not None or self._layers):
            raise ValueError(f"run {label!r}: outputs are marked by a session's first run only")
        for output in outputs:
            self.network.mark_output(output.get_output(0) if hasattr(output, "get_output") else output)
        feed = {**self.inputs, **{name: np.ascontiguousarray(value) for name, value in (inputs or {}).items()}}
        settings = self._builder_settings()
        mode = modes.check_unchanged()
        if not mode.uses_tensorrt:
            # the API check of another TensorRT version matches by label: its calls may differ by design
            key = None if mode.name == "api-check" else run_key(self.log.at_build(), settings, feed)
            run = player.find(modes.running_example(), label, key)
            self._answer_setters(run)
            self.description = run.data.get("network", {})
            if run.refused is not None:
                raise EngineBuildError(run.refused)
            self.definition_errors = run.definition_errors
            results = run.outputs()
            self._layers = run.layers
        else:
            results = self._run_live(label, feed, settings)
        if show:
            with np.printoptions(precision=8, linewidth=200, suppress=True):
                for name, array in list(feed.items()) + list(results.items()):
                    print(f"{name}: {array.shape}")
                    print(array)
        return results

    def _run_live(self, label: str, feed, settings) -> Dict[str, np.ndarray]:
        from .trt import engine as tensorrt_engine
        from .trt.network_description import describe_network

        base = {"calls": json.loads(json.dumps(self.log.at_build())), "settings": settings}
        if self.setters:
            base["setters"] = self.setters
        self.description = describe_network(self._builder.network)
        if self._engine is None:
            if self.profile:
                self._builder.add_profile(self.profile)
            try:
                self._engine = self._builder.build()
            except EngineBuildError as error:
                self._record(dict(base, label=label, inputs=feed, refused=error.messages, network=self.description))
                raise
            self._layers = tensorrt_engine.layer_information(self._engine)
            self.definition_errors = self._builder.definition_errors
        if self.definition_errors:
            base["definition_errors"] = self.definition_errors
        results = tensorrt_engine.execute(self._engine, feed)
        self._record(dict(
            base, label=label, inputs=feed, outputs=results, network=self.description,
            engine={"layers": self._layers, "build_seconds": self._builder.build_seconds},
            messages=[f"[{s}] {m}" for s, m in self._builder.logger.messages]))
        return results

    def set_checked(self, layer, attribute: str, value) -> None:
        """``setattr(layer, attribute, value)``, keeping what TensorRT did in :attr:`setters`.

        Live, each entry holds the attribute, the value asked for, the exception raised (or
        ``None``), the messages TensorRT logged during the set and the value TensorRT reads
        back right after it; the run records the entries. Replayed, the set goes to the
        stand-in (which cannot judge a value) and the entries come from the recording at
        :meth:`run`, so read :attr:`setters` after the run, on both sides.
        """
        entry: Dict[str, Any] = {"attribute": attribute, "value": encode_value(value)}
        if not modes.check_unchanged().uses_tensorrt:
            setattr(layer, attribute, value)
            self._asked.append(entry)
            return
        before = len(self._builder.logger.messages)
        try:
            setattr(layer, attribute, value)
            entry["raised"] = None
        except Exception as error:  # recorded: the replay shows it instead of raising
            entry["raised"] = f"{type(error).__name__}: {error}"
        entry["logged"] = [f"[{s}] {m}" for s, m in self._builder.logger.messages[before:]]
        read = getattr(unwrap(layer), attribute)
        entry["read_back"] = read.name if hasattr(type(read), "__members__") else (
            int(read) if isinstance(read, int) else [int(v) for v in read])
        self.setters.append(entry)

    def _answer_setters(self, run) -> None:
        """Replay: the recorded entries of :meth:`set_checked`, which must be the ones asked for."""
        recorded = run.setters
        asked = [{"attribute": e["attribute"], "value": e["value"]} for e in recorded]
        if asked != json.loads(json.dumps(self._asked)):
            raise ReplayMiss(f"trtdeconv-docs: run {run.label!r}: the checked setters differ from the "
                             f"recording; {RECORD_ON_GPU}")
        self.setters = recorded

    @staticmethod
    def _record(run: Dict[str, Any]) -> None:
        if _RECORDER is not None:
            _RECORDER.record_run(modes.running_example(), run)

    def tactics(self) -> Dict[str, str]:
        """``{layer name: tactic name}`` of the built engine, as TensorRT's engine inspector reports them."""
        from .trt.inspector import tactic_names

        if not self._layers:
            raise ValueError("tactics() needs a run first")
        return tactic_names(self._layers)


    def kernels(self) -> Dict[str, str]:
        """``{layer name: kernel}`` of the built engine: the tactic name, else the engine layer's type and tactic
        value (``trtdeconv_docs.trt.inspector.kernel_name``)."""
        from .trt.inspector import kernel_names

        if not self._layers:
            raise ValueError("kernels() needs a run first")
        return kernel_names(self._layers)

    def precision(self, layer_name: str) -> str:
        """The precision whose error bound holds ``layer_name`` in the built engine (``int8``, ``tf32``, ``fp16``,
        ``fp32``; ``trtdeconv_docs.trt.inspector.precision_of``)."""
        from .trt.inspector import engine_layers, precision_of

        if not self._layers:
            raise ValueError("precision() needs a run first")
        return precision_of(engine_layers(self._layers), layer_name, self.settings)


def runtime_calls(label: str):
    """``(trt, cudart)``: TensorRT and cuda-python's runtime API for an example that drives them itself, every call
    logged as run ``label`` (:mod:`trtdeconv_docs.cassette.runtime_calls`): made and recorded on a GPU, answered
    from the recording elsewhere. The example ends the run with :func:`record`."""
    return runtime_log.start(modes.running_example(), label, modes.check_unchanged(), trt)


def record(label: str, network, inputs, outputs) -> None:
    """End a run made without a :class:`Session` (the full-plumbing example): recorded on a GPU, with its runtime
    calls when :func:`runtime_calls` made them; replayed, every recorded call must have been made, with these
    inputs and outputs."""
    log = runtime_log.finished(modes.running_example(), label)
    if not modes.check_unchanged().uses_tensorrt:
        if log is None:
            raise ReplayMiss(f"trtdeconv-docs: run {label!r}: the replay answers a run made without a Session only "
                             f"through runtime_calls({label!r})")
        log.finish(inputs, outputs)
        return
    if log is not None:
        log.closed = True
    if _RECORDER is not None:
        from .trt.network_description import describe_network

        run = {"label": label, "calls": None, "settings": {"tf32": False, "int8": False, "fp16": False},
               "inputs": inputs, "outputs": outputs, "network": describe_network(unwrap(network))}
        if log is not None:
            run["runtime_calls"] = json.loads(json.dumps(log.entries))
        _RECORDER.record_run(modes.running_example(), run)
