"""ASGI middleware: request metrics, security headers, request body size limit."""

import contextlib
import re
import time

from prometheus_client import Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from distretto.kit.errors import problem

REQUESTS = Counter("distretto_http_requests_total", "HTTP requests", ["method", "route", "status"])
LATENCY = Histogram(
    "distretto_http_request_seconds",
    "HTTP request latency",
    ["method", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        b"connect-src 'self' ws: wss:; frame-ancestors 'none'",
    ),
]


class _BodyTooLarge(Exception):
    pass


class HttpMiddleware:
    """One pass over each HTTP request: size limit, headers, metrics."""

    def __init__(
        self,
        app: ASGIApp,
        max_body_bytes: int,
        upload_paths: re.Pattern[str] | None = None,
        upload_max_bytes: int = 0,
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        # Multipart uploads to these paths (documents) stream to disk under their own,
        # larger limit, which the route enforces exactly while reading.
        self.upload_paths = upload_paths
        self.upload_max_bytes = upload_max_bytes

    def _limit(self, scope: Scope) -> int:
        if is_upload(scope, self.upload_paths):
            return max(self.max_body_bytes, self.upload_max_bytes)
        return self.max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        state = {"status": 500, "response_started": False, "too_large": False}
        received = 0
        limit = self._limit(scope)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                state["status"] = message["status"]
                state["response_started"] = True
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + SECURITY_HEADERS
            await send(message)

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    state["too_large"] = True
                    raise _BodyTooLarge
            return message

        async def app_send(message: Message) -> None:
            # Once the body was cut off, the app's own answer (FastAPI turns the failed
            # read into a 400) gives way to the 413 below.
            if not state["too_large"]:
                await send_with_headers(message)

        try:
            declared = dict(scope.get("headers", [])).get(b"content-length")
            if declared is not None and declared.isdigit() and int(declared) > limit:
                state["too_large"] = True
            else:
                with contextlib.suppress(_BodyTooLarge):
                    await self.app(scope, limited_receive, app_send)
            if state["too_large"] and not state["response_started"]:
                await self._too_large(scope, receive, send_with_headers, limit)
        finally:
            route = scope.get("route")
            path = getattr(route, "path", "unmatched")
            LATENCY.labels(scope["method"], path).observe(time.perf_counter() - started)
            REQUESTS.labels(scope["method"], path, str(state["status"])).inc()

    async def _too_large(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        response = problem(
            413,
            "Payload too large",
            f"Request bodies are limited to {limit} bytes",
            "payload-too-large",
            code="request.too_large",
            params={"limit": limit},
        )
        await response(scope, receive, send)


def is_upload(scope: Scope, paths: re.Pattern[str] | None, *, any_method: bool = False) -> bool:
    """A multipart POST to one of ``paths`` (a document upload); with ``any_method``, a
    multipart body to one of them whatever the method (the router answers a PUT 405)."""
    if paths is None or not paths.match(scope["path"]):
        return False
    if not any_method and scope["method"] != "POST":
        return False
    content_type = dict(scope.get("headers", [])).get(b"content-type", b"")
    return content_type.lower().startswith(b"multipart/form-data")


_RAW_NUL, _JSON_NUL, _URL_NUL = b"\x00", b"\\u0000", b"%00"


class NulGuardMiddleware:
    """Refuse NUL characters in request bodies and query strings with a 422.

    PostgreSQL text cannot store U+0000, so such input would otherwise fail deep in the
    database as a 500; no field of ours has a use for it.
    """

    def __init__(self, app: ASGIApp, upload_paths: re.Pattern[str] | None = None) -> None:
        self.app = app
        # Document uploads are binary and large: never buffered here; their text parts
        # are checked for NUL by the multipart reader itself.
        self.upload_paths = upload_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        query = scope.get("query_string", b"")
        if _RAW_NUL in query or _URL_NUL in query:
            await self._refuse(scope, receive, send, "query")
            return
        # Only the methods our routes read a body with: any other (TRACE...) goes on to
        # the router, whose answer is 405 whatever the body holds.
        if scope["method"] not in ("POST", "PUT", "PATCH") or is_upload(
            scope, self.upload_paths, any_method=True
        ):
            await self.app(scope, receive, send)
            return
        # Bodies are already bounded by HttpMiddleware, so buffering them is safe.
        chunks: list[bytes] = []
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, receive, send)
                return
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        form = (
            dict(scope.get("headers", []))
            .get(b"content-type", b"")
            .startswith(b"application/x-www-form-urlencoded")
        )
        if _RAW_NUL in body or _JSON_NUL in body or (form and _URL_NUL in body):
            await self._refuse(scope, receive, send, "body")
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, where: str) -> None:
        response = problem(
            422,
            "Invalid input",
            f"Please check these fields: {where}",
            "validation-error",
            code="validation-error",
            params={},
            errors=[
                {
                    "field": where,
                    "message": "must not contain NUL characters",
                    "type": "value_error",
                    "code": "validation.nul_character",
                    "params": {},
                }
            ],
        )
        await response(scope, receive, send)
