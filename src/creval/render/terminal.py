"""Text made safe for a terminal: characters that a terminal obeys are shown, not obeyed.

A title or a field name in a scenario file may hold terminal escape sequences (ESC ] 0 ; ...
BEL sets the window title; ESC [ ... moves the cursor or rewrites what is on screen), or
bidirectional-text controls that reorder what a reader sees. Everything creval prints goes
through `safe`, which writes each such character as a `\\uXXXX` escape. The escape is valid
JSON too, so JSON output stays valid JSON with the same values. Tabs and line ends that creval
writes itself are kept.
"""

from __future__ import annotations

import re

__all__ = ["safe"]

# C0 controls but tab and newline; DEL and the C1 controls (U+009B is CSI on some
# terminals); bidirectional marks, embeddings, overrides and isolates; line and paragraph
# separators; lone surrogates (a file name that is not UTF-8), which cannot be written at all
_OBEYED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def safe(text: str) -> str:
    """`text` with each character a terminal would act on written as `\\uXXXX`."""
    return _OBEYED.sub(_escape, text)


def _escape(found: re.Match) -> str:
    return f"\\u{ord(found.group()):04x}"
