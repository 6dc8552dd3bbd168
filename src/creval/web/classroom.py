"""The classroom: a trainer opens a session on a scenario pack and gets a join code and a
trainer key; trainees join with the code and a name, read each story and answer each test's
outcome; the trainer watches who answered, the right rate and the spread of wrong answers, and
reveals the engine's explanation question by question; CSV export.

Answers are graded against the engine's outcome (as `creval exercise` grades them). A trainee
sees only the stories and their own answers; the engine's outcome and explanation reach a
trainee only once the trainer has revealed that question. Everything lives in the Store.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime, timezone
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from markupsafe import Markup
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from creval.input.loader import SCENARIO_SUFFIXES, InputError, load_paths
from creval.input.scenario import in_language
from creval.render import facts
from creval.render.i18n import outcome_label, t
from creval.tools.exercise.gradebook import safe_cell
from creval.web import forms
from creval.web.common import finish, form_with_csrf, lang_of, render, set_cookie
from creval.web.service import BadInput
from creval.web.store import Session, check_key

__all__ = [
    "MAX_NAME", "MAX_PACK_FILES", "MAX_TRAINEES", "Question", "Story", "answer", "bundled_packs", "export",
    "home", "join", "open_session", "pack_sizes", "packs_folder", "play", "reveal", "router", "state", "trainer",
    "trainer_login", "trainer_panel"
]

router = APIRouter(prefix="/class", include_in_schema=False)
MAX_NAME = 60
MAX_PACK_FILES = 200
MAX_TRAINEES = 500  # per session: a classroom, not a crowd


def packs_folder() -> Path:
    """The bundled scenario packs: shipped in the package, else the repository's scenarios/."""
    packaged = Path(__file__).parents[1] / "scenarios"
    return packaged if packaged.is_dir() else Path(__file__).resolve().parents[3] / "scenarios"


def bundled_packs() -> dict[str, Path]:
    """Pack name -> folder: the folders under scenarios/ (the names come from the server, never a client)."""
    root = packs_folder()
    if not root.is_dir():
        return {}
    return {p.name: p for p in sorted(root.iterdir()) if p.is_dir() and not p.is_symlink()}


@dataclass
class Question:
    id: str  # scenario id / test id
    scenario: str
    test: str
    title: str
    choices: list[tuple[str, str]]  # (outcome code, label in the language)
    engine: str
    explanation: str


@dataclass
class Story:
    id: str
    title: str
    as_of: str
    narrative: str
    facts: list[tuple[str, str]]  # (fact title, value shown)
    questions: list[Question] = field(default_factory=list)


def _cards(request: Request, session: Session, lang: str) -> list[Story]:
    """The session's stories and questions in `lang`, evaluated once per session and language."""
    cache = request.app.state.class_cache
    key = (session.code, lang)
    if key not in cache:
        if len(cache) > 256:
            cache.clear()
        cache[key] = _evaluate_pack(request.app.state.service, session.docs, lang)
    return cache[key]


def _evaluate_pack(service, docs: list[dict], lang: str) -> list[Story]:
    book = service.book
    stories = []
    for doc in docs:
        loaded = service.load(doc, f"{doc['id']}.yaml", None, lang)
        result = service.evaluate(loaded, None, lang)
        given = facts.given(loaded.scenario, unknown=True)  # validated: a rough date is a range, not what was typed
        shown = [(title, value) for matter in given for _, title, value in facts.rows(book, matter, given[matter], lang)]
        story = Story(doc["id"], in_language(doc.get("title"), lang) or doc["id"], result.as_of, in_language(doc.get("narrative"), lang), shown)
        for r in result.results:
            outcomes = book.tests[r.test].rule.outcomes
            story.questions.append(Question(f"{doc['id']}/{r.test}", doc["id"], r.test, r.title,
                                            [(o, outcome_label(r.test, o, lang, book.tests[r.test])) for o in outcomes], r.outcome, r.explanation))
        stories.append(story)
    return stories


def _questions(stories: list[Story]) -> list[Question]:
    return [q for s in stories for q in s.questions]


# ---------------------------------------------------------------- opening and joining


def pack_sizes() -> dict[str, int]:
    return {name: sum(1 for p in folder.rglob("*") if p.suffix in SCENARIO_SUFFIXES) for name, folder in bundled_packs().items()}


@router.get("")
async def home(request: Request):
    return render(request, "class_home.html", {"packs": pack_sizes(), "join_code": request.query_params.get("code", "")[:12]})


@router.post("/open")
async def open_session(request: Request):
    service, store = request.app.state.service, request.app.state.store
    form = await form_with_csrf(request)
    if form is None:
        return _forbidden(request)
    lang = lang_of(request)
    uploads = [f for f in form.getlist("pack_files") if not isinstance(f, str) and f.filename]
    try:
        if uploads:
            name, docs = t("web.class.uploaded_pack", lang, count=len(uploads)), await _uploaded(service, uploads, lang)
        else:
            folder = bundled_packs().get(str(form.get("pack", "")))
            if folder is None:
                raise BadInput([InputError("pack", t("web.class.no_pack", lang))])
            name, docs = folder.name, _bundled(service, folder, lang)
    except BadInput as exc:
        return render(request, "class_home.html", {"packs": pack_sizes(),
                                                    "errors": [str(e) for e in exc.errors]}, 422)
    code, key = store.open_session(name, docs)
    response = RedirectResponse(f"/class/{code}/trainer", status_code=303)
    set_cookie(response, _trainer_cookie(code), key, path=f"/class/{code}")
    finish(request, response)
    return response


def _bundled(service, folder: Path, lang: str) -> list[dict]:
    """A bundled pack, read by the CLI's loader; a pack with any bad file is refused whole."""
    docs, errors = [], []
    for loaded in load_paths([str(folder)], service.book, None, lang):
        if loaded.errors:
            errors.extend(loaded.errors)
        else:
            docs.append(forms.canonical(loaded.scenario))
    if errors:
        raise BadInput(errors)
    return docs


async def _uploaded(service, uploads, lang: str) -> list[dict]:
    """Uploaded scenario files, each through the loader; refused whole when one is bad or ids repeat."""
    if len(uploads) > MAX_PACK_FILES:
        raise BadInput([InputError("pack", t("web.class.too_many", lang, max=MAX_PACK_FILES))])
    docs, errors, seen = [], [], set()
    for upload in uploads:
        name = (upload.filename or "upload.yaml").replace("\\", "/").rsplit("/", 1)[-1][:100]
        data = await upload.read()
        try:
            loaded = service.load(service.parse(data, name, ".json" if name.endswith(".json") else ".yaml", lang), name, None, lang)
            await service.evaluated(loaded, None, lang)
        except BadInput as exc:
            errors.extend(exc.errors)
            continue
        if loaded.scenario.id in seen:
            errors.append(InputError(name, t("web.class.duplicate_id", lang, id=loaded.scenario.id), None, "id"))
            continue
        seen.add(loaded.scenario.id)
        docs.append(forms.canonical(loaded.scenario))
    if errors:
        raise BadInput(errors)
    return docs


def _trainer_cookie(code: str) -> str:
    return f"creval_trainer_{code}"


def _trainee_cookie(code: str) -> str:
    return f"creval_trainee_{code}"


@router.post("/join")
async def join(request: Request):
    store = request.app.state.store
    form = await form_with_csrf(request)
    if form is None:
        return _forbidden(request)
    lang = lang_of(request)
    code = str(form.get("code", "")).strip().upper()
    name = " ".join(str(form.get("name", "")).split())[:MAX_NAME]
    session = store.session(code) if code.isalnum() else None
    error = (t("web.class.no_session", lang) if session is None else t("web.class.no_name", lang) if not name
             else t("web.class.full", lang, max=MAX_TRAINEES) if store.count_trainees(session.code) >= MAX_TRAINEES else None)
    if error:
        return render(request, "class_home.html", {"packs": pack_sizes(), "join_error": error,
                                                    "join_name": name, "join_code": code}, 422)
    _, token = store.join(session.code, name)
    response = RedirectResponse(f"/class/{session.code}/play", status_code=303)
    set_cookie(response, _trainee_cookie(session.code), token, path=f"/class/{session.code}")
    finish(request, response)
    return response


def _forbidden(request: Request) -> Response:
    return render(request, "error.html", {"message": t("web.error.csrf", lang_of(request))}, 403)


def _not_found(request: Request) -> Response:
    return render(request, "error.html", {"message": t("web.class.no_session", lang_of(request))}, 404)


# ---------------------------------------------------------------- the trainee


def _trainee(request: Request, code: str):
    store = request.app.state.store
    session = store.session(code)
    if session is None:
        return None, None
    return session, store.trainee(session.code, request.cookies.get(_trainee_cookie(session.code)))


@router.get("/{code}/play")
async def play(request: Request, code: str):
    session, trainee = _trainee(request, code)
    if session is None:
        return _not_found(request)
    if trainee is None:
        return RedirectResponse(f"/class?code={session.code}", status_code=303)
    lang = lang_of(request)
    store = request.app.state.store
    stories = _cards(request, session, lang)
    return render(request, "class_play.html", {
        "session": session, "trainee": trainee, "stories": stories, "mine": store.answers_of(trainee),
        "revealed": store.revealed(session.code)}, lang=lang)


@router.post("/{code}/answer")
async def answer(request: Request, code: str):
    session, trainee = _trainee(request, code)
    if session is None or trainee is None:
        return _not_found(request)
    form = await form_with_csrf(request)
    if form is None:
        return _forbidden(request)
    store = request.app.state.store
    questions = {q.id: q for q in _questions(_cards(request, session, lang_of(request)))}
    question = questions.get(str(form.get("question", "")))
    choice = str(form.get("answer", ""))
    if question is not None and choice in dict(question.choices) and question.id not in store.revealed(session.code):
        store.answer(trainee, question.id, choice)
    anchor = f"#q-{question.scenario}" if question else ""
    return RedirectResponse(f"/class/{session.code}/play{anchor}", status_code=303)


@router.get("/{code}/state.json")
async def state(request: Request, code: str):
    """What a trainee's page polls: which questions are revealed (nothing about other trainees)."""
    session, trainee = _trainee(request, code)
    if session is None or trainee is None:
        return JSONResponse({"detail": "not joined"}, 403)
    return JSONResponse({"revealed": sorted(request.app.state.store.revealed(session.code))})


# ---------------------------------------------------------------- the trainer


def _trainer(request: Request, code: str) -> tuple[Optional[Session], bool]:
    session = request.app.state.store.session(code)
    if session is None:
        return None, False
    return session, check_key(session, request.cookies.get(_trainer_cookie(session.code)))


@router.get("/{code}/trainer")
async def trainer(request: Request, code: str):
    session, allowed = _trainer(request, code)
    if session is None:
        return _not_found(request)
    if not allowed:
        return render(request, "class_login.html", {"session": session}, 401)
    join_url = f"{str(request.base_url).rstrip('/')}/class?code={session.code}"
    return render(request, "class_trainer.html", {"session": session, "key": request.cookies.get(_trainer_cookie(session.code)),
                                                  "join_url": join_url, "qr": qr_svg(join_url), **_stats(request, session)})


def qr_svg(text: str) -> Markup:
    """A QR code of the join address, as inline SVG (segno), for trainees' phones to scan."""
    import segno

    return Markup(segno.make(text, error="m").svg_inline(scale=6, border=2, svgclass="qr-code", omitsize=True))


@router.post("/{code}/trainer/login")
async def trainer_login(request: Request, code: str):
    session = request.app.state.store.session(code)
    if session is None:
        return _not_found(request)
    form = await form_with_csrf(request)
    if form is None:
        return _forbidden(request)
    key = str(form.get("key", "")).strip()
    if not check_key(session, key):
        return render(request, "class_login.html", {"session": session, "error": t("web.class.bad_key", lang_of(request))}, 401)
    response = RedirectResponse(f"/class/{session.code}/trainer", status_code=303)
    set_cookie(response, _trainer_cookie(session.code), key, path=f"/class/{session.code}")
    finish(request, response)
    return response


@router.get("/{code}/trainer/panel")
async def trainer_panel(request: Request, code: str):
    """The live part of the trainer's page, which its script fetches every few seconds."""
    session, allowed = _trainer(request, code)
    if session is None or not allowed:
        return Response(status_code=401)
    return render(request, "class_panel.html", {"session": session, **_stats(request, session)})


@router.post("/{code}/trainer/reveal")
async def reveal(request: Request, code: str):
    session, allowed = _trainer(request, code)
    if session is None or not allowed:
        return Response(status_code=401)
    form = await form_with_csrf(request)
    if form is None:
        return _forbidden(request)
    store = request.app.state.store
    ids = [q.id for q in _questions(_cards(request, session, lang_of(request)))]
    wanted = str(form.get("question", ""))
    for qid in ids if wanted == "*" else [wanted] if wanted in ids else []:
        store.reveal(session.code, qid)
    return RedirectResponse(f"/class/{session.code}/trainer", status_code=303)


def _stats(request: Request, session: Session) -> dict:
    store = request.app.state.store
    stories = _cards(request, session, lang_of(request))
    questions = _questions(stories)
    trainees = store.trainees(session.code)
    answers = store.answers(session.code)
    by_question: dict[str, dict[str, int]] = {q.id: {} for q in questions}
    answered: dict[int, int] = {}
    right: dict[int, int] = {}
    engine = {q.id: q.engine for q in questions}
    revealed = store.revealed(session.code)
    for trainee_id, _, qid, choice, _ in answers:
        if qid in by_question:
            by_question[qid][choice] = by_question[qid].get(choice, 0) + 1
            answered[trainee_id] = answered.get(trainee_id, 0) + 1
            # right answers counted on revealed questions only: the page is projected
            right[trainee_id] = right.get(trainee_id, 0) + (qid in revealed and choice == engine[qid])
    rows = []
    for q in questions:
        counts = by_question[q.id]
        total = sum(counts.values())
        bars = [(code, label, counts.get(code, 0), code == q.engine) for code, label in q.choices]
        rows.append({"q": q, "total": total, "right": counts.get(q.engine, 0),
                     "rate": round(100 * counts.get(q.engine, 0) / total) if total else None, "bars": bars,
                     "most": max([1, *counts.values()])})
    people = [{"name": tr.name, "answered": answered.get(tr.id, 0), "right": right.get(tr.id, 0)} for tr in trainees]
    return {"stories": stories, "rows": rows, "people": people, "total_questions": len(questions),
            "revealed": revealed}


@router.get("/{code}/trainer/export.csv")
async def export(request: Request, code: str):
    session, allowed = _trainer(request, code)
    if session is None or not allowed:
        return Response(status_code=401)
    questions = {q.id: q for q in _questions(_cards(request, session, "en"))}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["session", "trainee", "scenario", "test", "answer", "engine_outcome", "correct", "answered_at"])
    for _, name, qid, choice, at in request.app.state.store.answers(session.code):
        q = questions.get(qid)
        if q is None:
            continue
        when = datetime.fromtimestamp(at, timezone.utc).isoformat(timespec="seconds")
        writer.writerow([session.code, _cell(name), q.scenario, q.test, choice, q.engine, str(choice == q.engine).lower(), when])
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": f'attachment; filename="creval-class-{session.code}.csv"'})


_cell = safe_cell  # a name as a spreadsheet shows it, never as a formula (as `creval exercise --csv`)
