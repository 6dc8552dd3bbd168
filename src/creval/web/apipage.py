"""/api: the JSON API's index as a page people can read (the OpenAPI viewer at /docs loads its
script from a CDN, which a court's network may block): each endpoint with its method, path and
summary, taken from the app's own routes, and example requests."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.routing import APIRoute

from creval.web.common import render

__all__ = ["api_index", "router"]

router = APIRouter(include_in_schema=False)


@router.get("/api")
async def api_index(request: Request):
    endpoints = []
    for route in request.app.routes:
        if isinstance(route, APIRoute) and route.path.startswith("/api/v1") and route.include_in_schema:
            for method in sorted(route.methods or []):
                endpoints.append({"method": method, "path": route.path, "summary": route.summary or route.name})
    return render(request, "api_index.html", {"endpoints": endpoints, "base": str(request.base_url).rstrip("/")})
