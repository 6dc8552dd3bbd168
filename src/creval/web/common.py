"""What every page shares: the language, the templates, the CSRF token, the body limit and
the security headers."""

from __future__ import annotations

import asyncio
import secrets
from pathlib import Path
from typing import Any, Optional

import jinja2
from markupsafe import Markup, escape
from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from creval.input.loader import MAX_FILE_BYTES
from creval.render import parts
from creval.render.i18n import messages, outcome_label, t
from creval.web.service import LANGS

__all__ = [
    "BodyLimit", "CSP", "HERE", "LANG_COOKIE", "MAX_BODY", "SESSION_COOKIE", "SecurityHeaders", "csrf_token",
    "finish", "form_with_csrf", "lang_of", "render", "session_id", "set_cookie", "templates"
]

MAX_BODY = MAX_FILE_BYTES  # the loader's bound on a scenario file bounds every request body
SESSION_COOKIE = "creval_sid"
LANG_COOKIE = "creval_lang"
HERE = Path(__file__).parent

# autoescaped: everything a user typed is escaped in every page and fragment
templates = Jinja2Templates(env=jinja2.Environment(loader=jinja2.FileSystemLoader(str(HERE / "templates")), autoescape=True))


def _ticks(text: str) -> Markup:
    """Rule and memo texts mark fact names `like this` (Markdown): shown as code, the rest escaped."""
    parts = str(text).split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick: plain text
        return escape(text)
    return Markup("").join(escape(p) if i % 2 == 0 else Markup("<code>") + escape(p) + Markup("</code>") for i, p in enumerate(parts))


templates.env.filters["ticks"] = _ticks


def lang_of(request: Request) -> str:
    """?lang= first, then the cookie, then the browser's languages, then English."""
    wanted = request.query_params.get("lang") or request.cookies.get(LANG_COOKIE)
    if wanted in LANGS:
        return wanted
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip()[:2].lower()
        if code in LANGS:
            return code
    return "en"


def session_id(request: Request) -> tuple[str, bool]:
    """The browser's session id (random, in an HttpOnly cookie) and whether it is new."""
    sid = request.cookies.get(SESSION_COOKIE, "")
    if len(sid) == 32 and sid.isalnum():
        return sid, False
    sid = getattr(request.state, "new_sid", None) or secrets.token_hex(16)
    request.state.new_sid = sid
    return sid, True


def csrf_token(request: Request) -> str:
    sid, _ = session_id(request)
    return request.app.state.store.sign("csrf:" + sid)


async def form_with_csrf(request: Request):
    """The posted form, or None when its CSRF token does not match the browser's session."""
    form = await request.form()
    sid = request.cookies.get(SESSION_COOKIE, "")
    sent = form.get("csrf")
    if not sid or not isinstance(sent, str) or not secrets.compare_digest(sent, request.app.state.store.sign("csrf:" + sid)):
        return None
    return form


def set_cookie(response, name: str, value: str, path: str = "/", max_age: int = 60 * 60 * 24 * 30) -> None:
    response.set_cookie(name, value, max_age=max_age, path=path, httponly=True, samesite="lax")


def _test(request: Request, test_id: str) -> Any:
    """The rule book's test of that id, for its own outcome words (None when not known)."""
    service = getattr(request.app.state, "service", None)
    return service.book.tests.get(test_id) if service is not None and test_id else None


def render(request: Request, name: str, context: dict[str, Any], status: int = 200, lang: Optional[str] = None) -> HTMLResponse:
    lang = lang or lang_of(request)
    context = {
        "request": request, "lang": lang, "langs": LANGS, "csrf": csrf_token(request),
        "_": lambda key, **values: t(key, lang, **values),
        # an outcome by its test's own words (pass the test id), else the shared catalogue's
        "outcome_label": lambda code, test="": outcome_label(test, code, lang, _test(request, test)),
        "field_label": lambda name: t(f"web.field.{name}", lang) if f"web.field.{name}" in messages() else name,
        # a result's details in words, as the memo shows them: (title, value or None)
        "details": lambda result: list(parts.details(result, lang)),
        **context,
    }
    response = templates.TemplateResponse(request, name, context, status_code=status)
    finish(request, response, lang)
    return response


def finish(request: Request, response, lang: Optional[str] = None) -> None:
    """Cookies every page response carries: the session id when new, the language when chosen."""
    sid, new = session_id(request)
    if new:
        set_cookie(response, SESSION_COOKIE, sid)
    if request.query_params.get("lang") in LANGS:
        set_cookie(response, LANG_COOKIE, request.query_params["lang"])


BODY_TIMEOUT = 30.0  # seconds for a request's whole body to arrive (a slow trickle holds a connection)


class BodyLimit:
    """413 for a body over MAX_BODY: at once when Content-Length says so, else when the count
    passes it; 408 for a body not all there within BODY_TIMEOUT seconds."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY, timeout: float = BODY_TIMEOUT):
        self.app, self.limit, self.timeout = app, limit, timeout

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            return await _too_large(send, self.limit)
        seen = 0
        started = False
        deadline = asyncio.get_running_loop().time() + self.timeout
        body_done = False

        async def counted() -> Message:
            nonlocal seen, body_done
            if body_done:  # after the body: waiting for the client to go is not reading its body
                return await receive()
            try:
                message = await asyncio.wait_for(receive(), max(0.0, deadline - asyncio.get_running_loop().time()))
            except asyncio.TimeoutError:
                raise _TooSlow() from None
            body_done = message["type"] != "http.request" or not message.get("more_body", False)
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge()
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except _TooLarge:
            if not started:
                await _too_large(send, self.limit)
        except _TooSlow:
            if not started:
                await _refused(send, 408, t("web.error.body_timeout", "en", seconds=f"{self.timeout:g}"))


class _TooLarge(Exception):
    pass


class _TooSlow(Exception):
    pass


async def _refused(send: Send, status: int, message: str) -> None:
    import json

    body = json.dumps({"detail": message}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


async def _too_large(send: Send, limit: int) -> None:
    import json

    body = json.dumps({"detail": t("web.error.too_large", "en", limit=f"{limit:,}")}).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "form-action 'self'; frame-ancestors 'none'; base-uri 'none'")


class SecurityHeaders:
    """No framing, no sniffing, no scripts or styles from elsewhere (the OpenAPI page at /docs,
    which loads its viewer from a CDN, is left without the policy)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        docs = scope["path"].startswith(("/docs", "/redoc"))

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"same-origin")]
                if not docs:
                    headers += [(b"x-frame-options", b"DENY"), (b"content-security-policy", CSP.encode())]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)
