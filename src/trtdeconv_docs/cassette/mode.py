"""Which way the examples' TensorRT runs go, decided once per process: live, record, replay, or API check.

``live``: real TensorRT builds and runs. ``record``: live, and every run is written to a
folder (:mod:`trtdeconv_docs.cassette.recorder`). ``replay``: the stand-in of :mod:`trtdeconv_docs.trt.stand_in`
takes TensorRT's place and each run is answered from its recording (:mod:`trtdeconv_docs.cassette.player`), matched
by calls, settings and input bytes. ``api-check``: the stand-in takes another TensorRT
version's API list and runs are matched by label alone (the examples' API check).

The one variable :data:`VARIABLE` says which (``replay``, ``record:<folder>``,
``api-check:<version>`` or ``live``); unset, the mode is ``live`` where TensorRT is
installed and ``replay`` elsewhere. A runner may :func:`choose` the mode before the first
example runs (the GPU command records this way). Once decided, the mode stays: choosing
another one, or changing :data:`VARIABLE` afterwards (an example setting ``os.environ``), is
:class:`ModeChanged` at the next session (:func:`check_unchanged`), never a silent switch
to another way of matching. The site build and the test suite refuse the ``api-check``
mode (:func:`refuse_api_check`): it matches by label alone and proves nothing about outputs.

Which example runs is said, not guessed: the runner (:mod:`trtdeconv_docs.cassette.runner`) and
the gallery's sphinx-gallery hook call :func:`example_starts` before each example; a script run
by hand is the one Python runs (``__main__``).
"""

from __future__ import annotations

import importlib.util
import os
import sys
from dataclasses import dataclass
from typing import Mapping, Optional

VARIABLE = "TRTDECONV_MODE"
"""``live``, ``replay``, ``record:<folder>`` or ``api-check:<TensorRT version>``; unset: live if TensorRT is installed."""
NAMES = ("live", "record", "replay", "api-check")
"""The modes, by name."""


@dataclass(frozen=True)
class Mode:
    """One of :data:`NAMES`, with its folder (``record``) or TensorRT version (``api-check``)."""

    name: str
    argument: str = ""

    @property
    def uses_tensorrt(self) -> bool:
        """Whether real TensorRT builds and runs (``live`` and ``record``)."""
        return self.name in ("live", "record")

    def __str__(self) -> str:
        return f"{self.name}:{self.argument}" if self.argument else self.name


def parse(text: str) -> Mode:
    """A mode from its text (the value of :data:`VARIABLE`); ``ValueError`` naming the choices if unknown."""
    name, _, argument = text.partition(":")
    if name not in NAMES or (name in ("record", "api-check")) != bool(argument):
        raise ValueError(f"{VARIABLE}={text!r}: expected live, replay, record:<folder> or api-check:<version>")
    return Mode(name, argument)


def decide(environ: Mapping[str, str] = os.environ) -> Mode:
    """The mode :data:`VARIABLE` names, else ``live`` where TensorRT is installed and ``replay`` elsewhere."""
    text = environ.get(VARIABLE)
    if text:
        return parse(text)
    return Mode("live") if importlib.util.find_spec("tensorrt") is not None else Mode("replay")


class ModeChanged(SystemExit):
    """The mode was changed after it was decided (a ``SystemExit``: one line, no traceback, a failed run)."""


_chosen: Optional[Mode] = None
_variable_at_decision: Optional[str] = None


def choose(mode: Mode) -> None:
    """Fix this process's mode before any example runs (a runner's choice overrides :data:`VARIABLE`).

    Choosing the mode already decided again is harmless; choosing another is :class:`ModeChanged`.
    """
    global _chosen, _variable_at_decision
    if _chosen is not None and mode != _chosen:
        raise ModeChanged(f"trtdeconv-docs: the mode is {_chosen}, decided once per process by the runner; "
                          f"it cannot become {mode}: run another process with {VARIABLE}={mode}")
    _chosen, _variable_at_decision = mode, os.environ.get(VARIABLE)


def current() -> Mode:
    """This process's mode: the one chosen, else the one :func:`decide` finds (then kept)."""
    if _chosen is None:
        choose(decide())
    return _chosen


def check_unchanged() -> Mode:
    """:func:`current`, after checking that :data:`VARIABLE` still says what it said when the mode was decided."""
    mode = current()
    now = os.environ.get(VARIABLE)
    if now != _variable_at_decision:
        raise ModeChanged(f"trtdeconv-docs: {VARIABLE} changed to {now!r} after the mode was decided ({mode}); "
                          f"set it before the run, in the shell, never inside an example "
                          f"({running_example_or_none() or 'no example named'})")
    return mode


def refuse_api_check(what: str, environ: Mapping[str, str] = os.environ) -> None:
    """:class:`ModeChanged`-style one line if :data:`VARIABLE` asks for the API check, which ``what`` never runs in."""
    text = environ.get(VARIABLE, "")
    if text.partition(":")[0] == "api-check":
        raise SystemExit(f"trtdeconv-docs: {what} does not run in the API-check mode ({VARIABLE}={text}): it matches "
                         f"runs by label alone; unset {VARIABLE} (or set it to replay)")


_example: Optional[str] = None


def example_starts(path) -> None:
    """Say that the example at ``path`` (a path, or a file name) runs now; its runs are recorded or replayed as its own.

    :data:`VARIABLE` is put back as it was when the mode was decided: what an example did to it
    fails that example (:func:`check_unchanged`), never the next one.
    """
    global _example
    _example = str(path)
    if _chosen is not None and os.environ.get(VARIABLE) != _variable_at_decision:
        if _variable_at_decision is None:
            del os.environ[VARIABLE]
        else:
            os.environ[VARIABLE] = _variable_at_decision


def running_example_or_none() -> Optional[str]:
    """The example :func:`example_starts` named last, if any."""
    return _example


def running_example() -> str:
    """The example running now: the one :func:`example_starts` named last, else the script Python runs."""
    if _example is not None:
        return _example
    script = getattr(sys.modules.get("__main__"), "__file__", None)
    if not script:
        raise RuntimeError("no example is running: run it as a script, or through trtdeconv_docs.cassette.runner")
    return script
