"""The law as data: rule files, treaty tables, date arithmetic and the description of a test."""
