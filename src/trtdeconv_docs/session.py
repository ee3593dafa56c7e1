"""Build and run a small TensorRT network: live on a GPU, replayed from its recording elsewhere.

An example creates a :class:`Session`, adds layers to ``session.network`` with TensorRT's
own API and calls :meth:`Session.run`, which builds the engine, executes it, prints the
inputs and outputs and returns the outputs by name. ``trt`` is the TensorRT module the
examples use: the real one where it is installed, else the stand-in of
:mod:`trtdeconv_docs.trt.stand_in`, which knows TensorRT's names but computes
nothing. Either way every network call goes through :class:`~trtdeconv_docs.cassette.call_log.Proxy`
and is logged; with real TensorRT the run is executed (and recorded when
``TRTDECONV_RECORD_DIR`` is set, :mod:`trtdeconv_docs.cassette.recorder`); with the stand-in it is
answered from ``recordings/tensors`` (:mod:`trtdeconv_docs.cassette.player`), matched by the
logged calls, the builder settings and the input bytes, or refused.
``TRTDECONV_REPLAY=1`` replays even where TensorRT is installed.
"""

from __future__ import annotations

import json
import os
from typing import Any, Dict, Optional, Sequence, Tuple

import numpy as np

from .cassette import recorder as recording, player as replay
from .trt import versions as tensorrt_versions
from .cassette.call_log import CallLog, Proxy
from .errors import EngineBuildError
from .tensors import decode

__all__ = ["Session", "EngineBuildError", "trt", "REPLAYING", "record"]


API_VERSION_VARIABLE = "TRTDECONV_API_VERSION"
"""Set to ``10`` or ``11``: the stand-in takes that TensorRT's API list (the API check of the examples)."""


def _tensorrt() -> Tuple[Any, bool]:
    """The TensorRT module to use and whether it is the replay stand-in."""
    checked = os.environ.get(API_VERSION_VARIABLE)
    if os.environ.get(replay.REPLAY_VARIABLE) != "1" and not checked:
        try:
            import tensorrt
            return tensorrt, False
        except ImportError:
            pass
    from .trt import api as tensorrt_api, stand_in as tensorrt_stand_in
    if checked:
        api = tensorrt_api.load(checked)
        return tensorrt_stand_in.module(api, api.tag.lstrip("v") + ".0" * (2 - api.tag.count("."))), True
    version = replay.recorded_tensorrt_version()
    return tensorrt_stand_in.module(tensorrt_api.load(tensorrt_api.version_of(version)), version), True


trt, REPLAYING = _tensorrt()


def tensorrt_major() -> int:
    """Major version of the TensorRT the examples run against (the recorded one when replaying)."""
    return tensorrt_versions.major(trt)


class Session:
    """One network and its builder settings; see the module docstring."""

    def __init__(self, *, tf32: bool = False, int8: bool = False, fp16: bool = False, optimization_level: int = 0,
                 obey_precision: bool = False):
        self.settings: Dict[str, Any] = {"tf32": tf32, "int8": int8, "fp16": fp16}
        # settings beyond the first three are recorded only when they differ from the documentation's defaults
        if optimization_level != 0:
            self.settings["optimization_level"] = optimization_level
        if obey_precision:
            self.settings["obey_precision"] = True
        self.log = CallLog()
        self.inputs: Dict[str, np.ndarray] = {}
        self.profile: Dict[str, list] = {}
        self._engine = None
        self._layers = ""  # the engine inspector's JSON of the built (or recorded) engine
        if REPLAYING:
            from .trt.stand_in import object_of
            target = object_of("INetworkDefinition", trt.__surface__)
            self._builder = None
        else:
            from .trt.engine import Builder
            self._builder = Builder(tf32=tf32, int8=int8, fp16=fp16, optimization_level=optimization_level,
                                    obey_precision=obey_precision)
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
        if REPLAYING:
            key = replay.run_key(self.log.entries, settings, feed)
            # the API check of another TensorRT version matches by label: its calls may differ by design
            run = replay.find(recording.caller_file(), label, None if os.environ.get(API_VERSION_VARIABLE) else key)
            if "refused" in run:
                raise EngineBuildError(run["refused"])
            results = {name: decode(data) for name, data in run["outputs"].items()}
            self._layers = run.get("engine", {}).get("layers", "")
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

        base = {"calls": json.loads(json.dumps(self.log.entries)), "settings": settings}
        if self._engine is None:
            if self.profile:
                self._builder.add_profile(self.profile)
            try:
                self._engine = self._builder.build()
            except EngineBuildError as error:
                recording.record_run(recording.caller_file(), dict(
                    base, label=label, inputs=feed, refused=error.messages,
                    network=describe_network(self._builder.network)))
                raise
            self._layers = tensorrt_engine.layer_information(self._engine)
        results = tensorrt_engine.execute(self._engine, feed)
        recording.record_run(recording.caller_file(), dict(
            base, label=label, inputs=feed, outputs=results, network=describe_network(self._builder.network),
            engine={"layers": self._layers, "build_seconds": self._builder.build_seconds},
            messages=[f"[{s}] {m}" for s, m in self._builder.logger.messages]))
        return results

    def tactics(self) -> Dict[str, str]:
        """``{layer name: tactic name}`` of the built engine, as TensorRT's engine inspector reports them."""
        from .cassette.recompute import tactic_names

        if not self._layers:
            raise ValueError("tactics() needs a run first")
        return tactic_names(self._layers)


def record(label: str, network, inputs, outputs) -> None:
    """Record a run made without a :class:`Session` (the full-plumbing example); GPU recording only."""
    from .trt.network_description import describe_network

    if not REPLAYING:
        recording.record_run(recording.caller_file(), {
            "label": label, "calls": None, "settings": {"tf32": False, "int8": False, "fp16": False}, "inputs": inputs, "outputs": outputs,
            "network": describe_network(network)})
