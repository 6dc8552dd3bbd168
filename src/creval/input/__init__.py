"""Scenario files: read them safely (loader), check them against the rule book (scenario),
and forgive what a person types (forgiving). Imports core and law; the engine never imports it.
"""

__all__ = ["forgiving", "loader", "scenario"]
