"""Results in words, in English, Russian and Kazakh, for every output: text (report), the
short answer (short), Markdown and JSON (report), the memo as HTML or Word (filing), the
pieces they share (parts), facts as given (facts), `rules show` (rules_view); and the
terminal: colour, safe characters, guarded streams. Imports core, law and engine.
"""

__all__ = ["colour", "facts", "filing", "i18n", "keydates", "parts", "report", "rules_view", "short", "streams", "terminal",
           "treaty_view"]
