"""An algorithm selector that pins TensorRT's choice of kernel, whatever the timings say (GPU only).

TensorRT's autotuner times every candidate implementation of a layer and keeps the
fastest; when two candidates time alike, two builds of the same network may keep
different ones. :class:`LowestTactic` (an ``IAlgorithmSelector``, in TensorRT's Python API
up to 10; TensorRT 11 has none) answers every choice with the candidate of the lowest
(implementation, tactic) pair instead, so the choice depends only on which candidates
exist, not on how fast they ran. The engine inspector names what it chose.
"""

from __future__ import annotations

from typing import List

import tensorrt as trt


_VERSION = str(trt.__version__)
TENSORRT_MAJOR = int(_VERSION.split(".")[0]) if _VERSION[:1].isdigit() else 0  # 0: Sphinx's autodoc mock
"""The major version of the TensorRT imported."""

if TENSORRT_MAJOR < 11:  # TensorRT 11 removed IAlgorithmSelector (deprecated in 10.8)
    class LowestTactic(trt.IAlgorithmSelector):
        """Select, for every layer, the candidate with the lowest (implementation, tactic)."""

        def __init__(self):
            trt.IAlgorithmSelector.__init__(self)

        def select_algorithms(self, context, choices) -> List[int]:
            """The index of the lowest (implementation, tactic) among ``choices``."""
            keys = [(int(c.algorithm_variant.implementation), int(c.algorithm_variant.tactic)) for c in choices]
            return [min(range(len(keys)), key=keys.__getitem__)]

        def report_algorithms(self, contexts, choices) -> None:
            """TensorRT reports the final choices here; the engine inspector records them already."""
