"""TensorRT itself: its API lists and their check, the CPU stand-in, version differences, engines, CUDA calls."""
