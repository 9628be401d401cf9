"""Property-based fuzzing of the whole API from its own OpenAPI schema (schemathesis).

Every operation is called with generated data as a signed-in firm owner, and each
answer must be no server error and must match the schema the API publishes (error
bodies included: problem+json with the ``errors`` list on 422).

The requests go in-process to the session's app, on the event loop it already runs,
so the fuzzing shares the migrated test database and needs no second app instance.
"""

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from distretto.app import create_app
from distretto.config import Settings
from tests.helpers import create_firm, register

# Bounded so the whole run stays within about two minutes on either database.
EXAMPLES_PER_OPERATION = 4


@pytest.fixture
async def loop() -> asyncio.AbstractEventLoop:
    return asyncio.get_running_loop()


@pytest.fixture
async def owner_headers(client: httpx.AsyncClient) -> dict[str, str]:
    owner = await register(client)
    await create_firm(client, owner)
    return owner.headers


@pytest.fixture
def call(app: FastAPI, loop: asyncio.AbstractEventLoop) -> Callable[..., httpx.Response]:
    """Send one generated request to the app and wait for the answer."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)

    async def send(kwargs: dict[str, Any]) -> httpx.Response:
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
            return await c.request(**kwargs)

    def run(kwargs: dict[str, Any]) -> httpx.Response:
        return loop.run_until_complete(send(kwargs))

    return run


def _published_schema() -> dict[str, Any]:
    """The OpenAPI document exactly as the app serves it (building the app opens nothing)."""
    app = create_app(Settings(environment="test", secret_key="schema-only-" + "x" * 32))
    return app.openapi()


schema = schemathesis.openapi.from_dict(_published_schema())
# Invalid input too: every refusal must be a documented problem+json, never a 500.
schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_matches_its_schema(
    case: Any, call: Callable[..., httpx.Response], owner_headers: dict[str, str]
) -> None:
    kwargs = case.as_transport_kwargs(base_url="http://test", headers=owner_headers)
    request = {
        "method": kwargs["method"],
        "url": kwargs["url"],
        # Generated header values may hold any Latin-1 character; send them as bytes.
        "headers": {k: v.encode("latin-1") for k, v in (kwargs.get("headers") or {}).items()},
        "params": kwargs.get("params"),
    }
    if "json" in kwargs:
        request["json"] = kwargs["json"]
    elif kwargs.get("data") is not None:
        request["content" if isinstance(kwargs["data"], bytes) else "data"] = kwargs["data"]
    response = call(request)
    case.validate_response(response, checks=CHECKS)
