"""Where the project's files live, relative to the checkout: the one definition of every default path.

Plain constants (pathlib only), so the noxfile, every command-line module and the tests share them.
"""

from pathlib import Path

CHECKPOINT = Path("generated/model.pt")  # the committed checkpoint the artifact is generated from
ARTIFACT = Path("generated/digits_infer.py")  # the committed, generated NumPy predictor
STUDY = Path("docs/study")  # the study's results table (CSV and JSON)
STUDY_CACHE = Path(".cache/study")  # finished study trainings (joblib.Memory)
EVALUATION = Path("docs/evaluation")  # the split-seed evaluation's table
EVALUATION_RUNS = Path(".cache/evaluate")  # per-split checkpoints and artifacts of `nox -s evaluate`
SEED_RUNS = Path(".cache/seeds")  # per-training-seed checkpoints and artifacts of `nox -s seeds`
REPORT = Path("reports")  # the offline report page and all its figures (not committed)
DOCS = Path("docs")  # the images the README shows
BENCH = Path("docs/bench")  # the benchmark's tables
REALINPUT = Path("docs/realinput")  # the real-input benchmark's table and failure sheet
NUMBERS = Path("docs/numbers")  # read()'s benchmark of whole numbers: table and failure sheet
