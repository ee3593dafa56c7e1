"""A FAKE ``cuda.bindings``: see ``runtime``."""
