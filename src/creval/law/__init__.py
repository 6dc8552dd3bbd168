"""The law as data: rule files and their schema (rulebook), the condition grammar (conditions,
outcome_conditions), the derived quantities (derive), treaty tables (treaties), and how an
absent fact is treated (absent). Imports core only; knows nothing of scenarios or output.
"""

__all__ = ["absent", "bilateral", "conditions", "derive", "glossary", "outcome_conditions", "rulebook", "treaties"]
