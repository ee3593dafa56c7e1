"""TensorRT itself: its API lists and their check, the CPU stand-in, version differences, the one engine module, the network description, the engine inspector, CUDA calls."""
