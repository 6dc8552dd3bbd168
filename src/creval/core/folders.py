"""Where the rules are: the bundled folder, the one in use (CREVAL_RULES), and its catalogue of words."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["bundled_rules_folder", "catalogue_folder", "default_rules_folder"]


def bundled_rules_folder() -> Path:
    """The rules shipped in the package, else (in a source checkout) the repository's."""
    packaged = Path(__file__).parents[1] / "rules"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "rules"


def default_rules_folder() -> Path:
    """CREVAL_RULES, else the bundled rules."""
    if os.environ.get("CREVAL_RULES"):
        return Path(os.environ["CREVAL_RULES"])
    return bundled_rules_folder()


def catalogue_folder() -> Path:
    """The i18n folder beside the rules in use; the bundled one when that folder has none."""
    folder = default_rules_folder() / "i18n"
    return folder if folder.is_dir() else bundled_rules_folder() / "i18n"
