"""Sphinx glue: recorded gallery outputs (``gallery``) and recorded tensors in pages (``trt_output``)."""

from . import gallery, trt_output


def setup(app):
    """Register both halves of the extension."""
    gallery.setup(app)
    trt_output.setup(app)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
