"""hypothesis strategies of deconvolution layers that several test modules draw from."""

from __future__ import annotations

from hypothesis import strategies as st

from trtdeconv_docs.layer.attributes import PADDING_MODES


def layers(*, modes=PADDING_MODES, ranks=(2, 3), kernel=5, stride=4, dilation=3, spatial=6, padding=None,
           groups=None, per_group=3, batch=3):
    """A strategy for ``(resolve() keyword arguments, input shape)``: a valid layer whose output has no
    negative dimension, with every size drawn from 1 up to the given largest value.

    ``padding`` caps ``pre_padding`` and ``post_padding`` (else only the output's size does);
    ``groups`` is a strategy for ``num_groups`` (default 1 to 3); channels and output maps are
    ``num_groups`` times 1 to ``per_group``.
    """
    @st.composite
    def draw_layer(draw):
        rank = draw(st.sampled_from(ranks))
        kernel_size = tuple(draw(st.integers(1, kernel)) for _ in range(rank))
        strides = tuple(draw(st.integers(1, stride)) for _ in range(rank))
        dilations = tuple(draw(st.integers(1, dilation)) for _ in range(rank))
        sizes = tuple(draw(st.integers(1, spatial)) for _ in range(rank))
        mode = draw(st.sampled_from(modes))
        full = [(i - 1) * s + 1 + d * (k - 1) for i, s, k, d in zip(sizes, strides, kernel_size, dilations)]
        cap = (lambda limit: limit) if padding is None else (lambda limit: min(padding, limit))
        # the CAFFE modes crop pre_padding at both ends, the others pre_padding + post_padding
        pre = tuple(draw(st.integers(0, cap(f // 2 if mode.startswith("CAFFE") else f))) for f in full)
        post = tuple(draw(st.integers(0, cap(f - b))) for f, b in zip(full, pre))
        g = draw(st.integers(1, 3) if groups is None else groups)
        attributes = dict(num_output_maps=g * draw(st.integers(1, per_group)), kernel_size_nd=kernel_size,
                          stride_nd=strides, pre_padding=pre, post_padding=post, padding_mode=mode,
                          dilation_nd=dilations, num_groups=g)
        return attributes, (draw(st.integers(1, batch)), g * draw(st.integers(1, per_group))) + sizes

    return draw_layer()


def small_layers():
    """A random small deconvolution (2-D or 3-D, any padding mode, groups) and an input shape for it."""
    @st.composite
    def layers(draw):
        rank = draw(st.sampled_from([2, 2, 3]))
        groups = draw(st.integers(1, 3))
        kernel = tuple(draw(st.integers(1, 5)) for _ in range(rank))
        stride = tuple(draw(st.integers(1, 4)) for _ in range(rank))
        attributes = dict(num_output_maps=groups * draw(st.integers(1, 2)), kernel_size_nd=kernel, stride_nd=stride,
                          pre_padding=tuple(draw(st.integers(0, 4)) for _ in range(rank)),
                          post_padding=tuple(draw(st.integers(0, 4)) for _ in range(rank)),
                          padding_mode=draw(st.sampled_from(PADDING_MODES)), num_groups=groups)
        shape = (draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))) + tuple(
            draw(st.integers(1, 5 if rank == 2 else 3)) for _ in range(rank))
        return attributes, shape

    return layers()


def accepted_case(drawn, seed: int, plan, refused=()):
    """``(layer, x, kernel, bias)`` for a drawn ``(attributes, shape)`` that TensorRT's rules accept and
    ``plan(shape, kernel, layer)`` can express (``refused``: the exceptions that say it cannot); otherwise
    ``hypothesis.assume`` discards the draw. The arrays are standard normal from ``seed``."""
    import numpy as np
    from hypothesis import assume

    from trtdeconv_docs.layer import reference
    from trtdeconv_docs.layer.attributes import DeconvolutionError, resolve

    attributes, shape = drawn
    layer = resolve(**attributes)
    zeros = np.zeros(reference.kernel_shape(layer, shape[1]))
    try:
        reference.deconvolve(np.zeros(shape), zeros, None, layer)
        plan(shape, zeros, layer)
    except (DeconvolutionError,) + tuple(refused):
        assume(False)
    rng = np.random.default_rng(seed)
    return (layer, rng.standard_normal(shape), rng.standard_normal(zeros.shape),
            rng.standard_normal(layer.num_output_maps))
