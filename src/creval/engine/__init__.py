"""Deciding: compile a rule book to durable_rules (compiler, engine), decide a scenario's
tests (evaluate), dates known only roughly (ranged), and the results (results). The
plain-Python oracle decides the same for cross-checks. Imports core and law only.
"""

__all__ = ["compiler", "engine", "evaluate", "oracle", "ranged", "results", "texts"]
