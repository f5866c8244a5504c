"""The parts of the load test; `python -m benchmarks.load_test` runs it."""
