"""trtdeconv-docs: tested reference documentation of TensorRT's Deconvolution layer."""

__version__ = "0.1.0"
