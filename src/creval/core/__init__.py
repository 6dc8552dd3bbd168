"""The base every layer stands on; imports nothing else of creval.

text: messages (`Msg`) and the catalogue of words, states, languages and placeholders;
dates: calendar arithmetic and dates known only roughly; facts: a validated scenario's facts
by matter and its digest; yamlsafe: the bounded YAML reader and the signed cache of rule files.
"""

__all__ = ["dates", "facts", "folders", "grammar", "text", "yamlsafe"]
