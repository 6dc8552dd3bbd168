"""creval: a rule-based eligibility evaluator for children's rights law in Kazakhstan.

The packages are layers, each importing only those below it (tests/test_layers.py):
core -> law -> engine | input -> render -> app -> tools -> web -> cli.
"""

__all__ = ["__version__"]

__version__ = "0.1.0"
