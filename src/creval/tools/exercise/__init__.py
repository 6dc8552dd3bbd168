"""`creval exercise`: a trainer's pack of scenarios asked, graded and recorded (exercise), the
printable handout (handout) and the gradebook as CSV (gradebook)."""

from creval.tools.exercise.exercise import ExerciseError, load_pack, run

__all__ = ["ExerciseError", "load_pack", "run"]
