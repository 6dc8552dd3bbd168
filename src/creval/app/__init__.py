"""The one evaluation path that the command line, every tool and the web share: which tests
apply to a scenario (selection), and load, select, evaluate, collect errors per file (evaluation)."""

__all__ = ["evaluation", "selection"]
