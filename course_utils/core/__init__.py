"""core: data, mini-batches, models, the trainer, gradient check and argument validation.

Imports nothing above it (tests/test_layers.py): no measurement, no plot, no widget.
"""
