"""Serving the built web app at ``/`` with a single-page-app fallback.

The app is installed as the router's *default* handler, which Starlette calls only when
no route matched. So it can never shadow an API route, whatever order routers are added
in: paths under ``/api/`` and the operational endpoints keep their problem+json 404, and
any other GET that names no built file gets ``index.html`` for the app's own router.
"""

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from starlette.types import Receive, Scope, Send

# Paths the web app must never answer, even when no route matched them.
RESERVED_PREFIXES = ("/api/", "/docs", "/openapi.json", "/healthz", "/readyz", "/metrics")
DEFAULT_DIST = Path(__file__).resolve().parents[3] / "frontend" / "dist"
# Vite fingerprints every file under assets/, so those may be cached for ever.
IMMUTABLE = "public, max-age=31536000, immutable"


def resolve_dist(configured: str | None) -> Path | None:
    """The directory of built assets, or None when there is no built app to serve."""
    dist = Path(configured) if configured else DEFAULT_DIST
    return dist if (dist / "index.html").is_file() else None


def mount_spa(app: FastAPI, dist: Path) -> None:
    root = dist.resolve()
    index = root / "index.html"
    not_found = app.router.default

    async def serve_web_app(scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope.get("path", "/")
        if (
            scope["type"] != "http"
            or scope["method"] not in ("GET", "HEAD")
            or path.startswith(RESERVED_PREFIXES)
        ):
            await not_found(scope, receive, send)
            return
        candidate = (root / path.lstrip("/")).resolve()
        if candidate.is_file() and candidate.is_relative_to(root) and candidate != index:
            cache = IMMUTABLE if path.startswith("/assets/") else "no-cache"
            response = FileResponse(candidate, headers={"Cache-Control": cache})
        else:
            # index.html is revalidated each time so a new deployment is picked up at once.
            response = FileResponse(index, headers={"Cache-Control": "no-cache"})
        await response(scope, receive, send)

    app.router.default = serve_web_app
