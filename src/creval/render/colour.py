"""Colour in text output: only on a terminal, never when NO_COLOR is set.

Two words are coloured, the ones a reader must not miss: a criterion that is UNMET and the
facts that are MISSING. Piped or redirected output, and any output with NO_COLOR set
(https://no-color.org), carries no escape codes at all.
"""

from __future__ import annotations

import os
import re
from typing import IO, Optional

__all__ = ["RED", "RESET", "YELLOW", "allowed", "marked", "wanted"]

RED, YELLOW, RESET = "\x1b[1;31m", "\x1b[1;33m", "\x1b[0m"


def allowed() -> bool:
    """Whether any styling is allowed at all (NO_COLOR unset or empty, a terminal that can)."""
    return not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def wanted(stream: Optional[IO]) -> bool:
    """Whether to colour what goes to `stream`: styling allowed and the stream a terminal."""
    try:
        return allowed() and stream is not None and stream.isatty()
    except (AttributeError, ValueError):  # a closed or unusual stream
        return False


def marked(text: str, lang: str, stream: Optional[IO]) -> str:
    """`text` with its UNMET and MISSING labels coloured when `stream` wants colour."""
    if not wanted(stream):
        return text
    from creval.render.i18n import t

    for key, code in (("status.unmet", RED), ("report.missing", YELLOW), ("coverage.missing_mark", YELLOW)):
        word = t(key, lang)
        text = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", lambda m: f"{code}{m.group(0)}{RESET}", text)
    return text
