"""Property-based fuzzing of the whole API from its own OpenAPI schema (schemathesis).

Every operation is called with generated data as a signed-in firm owner, valid and
invalid, and every answer goes through **every** check schemathesis has: no server
error, status code, content type, headers and body as the schema publishes them (error
bodies included: problem+json with the ``errors`` list on 422), schema-valid input
accepted and invalid input refused, authentication enforced, and, along sequences of
calls, nothing readable after its delete and nothing missing right after its create.
(Two checks judge only the coverage phase's probes, undeclared methods and left-out
required headers; that phase is off for its cost, see ``_config``.)

The requests go in-process to the session's app, on the event loop it already runs, so
the fuzzing shares the migrated test database and needs no second app instance.
"""

import asyncio
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, settings
from schemathesis.config import SchemathesisConfig

from distretto.app import create_app
from distretto.config import Settings
from tests.helpers import create_firm, register

# Bounded so the whole file stays within about a minute of CPU on either database
# (docs/testing.md has the measurements).
EXAMPLES_PER_OPERATION = 1

StartResponse = Callable[[str, list[tuple[str, str]]], Any]


class InProcessApp:
    """The session's ASGI app behind the WSGI interface, so that schemathesis sends every
    request in-process through its own WSGI transport: the generated ones and the ones its
    checks send by themselves (``ignored_auth`` repeats a request without credentials and
    with wrong ones). Each request runs to completion on the session's event loop, which
    is idle while a synchronous test runs. Bound to the session's app by a fixture: the
    schema's operations are built when the module is collected, before any app exists."""

    def __init__(self) -> None:
        self._bound: tuple[httpx.ASGITransport, asyncio.AbstractEventLoop] | None = None

    def bind(self, app: FastAPI | None, loop: asyncio.AbstractEventLoop | None) -> None:
        self._bound = None
        if app is not None and loop is not None:
            self._bound = (httpx.ASGITransport(app=app, raise_app_exceptions=False), loop)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        assert self._bound is not None, "use the in_process fixture"
        transport, loop = self._bound
        # PEP 3333: the path and header values are the bytes received, decoded as Latin-1.
        path = quote(environ["PATH_INFO"].encode("latin-1"), safe="/:@!$&'()*+,;=-._~")
        query = environ.get("QUERY_STRING", "")
        headers = [
            (name[5:].replace("_", "-").lower(), value.encode("latin-1"))
            for name, value in environ.items()
            if name.startswith("HTTP_")
        ]
        for name in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            if environ.get(name):
                headers.append((name.replace("_", "-").lower(), environ[name].encode("latin-1")))
        length = int(environ.get("CONTENT_LENGTH") or 0)
        request = httpx.Request(
            environ["REQUEST_METHOD"],
            httpx.URL(
                scheme="http",
                host="test",
                raw_path=(path + ("?" + query if query else "")).encode("latin-1"),
            ),
            headers=headers,
            content=environ["wsgi.input"].read(length) if length else b"",
        )
        response = loop.run_until_complete(_send(transport, request))
        start_response(
            f"{response.status_code} {response.reason_phrase}",
            [
                (name.decode("latin-1"), value.decode("latin-1"))
                for name, value in response.headers.raw
            ],
        )
        return [response.content]


async def _send(transport: httpx.ASGITransport, request: httpx.Request) -> httpx.Response:
    response = await transport.handle_async_request(request)
    await response.aread()
    return response


IN_PROCESS = InProcessApp()


@pytest.fixture
async def loop() -> asyncio.AbstractEventLoop:
    return asyncio.get_running_loop()


@pytest.fixture
def in_process(app: FastAPI, loop: asyncio.AbstractEventLoop) -> Iterator[None]:
    IN_PROCESS.bind(app, loop)
    yield
    IN_PROCESS.bind(None, None)


@pytest.fixture
async def owner_headers(client: httpx.AsyncClient) -> dict[str, str]:
    owner = await register(client)
    await create_firm(client, owner)
    return owner.headers


def _published_schema() -> dict[str, Any]:
    """The OpenAPI document exactly as the app serves it (building the app opens nothing)."""
    app = create_app(Settings(environment="test", secret_key="schema-only-" + "x" * 32))
    return app.openapi()


# What positive_data_acceptance takes by default for schema-valid input: 2xx, 3xx, 401,
# 403, 404, 409, 429 (and 5xx, which not_a_server_error refuses anyway).
ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "429"]
# Operations where schema-valid input is still refused by a rule no JSON Schema states,
# each with the documented problem+json answer it gives (schemathesis' documented way:
# per-operation expected statuses for positive data). Every other operation must accept
# what its schema allows.
REFUSED_BY_STATE = {
    # A token from a mail or an invitation: only one the app issued, unused and unexpired,
    # is valid; any other is 400 (invitation.invalid, account.bad_link...).
    "400": [
        # (and the email of a special-use domain, below)
        "register",
        "verify_email",
        "confirm_password_reset",
        "unsubscribe",
        "preview_invitation",
        "accept_invitation",
    ],
    # If-Match must name the resource's current revision: any other is 412.
    "412": ["update_firm", "update_order", "update_consortium", "update_course"],
    "422": [
        # A cursor is one the list returned (base64 of its sort key): cursor.invalid.
        "list_firms",
        "list_orders",
        "list_questions",
        "list_order_bids",
        "list_consortia",
        "list_trade_fairs",
        "list_campaigns",
        "list_courses",
        "list_course_enrolments",
        "moderation_queue",
        "moderation_firms",
        "audit_log",
        "list_events",
        "list_notifications",
        "list_contracts",
        "list_contract_messages",
        "list_disputes",
        "list_forum_topics",
        "list_guarantees",
        # Deadlines in the future and dates in order (a signup deadline before the fair,
        # a session's end after its start, a bid deadline to come, a week not past):
        # relative to now, or to another field of the body.
        "create_trade_fair",
        "create_campaign",
        "create_course",
        "update_course",
        "create_order",
        "declare_capacity",
        # A week as text ("2026-W51" or a day in it): week 54 or 30 February fit any
        # pattern (capacity.bad_week); a phase is one of the chain's, reference data of
        # the database.
        "firm_capacity",
        "capacity_summary",
        # A VAT number's check digit, a country of ISO 3166, a province of the region
        # (firm.vat_invalid, firm.country_invalid, firm.province_not_in_region).
        "create_firm",
        "update_firm",
        # An email of a special-use domain (example.com, .test) is no address to write
        # to; a new member must already have an account (account.unknown_email).
        "invite_to_firm",
        "add_firm_member",
        "add_consortium_manager",
        "enrol_in_course",
        "register",
        # A firm may not flag its own content (flag.own_content).
        "create_flag",
        # A saved search's phase and province are the district's reference data.
        "create_saved_search",
        # A forum category is reference data of the database (forum.unknown_category).
        "create_forum_topic",
        # Either ids or all: true, not both and not neither (notification.ids_or_all).
        "mark_notifications_read",
    ],
}


def _config() -> SchemathesisConfig:
    refusals: dict[str, list[str]] = {}
    for status, operation_ids in REFUSED_BY_STATE.items():
        for operation_id in operation_ids:
            refusals.setdefault(operation_id, []).append(status)
    operations = [
        {
            "include-operation-id": operation_id,
            "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, *statuses]}},
        }
        for operation_id, statuses in refusals.items()
    ]
    return SchemathesisConfig.from_dict(
        {
            # Invalid input too: every refusal must be a documented problem+json, never a 500.
            "generation": {
                "mode": "all",
                # No text may hold NUL (PostgreSQL cannot store it): a middleware refuses it
                # in any body, query or path with 422 (validation.nul_character), one rule
                # for all text rather than a pattern on each of the schema's strings.
                "allow-x00": False,
            },
            "operations": operations,
            # The coverage phase (boundary values of every parameter, each undeclared
            # method, each required header left out) costs ~110 CPU-s a database run on
            # top of the rest, twice the file's budget; the 405s, Allow headers and
            # missing credentials it would probe are held by test_schema_agreement and
            # the authorization matrix instead.
            "phases": {"coverage": {"enabled": False}},
        }
    )


schema = schemathesis.openapi.from_dict(_published_schema(), config=_config())
schema.app = IN_PROCESS


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_matches_its_schema(case: Any, in_process: None, owner_headers: dict[str, str]) -> None:
    # No ``checks=``: schemathesis runs every check it has.
    case.call_and_validate(headers=owner_headers)


# --- Stateful: sequences of calls along the links between operations --------------------
# schemathesis infers the links from the schema (a created order's id feeds its GET,
# PATCH, bids, award…), so the run walks what one user does: create, read, change,
# delete, and reads after the delete. Every check runs, the stateful ones included
# (use_after_free, ensure_resource_availability, ignored_auth…).
STATEFUL_STEPS = 10
STATEFUL_RUNS = 10


# Signing out and deleting the account end the session every later step of a sequence
# signs in with, which would leave the rest of the walk to 401s; the stateless test
# covers both.
SEQUENCES = schema.exclude(operation_id=["logout", "delete_account"])


def test_api_sequences_pass_every_check(in_process: None, owner_headers: dict[str, str]) -> None:
    class Sequences(SEQUENCES.as_state_machine()):
        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": owner_headers}

    Sequences.TestCase.settings = settings(
        max_examples=STATEFUL_RUNS,
        stateful_step_count=STATEFUL_STEPS,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
    )
    Sequences.TestCase().runTest()
