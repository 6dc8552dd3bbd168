"""Showing results: text, JSON and Markdown reports, the memo's assumptions, translations."""
