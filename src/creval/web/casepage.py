"""The caseworker's pages: choose a test, fill in its facts (any may stay unknown), read the
short answer with its timeline; criteria, sources and caveats one click away; download the
scenario (YAML, for `creval check`) and the decision memo (Markdown); or upload a scenario."""

from __future__ import annotations

from datetime import date
from typing import Optional

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, RedirectResponse, Response

from creval.render.facts import given
from creval.render.formats import by_suffix
from creval.render.keydates import key_dates
from creval.render.parts import alternative
from creval.render.i18n import t
from creval.web import apipage, forms, interview
from creval.web.common import finish, form_with_csrf, lang_of, render
from creval.web.service import BadInput
from creval.web.timeline import Point, svg

__all__ = [
    "FORM_NAME", "case_form", "case_memo", "case_result", "case_submit", "case_yaml", "index", "router", "upload"
]

router = APIRouter(include_in_schema=False)
router.include_router(interview.router)  # /ask: the same case, one question per page
router.include_router(apipage.router)  # /api: the JSON API's index as a page
FORM_NAME = "<form>"


def _forbidden(request: Request) -> Response:
    return render(request, "error.html", {"message": t("web.error.csrf", lang_of(request))}, 403)


def _not_found(request: Request) -> Response:
    return render(request, "error.html", {"message": t("web.error.not_found", lang_of(request))}, 404)


@router.get("/")
async def index(request: Request):
    book = request.app.state.service.book
    return render(request, "index.html", {"tests": list(book.tests.values()), "matters": book.matters})


@router.get("/case/{test_id}")
async def case_form(request: Request, test_id: str, start: Optional[str] = None):
    service = request.app.state.service
    test = service.book.tests.get(test_id)
    if test is None:
        return _not_found(request)
    doc = {}
    if start:
        found = request.app.state.store.case(start)
        doc = found[0] if found else {}
    return _form(request, test, doc, [])


def _form(request: Request, test, doc: dict, errors: list, status: int = 200) -> Response:
    lang = lang_of(request)
    values = (doc.get("facts") or {}).get(test.matter) or {}
    fields = forms.fields(test, lang, values)
    general = []
    for error in errors:
        path = (error.field or "").split(".")
        named = [f for f in fields if len(path) >= 3 and path[0] == "facts" and f.name == path[2]]
        message = str(error.message)
        if named:
            named[0].error = message
        else:
            general.append(f"{error.field}: {message}" if error.field else message)
    return render(request, "case_form.html", {
        "test": test, "fields": fields, "doc": doc, "errors": general, "has_errors": bool(errors),
        "today": date.today().isoformat(), "states": forms.state_choices(lang)}, status, lang)


@router.post("/case/{test_id}")
async def case_submit(request: Request, test_id: str):
    service, store = request.app.state.service, request.app.state.store
    test = service.book.tests.get(test_id)
    if test is None:
        return _not_found(request)
    form = await form_with_csrf(request)
    if form is None:
        return _forbidden(request)
    lang = lang_of(request)
    doc = forms.scenario_doc(test, form, date.today())
    try:
        loaded = service.load(doc, FORM_NAME, None, lang)
        await service.evaluated(loaded, [test.id], lang)
    except BadInput as exc:
        return _form(request, test, doc, exc.errors, 422)
    token = store.save_case(forms.canonical(loaded.scenario), test.id)
    return RedirectResponse(f"/case/r/{token}", status_code=303)


@router.post("/upload")
async def upload(request: Request):
    service, store = request.app.state.service, request.app.state.store
    form = await form_with_csrf(request)
    if form is None:
        return _forbidden(request)
    lang = lang_of(request)
    file = form.get("scenario")
    if file is None or isinstance(file, str):
        return render(request, "index.html", {"tests": list(service.book.tests.values()), "matters": service.book.matters,
                                              "upload_errors": [t("web.upload.none", lang)]}, 422)
    name = forms.safe_name(file.filename)
    data = await file.read()
    try:
        loaded = service.load(service.parse(data, name, ".json" if name.endswith(".json") else ".yaml", lang), name, None, lang)
        await service.evaluated(loaded, None, lang)
    except BadInput as exc:
        return render(request, "index.html", {"tests": list(service.book.tests.values()), "matters": service.book.matters,
                                              "upload_errors": [str(e) for e in exc.errors]}, 422)
    token = store.save_case(forms.canonical(loaded.scenario), None)
    return RedirectResponse(f"/case/r/{token}", status_code=303)


async def _evaluated(request: Request, token: str):
    found = request.app.state.store.case(token)
    if found is None:
        return None
    doc, test_id = found
    service = request.app.state.service
    lang = lang_of(request)
    loaded = service.load(doc, f"{doc.get('id', 'case')}.yaml", None, lang)
    # one test (the case form), several joined by commas (an interview), or none (an upload: every test of its matters)
    return doc, test_id, await service.evaluated(loaded, test_id.split(",") if test_id else None, lang)


@router.get("/case/r/{token}")
async def case_result(request: Request, token: str):
    try:
        found = await _evaluated(request, token)
    except BadInput as exc:  # a case saved under other rule files that no longer accept it
        return render(request, "error.html", {"message": str(exc)}, 422)
    if found is None:
        return _not_found(request)
    doc, test_id, result = found
    lang = lang_of(request)
    book = request.app.state.service.book
    shown = []
    for r, rj in zip(result.results, result.to_json()["results"]):
        test = book.tests[r.test]
        questions = [(m, test.rule.facts[m].question.get(lang) if test.rule.facts[m].question else test.rule.facts[m].title.get(lang))
                     for m in r.missing]
        extra = {k: v for k, v in rj.items() if k not in _SHOWN and v not in (None, "", [], {})}  # fields added later, shown as they are
        dates = [(d, d.when(result.as_of)) for d in key_dates(r.dates, lang)]  # in date order, with the last days to file
        alternatives = [alternative(a, book, r.test, lang) for a in (r.alternatives or [])]  # the outcome on each part of a rough date
        shown.append({"r": r, "json": rj, "test": test, "questions": questions, "extra": extra, "dates": dates,
                      "alternatives": alternatives,
                      "expected": result.expected.get(r.test)})
    points = _timeline(book, doc, result, lang)
    whole = result.to_json()
    extra = {k: v for k, v in whole.items() if k not in _SCENARIO_SHOWN and v not in (None, "", [], {})}
    tests = [item["test"].id for item in shown]
    return render(request, "case_result.html", {
        "ask_again": "/ask/" + "+".join(tests) + f"?start={token}",
        "heading": "; ".join(item["r"].title for item in shown),  # a case without a title: its tests' titles
        "token": token, "doc": doc, "result": result, "shown": shown, "test_id": test_id, "extra": extra,
        "timeline": svg(points, t("web.timeline.title", lang)), "points": [p for p in points if p.number]}, lang=lang)


_SCENARIO_SHOWN = {"scenario", "file", "as_of", "creval", "rules_digest", "results", "expected", "mismatches", "title",
                   "errors", "scenario_digest", "lang"}
_SHOWN = {"test", "outcome", "criteria", "missing", "dates", "sources", "caveats", "title", "explanation",
          "assessed_on", "details", "notes", "assumptions", "law_version",
          "ranged", "alternatives", "alternatives_more"}  # rough dates: in words in the explanation and notes


def _timeline(book, doc: dict, result, lang: str) -> list[Point]:
    points = []
    for matter, facts in (doc.get("facts") or {}).items():
        specs = {name: spec for test in book.matters.get(matter, []) for name, spec in test.rule.facts.items()}
        for name, value in (facts or {}).items():
            spec = specs.get(name)
            if spec is not None and spec.type == "date" and isinstance(value, str):
                points.append(Point(date.fromisoformat(value), spec.title.get(lang), "fact"))
    seen = set()
    for r in result.results:
        for d in key_dates(r.dates, lang):  # with the last days to file
            if (d.event, d.date) not in seen:
                seen.add((d.event, d.date))
                points.append(Point(date.fromisoformat(d.date), d.text, "key"))
    points.sort(key=lambda p: (p.when, p.kind))
    for number, p in enumerate(points, 1):
        p.number = number
    points.append(Point(date.fromisoformat(result.as_of), t("web.timeline.as_of", lang), "as_of"))
    today = date.today()
    if today.isoformat() != result.as_of:
        points.append(Point(today, t("web.timeline.today", lang), "today"))
    return points


@router.get("/case/r/{token}/scenario.yaml")
async def case_yaml(request: Request, token: str):
    found = request.app.state.store.case(token)
    if found is None:
        return _not_found(request)
    doc = found[0]
    text = forms.as_yaml(doc, t("web.download.comment", lang_of(request), id=doc.get("id", "")))
    return _attachment(request, text, f"{doc.get('id', 'scenario')}.yaml", "application/yaml")


@router.get("/case/r/{token}/memo.{kind}")
async def case_memo(request: Request, token: str, kind: str):
    """The decision memo as `creval check --format markdown|html|docx` writes it (the one table
    of formats, render/formats.py; `kind` is the format's file suffix)."""
    memo = by_suffix(kind)
    if memo is None or not memo.memo:
        return _not_found(request)
    service = request.app.state.service
    lang = lang_of(request)
    try:
        found = await _evaluated(request, token)
        if found is None:
            return _not_found(request)
        doc, _, result = found
        stated = [given(service.load(doc, f"{doc.get('id', 'case')}.yaml", None, lang).scenario)]
    except BadInput as exc:
        return render(request, "error.html", {"message": str(exc)}, 422)
    name = f"{doc.get('id', 'case')}-memo.{kind}"
    content = memo.render([result], lang, service.book, stated)
    if not memo.binary:
        return _attachment(request, content, name, memo.media_type)
    response = Response(content, media_type=memo.media_type,
                        headers={"content-disposition": f'attachment; filename="{name}"'})
    finish(request, response)
    return response


def _attachment(request: Request, text: str, filename: str, media: str) -> Response:
    # the scenario id is [A-Za-z0-9._-]: safe in the header as it is
    response = PlainTextResponse(text, media_type=f"{media}; charset=utf-8",
                                 headers={"content-disposition": f'attachment; filename="{filename}"'})
    finish(request, response)
    return response
