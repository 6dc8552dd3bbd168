"""Reading scenarios: the hardened loader, the scenario model and the rule-file cache."""
