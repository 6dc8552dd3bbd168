"""The interview in the browser: `creval ask` as pages, one question per page.

    GET  /ask/{names}            the first question (names: tests or matters, joined by +)
    POST /ask/{names}            an answer, "I don't know", back, a change from the review, the result
    POST /ask/resume             an uploaded scenario file: the interview goes on from its answers
    POST /ask/{names}/scenario   the answers so far as a scenario file (YAML)

The questions, their order, their parsing and the decision when to stop are
tools/interview_case.CaseInterview's, exactly as in `creval ask`; the result is the case page's
(/case/r/...), evaluated on the one path every page uses. Nothing of the interview is kept on
the server while it runs: the answers so far travel in the page's form as a scenario document
(hidden field `state`), which the loader validates again on every request. So an interview
survives a restart of the server, needs no storage, and its answers can be downloaded and
uploaded again at any step.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Optional

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from creval.engine.engine import EngineError
from creval.core.dates import DateRange
from creval.render.i18n import t
from creval.tools.interview import InterviewError
from creval.tools.interview.case import CaseInterview, Key, resolve
from creval.web import forms
from creval.web.common import LANG_COOKIE, finish, form_with_csrf, lang_of, render, set_cookie
from creval.web.service import LANGS, BadInput

__all__ = ["STATE_NAME", "View", "ask_download", "ask_index", "ask_resume", "ask_start", "ask_step", "router"]

router = APIRouter(include_in_schema=False)
STATE_NAME = "<interview>"


@dataclass
class View:
    """What a step of the interview shows: a page (template and context) or an error. Built
    on an evaluation thread; rendered on the event loop."""
    template: str = ""
    context: dict = field(default_factory=dict)
    status: int = 200
    lang: str = ""  # "": the request's


async def _run(request: Request, work, *args) -> View:
    """An interview step off the event loop, in the lane of slow evaluations (a step may try
    hundreds of outcomes, and a rough date's every possible day); its errors as pages."""
    service = request.app.state.service
    try:
        return await service.run(_guarded, work, *args, rough=True)
    except BadInput as exc:
        return View("error.html", {"message": str(exc) or t("web.ask.bad_state", lang_of(request))}, 422, lang_of(request))


def _guarded(work, *args) -> View:
    try:
        return work(*args)
    except InterviewError as exc:
        return View("error.html", {"message": str(exc)}, 404)  # tests or matters not known
    except EngineError as exc:  # a rough date too wide or too slow to decide within the time limit
        return View("error.html", {"message": str(exc)}, 422)


def _show(request: Request, view: View) -> Response:
    return render(request, view.template, view.context, view.status, view.lang or lang_of(request))


def _names(names: str) -> list[str]:
    return [n for n in names.replace(",", "+").replace(" ", "+").split("+") if n]


def _path(case: CaseInterview) -> str:
    return "/ask/" + "+".join(test.id for test in case.tests)


def _key_text(key: Key) -> str:
    return key.fact + "|" + ",".join(key.matters)


def _key(text: str) -> Optional[Key]:
    fact, _, matters = (text or "").partition("|")
    return Key(fact, tuple(m for m in matters.split(",") if m)) if fact and matters else None


def _state(case: CaseInterview) -> str:
    """The interview as the form carries it: the scenario so far and the answers `back` can take back."""
    return json.dumps({"doc": case.doc(), "history": [_key_text(k) for k in case.history]}, ensure_ascii=False)


def _restore(request: Request, test_ids: list[str], text: str, lang: str) -> CaseInterview:
    """The interview from the form's state; BadInput when the state is not a valid scenario."""
    service = request.app.state.service
    try:
        state = json.loads(text or "{}")
        doc, history = state["doc"], state.get("history") or []
    except (ValueError, KeyError, TypeError):
        raise BadInput([]) from None
    loaded = service.load(doc, STATE_NAME, None, lang)
    case = CaseInterview.from_loaded(service.book, loaded, test_ids, None, lang, evaluator=service.evaluator)
    case.history = [k for k in map(_key, history) if k is not None and all(m in case.answers for m in k.matters)]
    return case


def _fresh(request: Request, test_ids: list[str], lang: str, as_of: Optional[str], doc: Optional[dict]) -> CaseInterview:
    service = request.app.state.service
    if doc is not None:  # "change the answers" from a result page: the case's answers, asked again where needed
        loaded = service.load(doc, STATE_NAME, None, lang)
        return CaseInterview.from_loaded(service.book, loaded, test_ids, None, lang, evaluator=service.evaluator)
    day = date.today()
    if as_of:
        try:
            day = date.fromisoformat(as_of)
        except ValueError:
            pass
    return CaseInterview(service.book, test_ids, day, lang, evaluator=service.evaluator)


# ---- pages


@router.get("/ask")
async def ask_index(request: Request, test: Optional[list[str]] = Query(None)):
    """The choice of tests for one interview (the home page's form); one test: its interview."""
    if test:
        return RedirectResponse("/ask/" + "+".join(test), status_code=303)
    return RedirectResponse("/", status_code=303)


@router.get("/ask/{names}")
async def ask_start(request: Request, names: str, as_of: Optional[str] = None, start: Optional[str] = None):
    lang = lang_of(request)
    found = request.app.state.store.case(start) if start else None

    def work() -> View:
        test_ids = resolve(request.app.state.service.book, _names(names), lang)
        return _next(_fresh(request, test_ids, lang, as_of, found[0] if found else None))

    return _show(request, await _run(request, work))


@router.post("/ask/resume")
async def ask_resume(request: Request):
    """An uploaded scenario file (a downloaded interview, or any scenario): its tests' interview, from its answers."""
    service = request.app.state.service
    form = await form_with_csrf(request)
    if form is None:
        return render(request, "error.html", {"message": t("web.error.csrf", lang_of(request))}, 403)
    lang = lang_of(request)
    file = form.get("scenario")
    if file is None or isinstance(file, str):
        return _home_error(request, [t("web.upload.none", lang)])
    name = forms.safe_name(file.filename)
    data = await file.read()
    try:
        loaded = service.load(service.parse(data, name, ".json" if name.endswith(".json") else ".yaml", lang), name, None, lang)
    except BadInput as exc:
        return _home_error(request, [str(e) for e in exc.errors])
    names = _names(str(form.get("tests") or ""))

    def work() -> View:
        try:
            test_ids = resolve(service.book, names, lang) if names else None
            case = CaseInterview.from_loaded(service.book, loaded, test_ids, None, lang, evaluator=service.evaluator)
        except InterviewError as exc:
            return View(context={"resume_errors": [str(exc)]})
        if not case.tests:
            return View(context={"resume_errors": [t("web.ask.no_tests", lang)]})
        return _next(case)

    view = await _run(request, work)
    if "resume_errors" in view.context:
        return _home_error(request, view.context["resume_errors"])
    return _show(request, view)


def _home_error(request: Request, errors: list[str]) -> Response:
    return render(request, "index.html", {"tests": list(request.app.state.service.book.tests.values()),
                                          "matters": request.app.state.service.book.matters,
                                          "resume_errors": errors}, 422)


@router.post("/ask/{names}/scenario")
async def ask_download(request: Request, names: str):
    """The answers so far as a scenario file (`creval check` and `creval ask --from` read it; so does /ask/resume)."""
    form = await form_with_csrf(request)
    lang = lang_of(request)
    if form is None:
        return render(request, "error.html", {"message": t("web.error.csrf", lang)}, 403)
    try:  # the answers checked by the loader (no evaluation: the Evaluator is only built, never run)
        case = _restore(request, resolve(request.app.state.service.book, _names(names), lang), str(form.get("state") or ""), lang)
    except (InterviewError, BadInput) as exc:
        return render(request, "error.html", {"message": str(exc) or t("web.ask.bad_state", lang)}, 422)
    tests = ", ".join(test.id for test in case.tests)
    text = forms.as_yaml(case.doc(), t("ask.saved_comment", lang, test=tests, as_of=case.as_of.isoformat()), keep_unknown=True)
    response = Response(text, media_type="application/yaml; charset=utf-8",
                        headers={"content-disposition": f'attachment; filename="{case.id}.yaml"'})
    finish(request, response)
    return response


@router.post("/ask/{names}")
async def ask_step(request: Request, names: str):
    """One step: the form says what was asked (`key`, and `mode`: a new question or a change
    from the review) and what the user did (`action`)."""
    form = await form_with_csrf(request)
    lang = form.get("lang_switch") if form is not None and form.get("lang_switch") in LANGS else lang_of(request)
    if form is None:
        return render(request, "error.html", {"message": t("web.error.csrf", lang)}, 403)
    service = request.app.state.service
    fields = {k: form.get(k) for k in form.keys()}
    if form.get("action") == "result":  # the result: the case page's, evaluated and saved as a case form's is
        try:
            case = _restore(request, resolve(service.book, _names(names), lang), str(form.get("state") or ""), lang)
            loaded = service.load(case.doc(), f"{case.id}.yaml", None, lang)
            await service.evaluated(loaded, [test.id for test in case.tests], lang)
        except (InterviewError, BadInput) as exc:
            return render(request, "error.html", {"message": str(exc) or t("web.ask.bad_state", lang)}, 422, lang)
        token = request.app.state.store.save_case(forms.canonical(loaded.scenario), ",".join(test.id for test in case.tests))
        return RedirectResponse(f"/case/r/{token}", status_code=303)
    view = await _run(request, _step, request, names, fields, lang)
    response = _show(request, view)
    if form.get("lang_switch") in LANGS:
        set_cookie(response, LANG_COOKIE, lang)
    return response


def _step(request: Request, names: str, form: dict, lang: str) -> View:
    """One step, on an evaluation thread: the interview from the form's state, then what the user did."""
    service = request.app.state.service
    case = _restore(request, resolve(service.book, _names(names), lang), str(form.get("state") or ""), lang)
    key = _key(str(form.get("key") or ""))
    if key is not None and not all(m in case.answers for m in key.matters):
        key = None
    changing = form.get("mode") == "change"
    action = str(form.get("action") or "answer")
    change = _key(str(form.get("change") or ""))

    if form.get("lang_switch") in LANGS:  # the language changed mid-interview: the same page, in it
        if form.get("mode") == "review":
            return _review(case, done=case.next_question() is None)
        return _question(case, key, changing=changing) if key is not None else _next(case)
    if change is not None and all(m in case.answers for m in change.matters):
        return _question(case, change, changing=True)
    if action == "review":
        return _review(case, done=case.next_question() is None)
    if action == "continue":
        return _next(case)
    if action == "back":
        if changing:  # back from changing an answer: the review, the answer as it was
            return _review(case, done=case.next_question() is None)
        again = case.back()
        if again is None:
            return _question(case, key, message=t("ask.back.none", lang)) if key else _next(case)
        return _question(case, again, value=None)
    if key is None:
        return _next(case)
    text = "?" if action == "unknown" else _answer_text(case, key, form)
    if not text:  # Next with nothing given: unknown is said with its own button, never by accident
        return _question(case, key, changing=changing, message=t("web.ask.empty", lang), status=422)
    error = case.give(key, text, remember=not changing)
    if error is not None:
        return _question(case, key, changing=changing, message=error, typed=text, status=422)
    return _next(case)


def _next(case: CaseInterview) -> View:
    """The next question worth asking, or the review when no answer could change an outcome."""
    found = case.next_question()
    if found is None:
        return _review(case)
    test, key = found
    return _question(case, key, test=test)


# ---- the question page


def _spec(case: CaseInterview, key: Key):
    return case.spec(key.matters[0], key.fact)


def _answer_text(case: CaseInterview, key: Key, form) -> str:
    """What the form says, as `creval ask` would read it typed."""
    spec = _spec(case, key)
    if spec is not None and spec.type == "term":
        parts = [str(form.get(f"answer.{p}") or "").strip() for p in forms.TERM_PARTS]
        return "/".join(p or "0" for p in parts) if any(parts) else ""
    text = str(form.get("answer") or "").strip()
    if spec is not None and spec.type == "state":
        return forms.state_code(text)
    return text


def _shown_value(value: Any, spec) -> str:
    """An answer as its input shows it again (changing it from the review)."""
    if value is None or spec is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, DateRange):  # as it would be typed: 2010, 2024-06, before D, after D
        given = value.as_given()
        return str(given) if not isinstance(given, dict) else forms.rough_text(given)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return value  # a term: its parts
    return str(value)


def _question(case: CaseInterview, key: Key, test=None, changing: bool = False,
              message: str = "", typed: Optional[str] = None, value: Any = "keep", status: int = 200) -> View:
    lang = case.lang
    spec = _spec(case, key)
    question = case.question(key)
    if value == "keep":
        value = case.answers[key.matters[0]].get(key.fact)
    shown = typed if typed is not None and spec.type != "term" else _shown_value(value, spec)
    field = forms.fields_of_spec(key.fact, spec, case.interview_for(key).test, lang, shown)
    if test is None:
        test = case.interview_for(key).test
    context = {
        "case": case, "key": _key_text(key), "field": field, "question": question, "test": test,
        "several": len(case.tests) > 1, "changing": changing, "message": message,
        "number": len(case.history) + 1 if not changing else None, "answered": len(case.answered()),
        "state": _state(case), "path": _path(case), "states": forms.state_choices(lang) if spec.type == "state" else [],
    }
    return View("ask_question.html", context, status, lang)


def _review(case: CaseInterview, done: bool = True) -> View:
    """Every answer, each with a button to change it; `done`: no question left that could change an outcome."""
    lang = case.lang
    rows = [{"key": _key_text(key), "label": case.label(key), "value": case.shown(key, value),
             "unknown": value is None, "fact": key.fact} for key, value in case.answered()]
    return View("ask_review.html", {"case": case, "rows": rows, "state": _state(case), "path": _path(case),
                                               "several": len(case.tests) > 1, "done": done,
                                               "titles": "; ".join(test.rule.title.get(lang) for test in case.tests)}, 200, lang)
