"""Build and reader benchmarks: ``python -m benchmarks.run``."""
