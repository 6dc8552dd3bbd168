"""A class's answers as a spreadsheet: one row per trainee, one column per question.

The CSV a trainer opens in a spreadsheet: the first row names the columns (trainee, session,
then each question as `scenario / test`, then the score), the second gives the engine's
outcome for each question, and each further row one trainee's answers in a session (empty:
not answered). Rows come from the sheets just graded, or from every session of a results
file (`--record`) over the same pack.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Optional

from creval.render.i18n import t

__all__ = [
    "Row", "as_csv", "rows_of_record", "safe_cell"
]


@dataclass
class Row:
    trainee: Optional[str]
    session: str  # when the session started
    answers: dict[tuple[str, str], Optional[str]]  # (scenario, test) -> outcome code or None


def rows_of_record(record: dict) -> list[Row]:
    """Every trainee of every session in a results file, in the order recorded."""
    rows = []
    for session in record.get("sessions", []):
        for trainee in session.get("trainees", []):
            answers = {(a.get("scenario"), a.get("test")): a.get("answer") for a in trainee.get("answers", [])
                       if isinstance(a, dict)}
            rows.append(Row(trainee.get("trainee"), str(session.get("started", "")), answers))
    return rows


def safe_cell(value):
    """A cell as a spreadsheet shows it, never as a formula: text that starts with =, +, -, @,
    a tab or a carriage return gets a leading apostrophe (the web export does the same)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def as_csv(questions, rows: list[Row], lang: str = "en") -> str:
    """`questions`: the pack's questions (scenario, test, engine outcome), in the pack's order."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    keys = [(q.scenario, q.test) for q in questions]
    writer.writerow([t("gradebook.trainee", lang), t("gradebook.session", lang),
                     *(safe_cell(f"{s} / {x}") for s, x in keys), t("gradebook.right", lang), t("gradebook.questions", lang)])
    writer.writerow([t("gradebook.key", lang), "", *(q.engine for q in questions), len(questions), len(questions)])
    engine = {(q.scenario, q.test): q.engine for q in questions}
    for row in rows:
        given = [row.answers.get(k) for k in keys]
        right = sum(1 for k, a in zip(keys, given) if a is not None and a == engine[k])
        writer.writerow([safe_cell(row.trainee or ""), safe_cell(row.session), *(safe_cell(a or "") for a in given),
                         right, len(keys)])  # names and answers come from a results file: never live formulas
    return out.getvalue()
