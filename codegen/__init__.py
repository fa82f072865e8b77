"""Turn a training checkpoint into `generated/digits_infer.py`, a standalone NumPy predictor."""
