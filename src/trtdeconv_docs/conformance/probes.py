"""Cases that find TensorRT's limits on the GPU: setters at candidate values, and huge tensors.

No public header of TensorRT 8.6 gives ``kMAX_STRIDE``, ``kMAX_DILATION``,
``kMAX_PADDING``, ``kMAX_GROUPS`` or ``kMAX_OUTPUT_MAPS`` (its messages name them, case
r08-r12), and one GPU run cannot bisect. So each of these attributes is set, on a layer
of its own, to every value of :data:`LADDER` (``2**k - 1, 2**k, 2**k + 1`` and ``10**k - 1,
10**k, 10**k + 1``): the limit is pinned where an accepted value and a refused one are
neighbours. Such an "add" probe (``probe: "add"``) is only added to a network, never built
(its kernel is one value: TensorRT counts weights at build time), and its run is
``added`` or ``refused``. Kernel volumes around ``MAX_KERNEL_DIMS_PRODUCT`` and values past
int32 are add probes too. "build" probes (``probe: "build"``) build an engine around a
tensor at TensorRT's volume limit (2**31 elements) without running it; their run records
the engine's output shape.

:func:`limits_found` reads a recording back into (largest accepted, smallest refused)
per attribute; ``python -m trtdeconv_docs.conformance.probes [recordings/conformance]``
prints it, next to :mod:`trtdeconv_docs.layer.limits`.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from ..layer import limits

LADDER = tuple(sorted(
    v for v in {1}
    | {v for k in range(8, 32) for v in (2 ** k - 1, 2 ** k, 2 ** k + 1)}
    | {v for k in range(3, 10) for v in (10 ** k - 1, 10 ** k, 10 ** k + 1)}
    if v <= limits.INT32_MAX
))
"""Candidate values of every probed limit, within int32."""

PER_DIMENSION = {"stride_nd": (1, 1), "dilation_nd": (1, 1), "padding_nd": (0, 0), "pre_padding": (0, 0),
                 "post_padding": (0, 0)}
"""Probed per-dimension setters with the value of their other dimension."""

PAST_INT32 = 2 ** 31


def _probe(note: str, probe: str, input_shape, num_output_maps: int, kernel_size_nd, setters, *,
           kernel_count: int = 1, attribute: Optional[str] = None, value: Optional[int] = None) -> Dict[str, Any]:
    case = {
        "kind": "float",
        "input_shape": list(input_shape),
        "num_output_maps": num_output_maps,
        "kernel_size_nd": list(kernel_size_nd),
        "kernel_count": kernel_count,
        "bias_count": 0,
        "set": [list(s) for s in setters],
        "values": "integers",
        "note": note,
        "probe": probe,
    }
    if attribute is not None:
        case.update(probe_attribute=attribute, probe_value=value)
    return case


def _ladders() -> List[Dict[str, Any]]:
    cases = []
    for name, other in PER_DIMENSION.items():
        for v in LADDER:
            value = [other[0], v] if name == "pre_padding" else [v, other[1]]
            cases.append(_probe(f"{name} {value}", "add", [1, 1, 1, 1], 1, [1, 1], [[name, value]],
                                attribute=name, value=v))
    for v in LADDER:
        cases.append(_probe(f"num_groups {v}", "add", [1, 1, 1, 1], 1, [1, 1], [["num_groups", v]],
                            attribute="num_groups", value=v))
    for v in LADDER:
        cases.append(_probe(f"num_output_maps {v}", "add", [1, 1, 1, 1], v, [1, 1], [],
                            attribute="num_output_maps", value=v))
    return cases


def _edges() -> List[Dict[str, Any]]:
    """Kernel volumes at MAX_KERNEL_DIMS_PRODUCT, values past int32, ranks past Dims::MAX_DIMS."""
    v2, v3 = limits.max_kernel_volume(2), limits.max_kernel_volume(3)
    cases = [_probe(f"2-D kernel volume {k[0] * k[1]}", "add", [1, 1, 1, 1], 1, k, [])
             for k in ([1, v2], [1, v2 + 1], [1, v2 + 2], [316, 316], [317, 316], [limits.INT32_MAX, 1])]
    cases += [_probe(f"3-D kernel volume {v}", "add", [1, 1, 1, 1, 1], 1, [1, 1, v], [])
              for v in (v3, v3 + 1, v3 + 2)]
    cases += [
        _probe("kernel_size_nd past int32", "add", [1, 1, 1, 1], 1, [PAST_INT32, 1], []),
        _probe("num_output_maps past int32", "add", [1, 1, 1, 1], PAST_INT32, [1, 1], []),
        _probe("stride_nd past int32", "add", [1, 1, 1, 1], 1, [1, 1], [["stride_nd", [PAST_INT32, 1]]]),
        _probe("post_padding past int32", "add", [1, 1, 1, 1], 1, [1, 1], [["post_padding", [0, PAST_INT32]]]),
        _probe("num_groups past int32", "add", [1, 1, 1, 1], 1, [1, 1], [["num_groups", PAST_INT32]]),
        _probe("input dimension past int32", "add", [1, 1, PAST_INT32, 1], 1, [1, 1], []),
        _probe("2-D kernel on a rank-9 input", "add", [1] * 7 + [2, 2], 1, [1, 1], []),
    ]
    return cases


def _volumes() -> List[Dict[str, Any]]:
    """Build probes at TensorRT's tensor volume limit; the largest last (they allocate ~8 GiB on the GPU)."""
    return [
        _probe("output of 2**31 elements", "build", [65536, 1, 1, 1], 1, [128, 256], [], kernel_count=128 * 256),
        _probe("input of 2**31 elements", "build", [32768, 65536, 1, 1], 1, [1, 1], [], kernel_count=65536),
        _probe("input of 2**31 - 65536 elements", "build", [1, 1, 32767, 65536], 1, [1, 1], []),
        _probe("output of 2**31 - 2**24 elements", "build", [65536, 1, 1, 1], 1, [127, 256], [],
               kernel_count=127 * 256),
    ]


def kernel_values(case: Dict[str, Any]):
    """A build probe's kernel: ``kernel_count`` small integers in float32 (its input is never made)."""
    import numpy as np

    return np.random.default_rng(case["seed"]).integers(-2, 3, case["kernel_count"]).astype(np.float32)


def probe_cases() -> List[Dict[str, Any]]:
    """Every probe case, ids ``p0000``..., with the reference model's verdict as ``expected``."""
    from . import model

    cases = _ladders() + _edges() + _volumes()
    for index, case in enumerate(cases):
        case.update(id=f"p{index:04d}", seed=[2 ** 31 - 2, index])
        case["expected"] = "accept" if model.verdict(case, {}) is None else "refuse"
    return cases


def limits_found(recorded_cases) -> Dict[str, Tuple[Optional[int], Optional[int]]]:
    """Per probed attribute: (largest value TensorRT accepted, smallest it refused) in a recording."""
    found: Dict[str, Tuple[Optional[int], Optional[int]]] = {}
    for recorded in recorded_cases:
        case = recorded.case
        name = case.get("probe_attribute")
        if name is None:
            continue
        statuses = {run["status"] for run in recorded.runs.values()}
        accepted, refused = found.get(name, (None, None))
        value = case["probe_value"]
        if statuses == {"added"}:
            accepted = value if accepted is None else max(accepted, value)
        elif statuses == {"refused"}:
            refused = value if refused is None else min(refused, value)
        found[name] = (accepted, refused)
    return found


def main(argv=None) -> int:
    """Print the limits a recording measured beside those of :mod:`trtdeconv_docs.layer.limits`."""
    from . import compare, store

    parser = argparse.ArgumentParser(prog="python -m trtdeconv_docs.conformance.probes",
                                     description=limits_found.__doc__)
    parser.add_argument("directory", nargs="?", type=Path, default=compare.DEFAULT_DIRECTORY)
    args = parser.parse_args(argv)
    for name, (accepted, refused) in sorted(limits_found(store.load(args.directory).cases).items()):
        constant = limits.MEASURED[name]
        print(f"{name:16} TensorRT accepts up to {accepted}, refuses from {refused}; "
              f"limits.{constant} = {getattr(limits, constant)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
