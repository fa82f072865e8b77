"""The names the template renders for each model — everything in the artifact that varies — filled here with a
small stand-in model so that `runtime.predictor`, `runtime.prepare` and `runtime.cli` import and run on their own.

The generated artifact defines exactly these names (the template's holes; `tests/test_runtime.py` checks the two
lists agree), then the spliced runtime code uses them. The stand-in is a single 64 -> 10 linear layer whose weights
come from an integer formula: enough to exercise every code path, not to read digits.
"""

from __future__ import annotations

import numpy as np

METADATA = {"name": "digits_infer", "weights_sha256": "", "check_logits_sha256": "", "stand_in": True}
CLASSES = np.arange(10, dtype=np.int64)
_INPUT_SCALE = 0.0625  # raw pixels 0..16 -> the network's input scale (a power of two: exact)
_PIXEL_MIN = 0.0
_PIXEL_MAX = 16.0
TEMPERATURE = 1.0  # predict_proba = softmax(logits / TEMPERATURE); METADATA["calibration"] says how it was fitted
SURE_AT = 0.0  # "not sure" below this calibrated top probability; METADATA["calibration"] says how it was chosen
_WEIGHTS_SHA256 = ""  # the generator's digest of LAYERS; `self_test` recomputes it

_W1 = ((np.arange(640, dtype=np.int64).reshape(64, 10) * 37 % 23 - 11) / 64).astype(np.float32)
_B1 = np.zeros(10, dtype=np.float32)
LAYERS = ((_W1, _B1, "identity"),)  # (weight (in, out), bias, activation) per layer, in forward order

# `self_test` re-runs these reference images and compares with the logits torch gave at generation time
_SELF_TEST_IMAGES = np.zeros((1, 64), dtype=np.int64)
_SELF_TEST_LOGITS = np.zeros((1, 10), dtype=np.float32)
_SELF_TEST_TOLERANCE = 1e-5
_CHECK_ROWS = 256  # rows of `check_inputs()` whose float32 logits the generating machine hashed
_CHECK_SHA256 = ""  # that digest
_PREPARE_SHA256 = ""  # the digest of prepare()'s block counts of its check pictures

# prepare()'s per-model constants (the training configuration's `PrepareConfig`)
_INK_FRACTION = 0.3  # of the 32x32 box inked after binarising
_DESLANT = True  # shear the ink upright first
_SMOOTH = False  # a 3x3 box blur before binarising
