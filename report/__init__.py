"""Pictures of what the predictor does: per-class grids, mistakes, confusion, curves, the study, one page."""
