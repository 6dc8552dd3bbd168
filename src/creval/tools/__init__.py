"""The commands beyond check: batch, exercises, coverage, twins, interviews and deadlines."""
