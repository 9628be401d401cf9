"""Domain errors and their RFC 9457 problem+json rendering.

Services raise these; one handler turns them into responses, so no router has to
know status codes.
"""

import logging
import re
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("distretto")

# Work that must persist although the request fails (an audit of a refused login,
# revoking a stolen token family); run in a fresh transaction after the rollback.
RollbackAction = Callable[[Any], Awaitable[None]]


class DomainError(Exception):
    """A refusal with a stable ``code`` (``"order.not_open"``) and its ``params`` that the
    web app translates; ``detail`` is the English fallback for other clients."""

    status = 400
    title = "Bad request"
    slug = "bad-request"

    def __init__(
        self,
        detail: str,
        *,
        headers: dict[str, str] | None = None,
        code: str | None = None,
        params: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.headers = headers or {}
        self.code = code or self.slug
        self.params = params or {}
        self.on_rollback: list[RollbackAction] = []

    def after_rollback(self, action: RollbackAction) -> "DomainError":
        self.on_rollback.append(action)
        return self


class NotFound(DomainError):
    status, title, slug = 404, "Not found", "not-found"


class Forbidden(DomainError):
    status, title, slug = 403, "Forbidden", "forbidden"


class Conflict(DomainError):
    status, title, slug = 409, "Conflict", "conflict"


class Unauthorized(DomainError):
    status, title, slug = 401, "Not authenticated", "unauthorized"

    def __init__(
        self, detail: str = "Missing, invalid or expired credentials", *, code: str | None = None
    ) -> None:
        super().__init__(detail, headers={"WWW-Authenticate": "Bearer"}, code=code)


class TooManyRequests(DomainError):
    status, title, slug = 429, "Too many requests", "rate-limited"

    def __init__(self, detail: str, retry_after: int, *, code: str | None = None) -> None:
        super().__init__(
            detail,
            headers={"Retry-After": str(retry_after)},
            code=code,
            params={"retry_after": retry_after},
        )


class Invalid(DomainError):
    """Input that is well-formed but breaks a rule; names the offending field."""

    status, title, slug = 422, "Invalid input", "validation-error"

    def __init__(
        self,
        field: str,
        message: str,
        *,
        code: str | None = None,
        params: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(f"{field}: {message}", code=code, params=params)
        self.errors = [
            {
                "field": field,
                "message": message,
                "type": "value_error",
                "code": self.code,
                "params": self.params,
            }
        ]


def problem(status: int, title: str, detail: str, slug: str, **extra: Any) -> JSONResponse:
    body = {
        "type": f"https://distretto.example/problems/{slug}",
        "title": title,
        "status": status,
        "detail": detail,
        **extra,
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


def _status_name(status: int) -> str:
    try:
        return HTTPStatus(status).name.lower()
    except ValueError:
        return "error"


def _field_name(loc: tuple[Any, ...]) -> str:
    # Drop the "body"/"query" prefix so the field reads as the client sent it.
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "form"}:
        parts = parts[1:]
    return ".".join(parts) or "body"


def _jsonable_context(ctx: dict[str, Any] | None) -> dict[str, Any]:
    if not ctx:
        return {}
    return {
        key: value if isinstance(value, str | int | float | bool) else str(value)
        for key, value in ctx.items()
    }


def _validation_response(exc: RequestValidationError) -> JSONResponse:
    errors = [
        {
            "field": _field_name(tuple(e.get("loc", ()))),
            "message": e.get("msg", "invalid"),
            "type": e.get("type", "value_error"),
            # Pydantic's error type is stable ("missing", "greater_than"); with its context
            # ({"gt": 0}) the web app words the message in the user's language.
            "code": f"validation.{e.get('type', 'value_error')}",
            "params": _jsonable_context(e.get("ctx")),
        }
        for e in exc.errors()
    ]
    fields = ", ".join(sorted({e["field"] for e in errors}))
    return problem(
        422,
        "Invalid input",
        f"Please check these fields: {fields}",
        "validation-error",
        code="validation-error",
        params={},
        errors=errors,
    )


_PROBLEM_PROPERTIES: dict[str, Any] = {
    "type": {"type": "string", "description": "URI naming the kind of problem"},
    "title": {"type": "string"},
    "status": {"type": "integer"},
    "detail": {"type": "string", "description": "What went wrong, for a person to read"},
    "code": {"type": "string", "description": "Stable code the client translates"},
    "params": {"type": "object", "description": "Values the translated message names"},
}
_FIELD_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "FieldError",
    "required": ["field", "message", "type"],
    "properties": {
        "field": {"type": "string", "description": "The field as the client sent it"},
        "message": {"type": "string"},
        "type": {"type": "string"},
        "code": {"type": "string", "description": "Stable code the client translates"},
        "params": {"type": "object"},
    },
}
PROBLEM_SCHEMAS: dict[str, dict[str, Any]] = {
    "FieldError": _FIELD_ERROR_SCHEMA,
    "Problem": {
        "type": "object",
        "title": "Problem",
        "description": "RFC 9457 problem details",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            **_PROBLEM_PROPERTIES,
            "errors": {"type": "array", "items": {"$ref": "#/components/schemas/FieldError"}},
        },
    },
    "ValidationProblem": {
        "type": "object",
        "title": "ValidationProblem",
        "description": "RFC 9457 problem details naming each invalid field",
        "required": ["type", "title", "status", "detail", "errors"],
        "properties": {
            **_PROBLEM_PROPERTIES,
            "errors": {"type": "array", "items": {"$ref": "#/components/schemas/FieldError"}},
        },
    },
}
# FastAPI's own description of a 422, which our handler never sends.
_FASTAPI_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")
_PATH_PARAM = re.compile(r"\{[^}]+\}")
_HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}


def _problem_response(description: str, schema: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {PROBLEM_JSON: {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


def document_problems(schema: dict[str, Any]) -> dict[str, Any]:
    """Describe the error bodies we really send: problem+json on every operation
    (``default``), with the ``errors`` list on 422."""
    for path_item in schema.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in _HTTP_METHODS:
                continue
            responses = operation.setdefault("responses", {})
            if "422" in responses:
                responses["422"] = _problem_response("Invalid input", "ValidationProblem")
            responses.setdefault(
                "default", _problem_response("Error (RFC 9457 problem details)", "Problem")
            )
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for name in _FASTAPI_VALIDATION_SCHEMAS:
        components.pop(name, None)
    components.update(PROBLEM_SCHEMAS)
    return schema


# The largest id any column holds (BIGINT).
_INT64_MAX = 2**63 - 1


def exact_integer_bounds(node: Any) -> None:
    """FastAPI's OpenAPI model stores every bound as a float, so an integer's maximum of
    2**63 - 1 is published as 2**63, a value the app refuses: put integer bounds back as
    integers (a float bound that large can only have been the BIGINT maximum)."""
    if isinstance(node, list):
        for item in node:
            exact_integer_bounds(item)
        return
    if not isinstance(node, dict):
        return
    if node.get("type") == "integer":
        for key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            bound = node.get(key)
            if isinstance(bound, float):
                node[key] = _INT64_MAX if key == "maximum" and bound >= 2**63 else int(bound)
    for value in node.values():
        exact_integer_bounds(value)


def _install_problem_openapi(app: FastAPI) -> None:
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document_problems(generate())
            exact_integer_bounds(app.openapi_schema)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _allowed_methods(app: FastAPI, request: Request, first: str) -> str:
    """Every method of every documented path the URL matches, plus the one route Starlette
    looked at (``first``): Starlette names only that route's methods (``/firms/1`` has
    GET and PATCH on two routes, and its 405 said ``GET``). A documented path that is
    the URL itself wins over the templates it also fits, as OpenAPI matches them
    (``/attachments/order-covers`` is not ``/attachments/{attachment_id}``)."""
    methods = {m.strip() for m in first.split(",") if m.strip()}
    path = request.url.path
    paths = app.openapi().get("paths", {})
    if path in paths:
        matching = [paths[path]]
    else:
        matching = [
            item
            for template, item in paths.items()
            if re.fullmatch("[^/]+".join(map(re.escape, _PATH_PARAM.split(template))), path)
        ]
    for item in matching:
        methods |= {m.upper() for m in item if m in _HTTP_METHODS}
    return ", ".join(sorted(methods))


def domain_problem(exc: DomainError) -> JSONResponse:
    """The answer to a refusal of ours, wherever it was raised (a route, a shortcut)."""
    params = _jsonable_context(exc.params)
    extra: dict[str, Any] = {"code": exc.code, "params": params}
    if isinstance(exc, Invalid):
        extra["errors"] = [{**error, "params": params} for error in exc.errors]
    response = problem(exc.status, exc.title, exc.detail, exc.slug, **extra)
    response.headers.update(exc.headers)
    return response


# Seconds a client should wait before retrying while a backing service is away.
RETRY_AFTER_SECONDS = 1


def install_error_handlers(
    app: FastAPI, outages: tuple[Callable[[BaseException], bool], ...] = ()
) -> None:
    """``outages``: tests that tell an unexpected error caused by a backing service being
    away (the database restarting) from a bug; those answer 503 with Retry-After, as a
    retry with the same Idempotency-Key is then exactly right."""
    _install_problem_openapi(app)

    @app.exception_handler(DomainError)
    async def _domain(_: Request, exc: DomainError) -> JSONResponse:
        return domain_problem(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        return _validation_response(exc)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        # Unknown route, wrong method…: a code from the status ("http.method_not_allowed")
        # so clients word it themselves, like every other refusal.
        code = f"http.{_status_name(exc.status_code)}"
        response = problem(
            exc.status_code, str(exc.detail), str(exc.detail), "http-error", code=code, params={}
        )
        if exc.headers:
            response.headers.update(exc.headers)
        if exc.status_code == 405:
            response.headers["Allow"] = _allowed_methods(
                app, request, (exc.headers or {}).get("Allow", "")
            )
        return response

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        if any(is_outage(exc) for is_outage in outages):
            log.warning("backing service unavailable: %s", _innermost(exc))
            response = problem(
                503,
                "Service unavailable",
                "A service we depend on is briefly unavailable; please retry.",
                "unavailable",
                code="server.unavailable",
                params={},
            )
            response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return response
        # Never leak a traceback to the client; the server log has it.
        log.exception("unhandled error", exc_info=exc)
        return problem(
            500,
            "Internal error",
            "Something went wrong on our side.",
            "internal",
            code="server.internal",
            params={},
        )


def _innermost(exc: BaseException) -> str:
    while exc.__cause__ is not None:
        exc = exc.__cause__
    return f"{type(exc).__name__}: {exc}"
