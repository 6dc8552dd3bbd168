"""The tools, one subpackage or module each, never importing one another: batch (JSON Lines
in and out), exercise (trainers' packs, grading, handouts), interview (`creval ask`), twin,
coverage, deadlines."""

__all__ = ["batch", "compare", "coverage", "deadlines", "exercise", "interview", "lint", "twin"]
