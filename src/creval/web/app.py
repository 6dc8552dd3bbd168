"""The ASGI app of `creval serve`: the case page, the classroom, the JSON API and /docs.

    from creval.web.app import create_app
    app = create_app(Path("serve.sqlite3"))      # uvicorn.run(app, host="127.0.0.1", port=8000)
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Optional

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from creval import __version__
from creval.web import api, casepage, classroom
from creval.render.i18n import t
from creval.web.common import HERE, BodyLimit, SecurityHeaders, lang_of, render
from creval.web.service import TIME_LIMIT, Busy, Service, TimedOut
from creval.web.store import CLASS_DAYS, MAX_CLASSES, Store, StoreError

__all__ = ["create_app", "default_db"]


def default_db() -> Path:
    """Where state lives unless --db says otherwise: $XDG_DATA_HOME/creval/serve.sqlite3."""
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "creval" / "serve.sqlite3"


def create_app(db: Path, rules: Optional[Path] = None, time_limit: float = TIME_LIMIT,
               class_days: float = CLASS_DAYS, max_classes: int = MAX_CLASSES) -> FastAPI:
    app = FastAPI(title="creval", version=__version__,
                  description="Kazakhstan children's-rights rules: the same engine and results as the `creval` command line.")
    app.state.service = Service(rules, time_limit)
    app.state.store = Store(db, max_classes=max_classes, class_days=class_days)
    app.state.batch_workers = {}
    app.state.class_cache = {}
    app.include_router(api.router)
    app.include_router(casepage.router)
    app.include_router(classroom.router)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.add_exception_handler(TimedOut, _refused_for_time)
    app.add_exception_handler(Busy, _refused_for_time)
    app.add_exception_handler(StoreError, _store_refused)
    app.add_exception_handler(sqlite3.OperationalError, _store_refused)  # a read of a locked file
    app.add_exception_handler(sqlite3.DatabaseError, _store_refused)
    app.add_middleware(BodyLimit)
    app.add_middleware(SecurityHeaders)
    return app


async def _refused_for_time(request: Request, exc: Exception):
    """A page whose evaluation passed the time limit (504) or found the server busy (503)."""
    lang = lang_of(request)
    status, key = (504, "web.error.timed_out") if isinstance(exc, TimedOut) else (503, "web.error.busy")
    message = t(key, lang, seconds=f"{request.app.state.service.time_limit:g}")
    if request.url.path.startswith("/api/"):
        return JSONResponse({"detail": message}, status, headers={"Retry-After": "1"} if status == 503 else None)
    return render(request, "error.html", {"message": message}, status)


async def _store_refused(request: Request, exc: Exception):
    """A write the store refused (deleted or corrupted file, full, locked): its reason, never a
    bare 500 and never an acknowledgement of a write that would be lost."""
    lang = lang_of(request)
    store = request.app.state.store
    if isinstance(exc, StoreError):
        status, message = exc.status, t(exc.key, lang, **exc.values)
    elif isinstance(exc, sqlite3.OperationalError) and ("locked" in str(exc) or "busy" in str(exc)):
        status, message = 503, t("web.store.busy", lang, db=str(store.path))
    else:
        status, message = 503, t("web.store.corrupt", lang, db=str(store.path))
    if request.url.path.startswith("/api/"):
        return JSONResponse({"detail": message}, status, headers={"Retry-After": "1"} if status == 503 else None)
    return render(request, "error.html", {"message": message}, status)
