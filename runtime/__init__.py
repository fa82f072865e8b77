"""The code that ships inside every generated `digits_infer.py`: real modules, imported, linted and tested as
themselves, and spliced verbatim into the artifact between their "begin artifact code" and "end artifact code"
markers, in the order of `ARTIFACT_MODULES`.

- `slots`: the names the template renders for each model (weights, metadata, constants), here filled with a small
  stand-in model so that the other modules import and run on their own;
- `predictor`: input checks, the float64 forward pass, calibrated probabilities, the self-test, the public API;
- `prepare`: any picture of a digit -> the data set's 8x8 block counts;
- `reading`: a picture of a whole number, in one or more lines -> the digits read (`read`);
- `pictures`: picture files -> the arrays `prepare` takes (`read_picture`, which the command line uses too);
- `cli`: the command line and its file readers;
- `api`: the public surface, `__all__`, spliced last.

Everything here is NumPy only and Python 3.9 clean: the artifact promises Python 3.9-3.13. The training side
imports the same functions (`train.representation`, `train.calibrate`), so there is one copy of each.
"""

ARTIFACT_MODULES = (  # spliced in this order
    "runtime.predictor",
    "runtime.prepare",
    "runtime.reading",
    "runtime.pictures",
    "runtime.cli",
    "runtime.api",
)
