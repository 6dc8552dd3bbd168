"""The ASGI app of `creval serve`: the case page, the classroom, the JSON API and /docs.

    from creval.web.app import create_app
    app = create_app(Path("serve.sqlite3"))      # uvicorn.run(app, host="127.0.0.1", port=8000)
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from creval import __version__
from creval.web import api, casepage, classroom
from creval.web.common import HERE, BodyLimit, SecurityHeaders
from creval.web.service import Service
from creval.web.store import Store

__all__ = ["create_app", "default_db"]


def default_db() -> Path:
    """Where state lives unless --db says otherwise: $XDG_DATA_HOME/creval/serve.sqlite3."""
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "creval" / "serve.sqlite3"


def create_app(db: Path, rules: Optional[Path] = None) -> FastAPI:
    app = FastAPI(title="creval", version=__version__,
                  description="Kazakhstan children's-rights rules: the same engine and results as the `creval` command line.")
    app.state.service = Service(rules)
    app.state.store = Store(db)
    app.state.batch_workers = {}
    app.state.class_cache = {}
    app.include_router(api.router)
    app.include_router(casepage.router)
    app.include_router(classroom.router)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.add_middleware(BodyLimit)
    app.add_middleware(SecurityHeaders)
    return app
