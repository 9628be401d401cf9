"""Every route for every kind of caller, against the table in ``authz_matrix.py``.

The routes come from the app itself, so a route added without a row in the table
fails ``test_every_route_has_a_row``.
"""

import re
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts

from tests.security.authz_matrix import MATRIX, Row
from tests.security.authz_world import ROLES, AuthzWorld, build_authz_world

DRIVEN = {key: row for key, row in MATRIX.items() if row.covered_by is None}


def app_routes(app: FastAPI) -> set[str]:
    found = set()
    for context in iter_route_contexts(app.routes):
        path = getattr(context, "path", None)
        if not path:
            continue
        methods = getattr(context, "methods", None) or {"WS"}
        # A path converter ("{attachment_id:int}") is routing, not the API's path.
        path = re.sub(r"\{(\w+):\w+\}", r"{\1}", path)
        found |= {f"{method} {path}" for method in methods if method != "HEAD"}
    return found


def test_every_route_has_a_row(app: FastAPI) -> None:
    routes = app_routes(app)
    missing = sorted(routes - MATRIX.keys())
    stale = sorted(MATRIX.keys() - routes)
    assert not missing, "routes without a row in tests/security/authz_matrix.py:\n" + "\n".join(
        missing
    )
    assert not stale, "rows for routes that no longer exist:\n" + "\n".join(stale)


def _url(template: str, row: Row, world: AuthzWorld) -> str:
    def value(match: re.Match[str]) -> str:
        key = row.path[match.group(1)]
        return str(world.ids.get(key, key))

    return re.sub(r"\{(\w+)\}", value, template)


async def _call(client: httpx.AsyncClient, key: str, row: Row, world: AuthzWorld, role: str) -> int:
    method, template = key.split(" ", 1)
    kwargs: dict[str, Any] = {"headers": world.headers(role), "params": row.query}
    if row.json is not None:
        kwargs["json"] = row.json(world, role)
    if row.form is not None:
        kwargs["data"] = row.form(world, role)
    if row.files is not None:
        kwargs["files"] = row.files(world, role)
    response = await client.request(method, _url(template, row, world), **kwargs)
    return response.status_code


@pytest.mark.parametrize("key", sorted(DRIVEN))
async def test_route_authorization(app: FastAPI, key: str) -> None:
    row = DRIVEN[key]
    world = await build_authz_world(app)
    transport = httpx.ASGITransport(app=app)
    actual: dict[str, int] = {}
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        for role in ROLES:
            actual[role] = await _call(client, key, row, world, role)
    expected = row.statuses()
    assert actual == expected, (
        f"{key}\n  roles:    {' '.join(f'{r[:6]:>6}' for r in ROLES)}"
        f"\n  expected: {' '.join(f'{expected[r]:>6}' for r in ROLES)}"
        f"\n  actual:   {' '.join(f'{actual[r]:>6}' for r in ROLES)}"
    )
