"""Deciding: the rule language, its compilation to durable_rules, derived quantities and the evaluation of a scenario."""
