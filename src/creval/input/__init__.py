"""Scenario files: read them safely (loader; YAML in yamldoc, apart so that JSON needs no
ruamel; what both refuse in refusal), check them against the rule book (scenario), and
forgive what a person types (forgiving); the usual document is checked by pydantic-core
alone first (quick). Imports core and law; the engine never imports it.
"""

__all__ = ["forgiving", "loader", "quick", "refusal", "scenario", "yamldoc"]
