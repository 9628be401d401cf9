"""ASGI middleware: request metrics, security headers, request body size limit."""

import contextlib
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

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        state = {"status": 500, "response_started": False, "too_large": False}
        received = 0

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
                if received > self.max_body_bytes:
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
            if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:
                state["too_large"] = True
            else:
                with contextlib.suppress(_BodyTooLarge):
                    await self.app(scope, limited_receive, app_send)
            if state["too_large"] and not state["response_started"]:
                await self._too_large(scope, receive, send_with_headers)
        finally:
            route = scope.get("route")
            path = getattr(route, "path", "unmatched")
            LATENCY.labels(scope["method"], path).observe(time.perf_counter() - started)
            REQUESTS.labels(scope["method"], path, str(state["status"])).inc()

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem(
            413,
            "Payload too large",
            f"Request bodies are limited to {self.max_body_bytes} bytes",
            "payload-too-large",
        )
        await response(scope, receive, send)
