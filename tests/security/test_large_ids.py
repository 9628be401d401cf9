"""Ids and cursors beyond the database's integer ranges are a clean 404/422, never a 500,
and a real server keeps the keep-alive connection they arrived on."""

import asyncio
import base64
import json
import re
from typing import Any

import httpx
from fastapi import FastAPI

from tests.helpers import firm_owner, make_staff
from tests.realtime.builders import serve

# Just past INTEGER, just past BIGINT, and far beyond both.
HUGE = ("2147483648", "9223372036854775808", "1" + "0" * 40)
PARAM = re.compile(r"\{([a-z_]+)\}")


def _integer_params(app: FastAPI) -> list[tuple[str, str, list[str]]]:
    """(method, path, integer path params) of every route with an integer path id."""
    routes = []
    for path, item in app.openapi()["paths"].items():
        for method, operation in item.items():
            ints = [
                p["name"]
                for p in operation.get("parameters", [])
                if p["in"] == "path" and p["schema"].get("type") == "integer"
            ]
            if ints and method in {"get", "delete", "post", "put", "patch"}:
                routes.append((method.upper(), path, ints))
    return routes


def _cursor(*values: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(values)).encode()).decode().rstrip("=")


def _lenient(app: FastAPI) -> httpx.AsyncClient:
    """A client that sees a server error as the 500 a real client gets (so one test run
    lists every failing route)."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://test/api/v1")


async def test_ids_beyond_the_column_range_are_not_server_errors(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    owner = await firm_owner(client)
    staff = await make_staff(app, await firm_owner(client))
    routes = _integer_params(app)
    assert len(routes) > 50
    failures = []
    for method, path, ints in routes:
        for huge in HUGE:
            url = PARAM.sub(lambda m, h=huge, i=ints: h if m.group(1) in i else "x", path)
            url = url.removeprefix("/api/v1")
            for actor in (owner, staff):
                async with _lenient(app) as lenient:
                    response = await lenient.request(method, url, headers=actor.headers)
                if response.status_code >= 500:
                    failures.append((method, url, response.status_code))
    assert failures == []


async def test_forged_cursors_beyond_the_range_are_refused(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    owner = await firm_owner(client)
    staff = await make_staff(app, await firm_owner(client))
    lists = [
        path.removeprefix("/api/v1")
        for path, item in app.openapi()["paths"].items()
        if "{" not in path
        and any(p["name"] == "cursor" for p in item.get("get", {}).get("parameters", []))
    ]
    assert len(lists) > 10
    failures = []
    forged = [_cursor("x", "y"), _cursor(True)]
    for huge in (2**31, 2**63, 10**40, -(2**63) - 1):
        forged += [_cursor(huge), _cursor(huge, huge), _cursor("2026-01-01T00:00:00+00:00", huge)]
    for path in lists:
        for cursor in forged:
            for actor in (owner, staff):
                async with _lenient(app) as lenient:
                    response = await lenient.get(
                        path, params={"cursor": cursor}, headers=actor.headers
                    )
                if response.status_code >= 500:
                    failures.append((path, cursor, response.status_code))
    assert failures == []


async def _exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str) -> int:
    writer.write(f"GET {path} HTTP/1.1\r\nHost: test\r\n\r\n".encode())
    await writer.drain()
    status = int((await reader.readline()).split()[1])
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode().partition(":")
        if name.lower() == "content-length":
            length = int(value)
    await reader.readexactly(length)
    return status


async def test_keep_alive_connection_survives_a_huge_id(app: FastAPI) -> None:
    async with serve(app) as base:
        host, port = base.removeprefix("ws://").split(":")
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            assert await _exchange(reader, writer, "/api/v1/firms/2147483648") in {404, 422}
            assert await _exchange(reader, writer, f"/api/v1/firms/{HUGE[2]}") in {404, 422}
            assert await _exchange(reader, writer, "/healthz") == 200
        finally:
            writer.close()
