"""creval: a rule-based eligibility evaluator for children's rights law in Kazakhstan."""

__version__ = "0.1.0"
