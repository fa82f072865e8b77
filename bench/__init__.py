"""Benchmarks: the artifact against torch eager and ONNX Runtime on the same weights, one thread."""
