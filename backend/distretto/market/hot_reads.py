"""``GET /api/v1/orders`` and ``GET /api/v1/orders/{id}`` answered ahead of the router.

These two reads are most of the district's traffic, and through the framework a board
page cost 2.5 to 5 ms of CPU where the same answer straight from asyncpg costs 0.2 to 1 ms
(``bench/cpu_cost.py``): walking the route table, solving the dependency graph with its
exit stacks, validating the parameters, re-validating the response — per request, for
the same few parameter shapes. ``HotReads``, an ASGI middleware innermost of the app's
own (so size limits, security headers and metrics still apply), answers those shapes
itself with:

- the same viewer: ``auth.viewer.viewer_of_token`` (its cache, signature and revocation
  checks), as the routed dependency;
- the same reads: ``service.board`` and ``service.get_order``, so the visibility rule and
  every field are the same code;
- the same bytes: the response model dumped by pydantic-core, as FastAPI dumps it, once.

A refusal of ours (a bad token, an order the viewer may not read, a forged cursor) is
answered by the app's own handler (``kit.errors.domain_problem``) instead of being run
again through the route. Everything else goes to the app untouched: another path or
method, a parameter it does not know or a value the route would refuse or read
differently, a missing or malformed ``Authorization`` header, a viewer whose firm's
suspension has just ended (lifting it is a write, the route's), any other error, and
every request while a dependency is overridden (tests pin the clock that way).
``tests/market/test_hot_reads.py`` holds the bytes equal to the routed answer's.
"""

import re
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl

from pydantic import TypeAdapter
from sqlalchemy.ext.asyncio import AsyncSession
from starlette._utils import get_route_path
from starlette.types import ASGIApp, Receive, Scope, Send

from distretto.auth.viewer import Viewer, WriteNeeded, viewer_of_token
from distretto.db import session_scope
from distretto.kit import clock
from distretto.kit.concurrency import etag
from distretto.kit.errors import DomainError, domain_problem
from distretto.kit.pagination import Page, PageParams
from distretto.market import schemas, service

_ORDER_STATUSES = frozenset(schemas.OrderStatus)
# What the route accepts (router.list_orders, kit.pagination.page_params), narrowed to
# the values it reads exactly as written: a limit of 1 to 100 in plain digits, a cursor of
# its own alphabet, a word search and a phase of the lengths the route allows.
_LIMIT = re.compile(r"[1-9][0-9]?|100")
_CURSOR = re.compile(r"[A-Za-z0-9_-]{1,200}")
_ORDER_ID = re.compile(r"[1-9][0-9]{0,18}")
_BOARD_KEYS = frozenset({"status", "limit", "cursor", "q", "phase"})
_MAX_Q, _MAX_PHASE = 200, 40
_BEARER = b"bearer "

_PAGE = TypeAdapter(Page[schemas.OrderOut])
_ORDER = TypeAdapter(schemas.OrderOut)

Headers = list[tuple[bytes, bytes]]
Answer = Callable[[AsyncSession, Viewer], Awaitable[tuple[bytes, Headers]]]


def board_query(query_string: bytes) -> dict[str, str] | None:
    """The board's parameters when the shortcut reads them as the route would, else None."""
    # Decoded as Starlette decodes a query string, so both read the same values.
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    params = dict(pairs)
    if len(params) != len(pairs) or not params.keys() <= _BOARD_KEYS:
        return None
    if "status" in params and params["status"] not in _ORDER_STATUSES:
        return None
    if "limit" in params and not _LIMIT.fullmatch(params["limit"]):
        return None
    if "cursor" in params and not _CURSOR.fullmatch(params["cursor"]):
        return None
    if "q" in params and not 0 < len(params["q"]) <= _MAX_Q:
        return None
    if "phase" in params and not 0 < len(params["phase"]) <= _MAX_PHASE:
        return None
    return params


def bearer_token(headers: Headers) -> str | None:
    """The token of the one ``Authorization: Bearer`` header, else None."""
    found = [value for name, value in headers if name == b"authorization"]
    if len(found) != 1 or found[0][: len(_BEARER)].lower() != _BEARER:
        return None
    token = found[0][len(_BEARER) :]
    if not token or b" " in token:
        return None
    return token.decode("latin-1")


class HotReads:
    """ASGI middleware: the hot reads' common shapes answered here, the rest passed on."""

    def __init__(self, app: ASGIApp, prefix: str) -> None:
        self.app = app
        self.board_path = f"{prefix}/orders"
        self.order_prefix = f"{prefix}/orders/"
        # The routes these answers stand for: the metrics label them as routed requests.
        self.routes: dict[str, Any] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        answer = self._answer_for(scope) if scope["type"] == "http" else None
        if answer is None or not await self._serve(scope, receive, send, answer):
            await self.app(scope, receive, send)

    def _answer_for(self, scope: Scope) -> tuple[str, Answer] | None:
        if scope["method"] != "GET" or scope["app"].dependency_overrides:
            return None
        path = get_route_path(scope)  # as the router reads it
        if path == self.board_path:
            params = board_query(scope["query_string"])
            if params is None:
                return None
            return self.board_path, lambda session, viewer: _board(session, viewer, params)
        if path.startswith(self.order_prefix) and not scope["query_string"]:
            order_id = path[len(self.order_prefix) :]
            if not _ORDER_ID.fullmatch(order_id) or int(order_id) > schemas.MAX_ID64:
                return None
            return (
                self.order_prefix + "{order_id}",
                lambda session, viewer: _order(session, viewer, int(order_id)),
            )
        return None

    async def _serve(
        self, scope: Scope, receive: Receive, send: Send, route_answer: tuple[str, Answer]
    ) -> bool:
        """Answer the request; False when the app should (nothing was sent then)."""
        token = bearer_token(scope["headers"])
        if token is None:
            return False
        route_path, answer = route_answer
        state = scope["app"].state
        try:
            # Nothing here writes: no outbox events to hand on.
            async with session_scope(state.read_sessionmaker, None) as session:
                viewer, _ = await viewer_of_token(
                    state, session, token, clock.now(), may_write=False
                )
                body, headers = await answer(session, viewer)
        except WriteNeeded:
            # A suspension of the viewer's firm ended: the routed request lifts it, in
            # its transaction.
            return False
        except DomainError as refused:
            # Unauthorized, not found, a cursor the board refuses: answered by the app's
            # own handler, not run again through the route.
            scope["route"] = self._route(scope, route_path)
            await domain_problem(refused)(scope, receive, send)
            return True
        scope["route"] = self._route(scope, route_path)
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-length", str(len(body)).encode("latin-1")),
                    (b"content-type", b"application/json"),
                    *headers,
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
        return True

    def _route(self, scope: Scope, path: str) -> Any:
        if path not in self.routes:
            self.routes[path] = next(
                (
                    route
                    for route in scope["app"].routes
                    if getattr(route, "path", None) == path
                    and "GET" in getattr(route, "methods", ())
                ),
                None,
            )
        return self.routes[path]


async def _board(
    session: AsyncSession, viewer: Viewer, params: dict[str, str]
) -> tuple[bytes, Headers]:
    page = await service.board(
        session,
        viewer,
        PageParams(cursor=params.get("cursor"), limit=int(params.get("limit", 20))),
        status=params.get("status"),
        phase=params.get("phase"),
        q=params.get("q"),
        firm_id=None,
        region=None,
        mine=False,
    )
    return _PAGE.dump_json(page), []


async def _order(session: AsyncSession, viewer: Viewer, order_id: int) -> tuple[bytes, Headers]:
    out = await service.get_order(session, viewer, order_id)
    return _ORDER.dump_json(out), [(b"etag", etag(out.revision).encode("latin-1"))]
