"""/api: the JSON API's index as a page people can read (the OpenAPI viewer at /docs loads its
script from a CDN, which a court's network may block): each endpoint with its method, path and
summary, taken from the app's own routes, and example requests."""

from __future__ import annotations

from fastapi import APIRouter, Request

from creval.web.common import render

__all__ = ["api_index", "router"]

router = APIRouter(include_in_schema=False)


@router.get("/api")
async def api_index(request: Request):
    # read from the app's OpenAPI description, not its route objects: FastAPI keeps included
    # routers in objects of its own (0.165), which a walk over app.routes no longer sees
    endpoints = []
    for path, operations in request.app.openapi().get("paths", {}).items():
        if path.startswith("/api/v1"):
            for method in sorted(operations):
                endpoints.append({"method": method.upper(), "path": path, "summary": operations[method].get("summary", "")})
    return render(request, "api_index.html", {"endpoints": endpoints, "base": str(request.base_url).rstrip("/")})
