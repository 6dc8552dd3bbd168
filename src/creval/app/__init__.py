"""The one evaluation path that the command line, every tool and the web share: which tests
apply to a scenario (selection)."""

__all__ = ["selection"]
