"""The one unit vocabulary of the pages' prose: each unit's Chinese and English spellings, what it measures and,
for a time, its scale to the millisecond.

Two checks read a unit here and nowhere else: :mod:`trtdeconv_docs.translation_check` (a translation keeps
each number's unit: ``5 毫秒`` is ``5 ms``, not ``5 microseconds``) and
:mod:`trtdeconv_docs.sphinx_ext.page_literals` (a short quantity in prose, ``5 微秒``, ``3 µs``, ``快 8.0 倍``,
``2x faster`` or ``30 %``, needs a source). Both call :func:`after` on the text that follows a number and
compare the unit by its :attr:`Unit.name`, so a spelling or a unit added to :data:`UNITS` is seen by both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, Optional, Tuple


@dataclass(frozen=True)
class Unit:
    """A unit: the name both editions are compared by, what it measures, and how the prose writes it."""

    name: str
    """The one spelling of the checks' messages and of the allow-list (``µs`` for ``微秒``, ``us``, ``microseconds``)."""
    quantity: str
    """What it measures: ``time``, ``size``, ``bandwidth``, ``work``, ``compute rate``, ``clock``, ``ratio``,
    ``fraction``."""
    chinese: Tuple[str, ...] = ()
    """Chinese spellings, after the number with or without a space (``5 毫秒``, ``8.0 倍``)."""
    symbols: Tuple[str, ...] = ()
    """Symbols, after the number with or without a space (``5 ms``, ``5ms``, ``30%``)."""
    words: Tuple[str, ...] = ()
    """English words, after a space or a hyphen (``3 seconds``, ``8-fold``)."""
    glued: Tuple[str, ...] = ()
    """Spellings right after the number, never after a space (``2x faster``: ``2 × 3`` is a product)."""
    scale: Optional[float] = None
    """For a time, how many milliseconds (the benchmark's unit) one of this unit is."""


UNITS: Tuple[Unit, ...] = (
    Unit("ns", "time", ("纳秒",), ("ns",), ("nanosecond", "nanoseconds"), scale=1e-6),
    Unit("µs", "time", ("微秒",), ("µs", "μs", "us"), ("microsecond", "microseconds"), scale=1e-3),
    Unit("ms", "time", ("毫秒",), ("ms",), ("millisecond", "milliseconds"), scale=1.0),
    Unit("s", "time", ("秒",), (), ("s", "second", "seconds"), scale=1e3),
    Unit("min", "time", ("分钟",), ("min",), ("minute", "minutes"), scale=6e4),
    Unit("h", "time", ("小时",), (), ("hour", "hours"), scale=3.6e6),
    Unit("B", "size", ("字节",), (), ("byte", "bytes")),
    Unit("KiB", "size", symbols=("KiB",)),
    Unit("MiB", "size", symbols=("MiB",)),
    Unit("GiB", "size", symbols=("GiB",)),
    Unit("TiB", "size", symbols=("TiB",)),
    Unit("KB", "size", symbols=("KB", "kB")),
    Unit("MB", "size", symbols=("MB",)),
    Unit("GB", "size", symbols=("GB",)),
    Unit("TB", "size", symbols=("TB",)),
    Unit("GB/s", "bandwidth", symbols=("GB/s",)),
    Unit("TB/s", "bandwidth", symbols=("TB/s",)),
    Unit("GFLOP", "work", symbols=("GFLOP",)),
    Unit("TFLOP", "work", symbols=("TFLOP",)),
    Unit("GFLOP/s", "compute rate", symbols=("GFLOP/s", "GFLOPS")),
    Unit("TFLOP/s", "compute rate", symbols=("TFLOP/s", "TFLOPS")),
    Unit("TOPS", "compute rate", symbols=("TOPS",)),
    Unit("MHz", "clock", symbols=("MHz",)),
    Unit("GHz", "clock", symbols=("GHz",)),
    Unit("×", "ratio", ("倍",), (), ("times", "fold"), glued=("x", "×")),
    Unit("%", "fraction", ("％",), ("%",), ("percent",)),
)

LATIN_END = r"(?![A-Za-z0-9_])"
"""A Latin spelling ends where no Latin letter or digit follows (``5 ms的`` has one, ``5 mse`` and ``k3 s2`` none)."""


def _either(spellings) -> str:
    return "|".join(re.escape(s) for s in sorted(spellings, key=len, reverse=True))  # GB/s before GB


@dataclass(frozen=True)
class Reader:
    """What :data:`UNITS` reads as: every spelling -> its unit, every name -> its unit, and the pattern of what
    follows a number to make it a quantity (a spelling with the space that spelling allows)."""

    table: Tuple[Unit, ...]
    spellings: Dict[str, Unit]
    named: Dict[str, Unit]
    pattern: re.Pattern


def _reader(table: Tuple[Unit, ...]) -> Reader:
    spellings = {s: unit for unit in table for s in unit.chinese + unit.symbols + unit.words + unit.glued}
    kinds = (("chinese", r"\s*", ""), ("symbols", r"\s*", LATIN_END), ("words", r"(?:\s+|-)", LATIN_END),
             ("glued", "", r"(?![A-Za-z0-9_/])"))  # 2x, never 2 x: 2 × 3 is a product
    pattern = re.compile("|".join(
        f"{before}(?P<{kind}>{_either(s for unit in table for s in getattr(unit, kind))}){end}"
        for kind, before, end in kinds if any(getattr(unit, kind) for unit in table)))
    return Reader(table, spellings, {unit.name: unit for unit in table}, pattern)


_read = [_reader(UNITS)]


def reader() -> Reader:
    """How :data:`UNITS` is read, built again whenever the module's table is another one (a test adds a unit)."""
    if _read[0].table is not UNITS:
        _read[0] = _reader(UNITS)
    return _read[0]


def after(text: str, end: int) -> Optional[Unit]:
    """The unit written right after a number that ends at ``end`` of ``text``; None if the number has none."""
    read = reader()
    match = read.pattern.match(text, end)
    return read.spellings[next(value for value in match.groupdict().values() if value)] if match else None


def named(name: str) -> Unit:
    """The unit of :data:`UNITS` named ``name`` (``µs``)."""
    return reader().named[name]
