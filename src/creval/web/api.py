"""The JSON API under /api/v1: the CLI's `check`, `batch`, `rules` and `schema`, over HTTP.

`POST /check` returns exactly the object `creval check --format json FILE` prints (the same
`rules_digest`); `POST /batch` streams the lines `creval batch` writes, made by the same
per-line function. Bad input: 422 with the CLI's message, naming the line and the field.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Optional

import orjson
from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from creval.input.scenario import parse_as_of, scenario_model
from creval.render.explain import words_memo
from creval.render.i18n import t
from creval.tools import batch as batch_mod
from creval.web.service import LANGS, BadInput, Busy, TimedOut

__all__ = ["BODY_NAME", "LangQ", "batch", "check", "router", "rule", "rules", "schema"]

router = APIRouter(prefix="/api/v1", tags=["api"])

BODY_NAME = "<body>"  # a request body's name in results and messages, as `creval batch` says <stdin>
_YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml")

_SCENARIO_BODY = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": {"$ref": "/api/v1/schema"}},
    "application/yaml": {"schema": {"type": "string"}}}}}
_LINES_BODY = {"requestBody": {"required": True, "content": {"application/x-ndjson": {"schema": {"type": "string"}}}}}


def _json(payload, status: int = 200) -> Response:
    return Response(orjson.dumps(payload), status_code=status, media_type="application/json")


def _error(message: str, status: int = 422) -> Response:
    return _json({"detail": message}, status)


def _refused_for_time(exc: Exception, service, lang: str) -> Response:
    """504 past the time limit, 503 when too many evaluations wait: each with its reason."""
    if isinstance(exc, TimedOut):
        return _error(t("web.error.timed_out", lang, seconds=f"{service.time_limit:g}"), 504)
    return Response(orjson.dumps({"detail": t("web.error.busy", lang)}), status_code=503,
                    media_type="application/json", headers={"Retry-After": "1"})


def _options(lang: str, as_of: Optional[str], test: Optional[list[str]], service) -> tuple[str, Optional[date], Optional[list[str]]]:
    if lang not in LANGS:
        raise _Refusal(t("web.error.lang", "en", value=repr(lang)))
    when = None
    if as_of is not None:
        try:
            when = parse_as_of(as_of, lang)  # the CLI's --as-of message, word for word
        except ValueError as exc:
            raise _Refusal(str(exc)) from None
    for test_id in service.unknown_tests(test):
        raise _Refusal(t("cli.unknown_test_option", lang, test=repr(test_id), known=", ".join(service.book.tests)))
    return lang, when, test or None


class _Refusal(Exception):
    pass


LangQ = Query("en", description="Language of the texts and messages: en, ru or kk.")


_QUERY = [
    {"name": "lang", "in": "query", "required": False, "schema": {"type": "string", "enum": list(LANGS), "default": "en"},
     "description": "Language of the texts and messages, as `--lang`."},
    {"name": "as_of", "in": "query", "required": False, "schema": {"type": "string", "format": "date"},
     "description": "Assess on this date (YYYY-MM-DD), as `--as-of`."},
    {"name": "test", "in": "query", "required": False, "schema": {"type": "array", "items": {"type": "string"}},
     "style": "form", "explode": True, "description": "Run only this test (repeatable), as `--test`."},
]


def _query(request: Request) -> tuple[str, Optional[str], Optional[list[str]]]:
    """The options of /check and /batch, read directly: FastAPI's parameter machinery was a
    third of a /check request's time (bench/serve)."""
    query = request.query_params
    return query.get("lang", "en"), query.get("as_of"), query.getlist("test") or None


@router.post("/check", openapi_extra={**_SCENARIO_BODY, "parameters": _QUERY},
             summary="Evaluate one scenario (JSON, or YAML with a YAML content type)")
async def check(request: Request):
    """The result object of `creval check --format json FILE` for the scenario in the body."""
    service = request.app.state.service
    try:
        lang, when, tests = _options(*_query(request), service)
    except _Refusal as exc:
        return _error(str(exc))
    data = await request.body()
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    try:  # off the event loop: a slow scenario never stalls the other clients
        result = await service.checked(data, BODY_NAME, ".yaml" if kind in _YAML_TYPES else ".json", when, tests, lang)
    except BadInput as exc:
        return _json(exc.as_json(), 422)
    except (TimedOut, Busy) as exc:
        return _refused_for_time(exc, service, lang)
    return _json(result.to_json())


@router.post("/batch", openapi_extra={**_LINES_BODY, "parameters": _QUERY}, summary="JSON Lines in, JSON Lines out, streamed")
async def batch(request: Request):
    """One output line per input line, in order: a result object, or {"line": N, "error": "..."},
    exactly as `creval batch`."""
    service = request.app.state.service
    try:
        lang, when, tests = _options(*_query(request), service)
    except _Refusal as exc:
        return _error(str(exc))
    data = await request.body()
    worker = _worker(request.app, batch_mod.Options(rules=str(service.book.folder), as_of=when,
                                                    tests=tuple(tests) if tests else None, lang=lang, name=BODY_NAME))

    async def lines():
        chunks = batch_mod.chunks(batch_mod.Source(io.BytesIO(data)), 50)
        for chunk in chunks:  # each chunk on an evaluation thread, sent as it is done
            try:
                out, _ = await service.run(worker.chunk, chunk, rough=True)  # bulk work: not in the quick lane
            except (TimedOut, Busy) as exc:  # the status is sent already: the reason ends the stream
                yield orjson.dumps({"error": t("web.error.timed_out" if isinstance(exc, TimedOut) else "web.error.busy",
                                               lang, seconds=f"{service.time_limit:g}")}) + b"\n"
                return
            yield out

    return StreamingResponse(lines(), media_type="application/x-ndjson")


class _Worker(batch_mod.Worker):
    """`creval batch`'s per-line worker, on the server's own evaluator (one engine per process)."""

    def __init__(self, options: batch_mod.Options, service):
        self.options, self.book, self.service = options, service.book, service
        self.tests = list(options.tests) if options.tests else None

    @property
    def evaluator(self):  # the evaluation thread's own
        return self.service.evaluator

    @property
    def words(self):  # the memo of the catalogue in use, looked up for each line as the web pages do
        return words_memo()


def _worker(app, options: batch_mod.Options) -> batch_mod.Worker:
    workers = app.state.batch_workers
    if options not in workers:
        if len(workers) >= 32:  # options are few in practice; bounded whatever clients send
            workers.clear()
        workers[options] = _Worker(options, app.state.service)
    return workers[options]


@router.get("/rules", summary="The tests, with their titles and sources (`creval rules`)")
async def rules(request: Request):
    book = request.app.state.service.book
    return _json({"rules_digest": book.digest, "tests": [
        {"id": test.id, "matter": test.matter, "title": test.rule.title.model_dump(),
         "summary": test.rule.summary.model_dump(exclude_none=True), "outcomes": list(test.rule.outcomes),
         "sources": [s.cite() for s in test.rule.sources.values()]}
        for test in book.tests.values()]})


@router.get("/rules/{test_id}", summary="One test's rule file: criteria, parameters, outcomes, sources, caveats")
async def rule(request: Request, test_id: str, lang: str = LangQ):
    book = request.app.state.service.book
    if test_id not in book.tests:
        return _error(t("cli.unknown_test", lang if lang in LANGS else "en", test=repr(test_id), known=", ".join(book.tests)), 404)
    test = book.tests[test_id]
    tables = {inst: table.model_dump(mode="json", exclude_none=True) for inst, table in test.treaty_tables.items()}
    # the treaty tables the test reads, each row with its sources (as `creval rules show` lists them)
    return _json({"rules_digest": book.digest, **test.rule.model_dump(mode="json", exclude_none=True),
                  **({"treaty_tables": tables} if tables else {})})


@router.get("/schema", summary="The JSON Schema of a scenario (`creval schema`)")
async def schema(request: Request):
    return JSONResponse(scenario_model(request.app.state.service.book).model_json_schema())
