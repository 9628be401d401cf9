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
from schemathesis.core.transport import Response
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


# --- Stateful: sequences of calls along the links between operations --------------------
# schemathesis infers the links from the schema (a created order's id feeds its GET,
# PATCH, bids, award…), so the run walks what one user does: create, read, change,
# delete, and reads after the delete. Every check runs, stateful ones included
# (use_after_free, ensure_resource_availability, ignored_auth…).
STATEFUL_STEPS = 12
STATEFUL_RUNS = 15


# Not yet at zero failures (issue 15): the first run (derandomized, 41 CPU-s on SQLite)
# stops at positive_data_acceptance (ST202) on POST /consortia/{id}/trade-fairs, where a
# schema-valid body is refused for rules the schema does not state (a signup deadline in
# the past; a total_cost beyond 12 digits). Strict: once the API passes, this must lose
# its mark.
@pytest.mark.xfail(strict=True, reason="schema-valid bodies refused by unstated rules (ST202)")
def test_api_sequences_pass_every_check(
    call: Callable[..., httpx.Response], owner_headers: dict[str, str]
) -> None:
    machine = schema.as_state_machine()

    class Sequences(machine):  # type: ignore[valid-type]
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": owner_headers}

        def call(self, case: Any, **kwargs: Any) -> Any:
            sent = case.as_transport_kwargs(base_url="http://test", headers=kwargs["headers"])
            request = {
                "method": sent["method"],
                "url": sent["url"],
                "headers": {k: v.encode("latin-1") for k, v in (sent.get("headers") or {}).items()},
                "params": sent.get("params"),
            }
            if "json" in sent:
                request["json"] = sent["json"]
            elif sent.get("data") is not None:
                request["content" if isinstance(sent["data"], bytes) else "data"] = sent["data"]
            return Response.from_httpx(call(request), verify=False)

        def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
            case.validate_response(response, headers=kwargs.get("headers"))

    Sequences.TestCase.settings = settings(
        max_examples=STATEFUL_RUNS,
        stateful_step_count=STATEFUL_STEPS,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
    )
    Sequences.TestCase().runTest()
