"""Train a fully-connected digit classifier with PyTorch and write a checkpoint for `codegen`."""
