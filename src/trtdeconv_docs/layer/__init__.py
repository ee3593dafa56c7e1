"""The layer as NumPy knows it: attributes, limits, output shapes, the float64 reference, tolerance, mappings."""
