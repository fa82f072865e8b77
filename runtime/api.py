"""The artifact's public surface, `__all__`: spliced last, when every name it lists is defined. As a module of its
own it imports those names from the runtime modules that define them, so it lints and imports alone too."""

from __future__ import annotations

from runtime.pictures import read_picture
from runtime.predictor import (
    CHUNK_ROWS,
    FORWARD,
    check_digest,
    check_inputs,
    logits,
    predict,
    predict_proba,
    self_test,
    sure,
)
from runtime.prepare import PREPARE, prepare, prepare_stages
from runtime.reading import READING, read
from runtime.slots import CLASSES, LAYERS, METADATA, SURE_AT, TEMPERATURE

# ------------------------------------------------------------------------------------ begin artifact code

__all__ = [
    "CHUNK_ROWS",
    "CLASSES",
    "FORWARD",
    "LAYERS",
    "METADATA",
    "PREPARE",
    "READING",
    "SURE_AT",
    "TEMPERATURE",
    "check_digest",
    "check_inputs",
    "logits",
    "predict",
    "predict_proba",
    "prepare",
    "prepare_stages",
    "read",
    "read_picture",
    "self_test",
    "sure",
]

# ------------------------------------------------------------------------------------ end artifact code
