"""The API answers as its published schema says: a 405 lists every method of the path,
and a PATCH body is accepted exactly when the schema calls it valid."""

import json
import re
from decimal import Decimal

import httpx
import jsonschema
import pytest
from fastapi import FastAPI
from pydantic import TypeAdapter, ValidationError

from distretto.consortia.schemas import AreaIn
from distretto.guarantees.schemas import CapIn
from distretto.kit.fields import MoneyIn, PercentIn, QuantityIn, UnitPriceIn
from distretto.market.schemas import Tolerance
from tests.consortia.builders import consortium
from tests.helpers import firm_owner, problem_fields

PARAM = re.compile(r"\{[^}]+\}")
VERBS = {"GET", "POST", "PUT", "PATCH", "DELETE"}


def _pattern(path: str) -> re.Pattern[str]:
    return re.compile("^" + PARAM.sub("[^/]+", path) + "$")


async def test_405_lists_every_method_of_the_path(client: httpx.AsyncClient, app: FastAPI) -> None:
    paths = {path: {m.upper() for m in item} for path, item in app.openapi()["paths"].items()}
    checked = 0
    for path in paths:
        url = PARAM.sub("1", path)
        # Every documented path this URL matches (``/orders/{id}`` and ``/orders/mine``…),
        # unless one is the URL itself: OpenAPI matches that one, not the templates.
        matching = set().union(*(ms for p, ms in paths.items() if _pattern(p).match(url)))
        expected = paths.get(url, matching)
        for method in VERBS - matching:
            response = await client.request(method, f"http://test{url}")
            assert response.status_code == 405, (method, url, response.status_code)
            listed = {m.strip() for m in response.headers["allow"].split(",")} & VERBS
            assert listed == expected, (method, url)
            checked += 1
    assert checked > 100


def _valid(app: FastAPI, schema_name: str, body: object) -> bool:
    spec = app.openapi()
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": spec["components"]}
    return jsonschema.Draft202012Validator(schema).is_valid(body)


async def test_options_of_a_literal_path_lists_its_own_methods(client: httpx.AsyncClient) -> None:
    # ``/attachments/order-covers`` also fits ``/attachments/{attachment_id}`` (GET,
    # DELETE), which Allow listed too; schemathesis' allow_header_conformance found it.
    owner = await firm_owner(client)
    response = await client.options("/attachments/order-covers", headers=owner.headers)
    assert response.status_code == 405
    assert response.headers["allow"] == "GET"


async def test_an_undeclared_method_is_405_whatever_its_body(client: httpx.AsyncClient) -> None:
    # The NUL guard read the body of every method but GET, HEAD, OPTIONS and DELETE (and
    # of every multipart but a POST upload), so a TRACE, or a PUT of a file, was a 422
    # before the router could answer 405.
    owner = await firm_owner(client)
    response = await client.request(
        "TRACE", "/orders", content=b"\x89PNG\x00\x00", headers=owner.headers
    )
    assert response.status_code == 405, response.text
    response = await client.put(
        "/orders/1/attachments",
        files={"file": ("file.png", b"\x89PNG\x00\x00", "image/png")},
        headers=owner.headers,
    )
    assert response.status_code == 405, response.text


async def test_a_literal_path_is_not_taken_for_an_id(client: httpx.AsyncClient) -> None:
    # DELETE /attachments/order-covers reached DELETE /attachments/{attachment_id} and
    # was a 422 on the id instead of a 405.
    owner = await firm_owner(client)
    response = await client.delete("/attachments/order-covers", headers=owner.headers)
    assert response.status_code == 405, response.text
    assert response.headers["allow"] == "GET"


async def test_consortium_patch_is_accepted_exactly_when_the_schema_says(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    manager, created = await consortium(client)
    bodies: list[object] = [
        {},
        {"description": "Consorzio export del distretto"},
        {"name": "Consorzio Rinominato", "kind": "export"},
        {"kind": None},
        {"name": None},
        {"description": None},
        {"name": "x"},
        {"kind": "nonsense"},
        {"colour": "blu"},
        [],
    ]
    for body in bodies:
        response = await client.patch(
            f"/consortia/{created['id']}", json=body, headers=manager.headers
        )
        assert response.status_code in {200, 422}, response.text
        assert (response.status_code == 200) == _valid(app, "ConsortiumUpdate", body), body


@pytest.mark.parametrize(
    "decimal",
    [MoneyIn, QuantityIn, UnitPriceIn, PercentIn, Tolerance, CapIn, AreaIn],
    ids=["money", "quantity", "unit_price", "percent", "tolerance", "guarantee_cap", "area"],
)
def test_amounts_are_accepted_exactly_when_the_schema_says(decimal: object) -> None:
    adapter: TypeAdapter[Decimal] = TypeAdapter(decimal)
    validator = jsonschema.Draft202012Validator(adapter.json_schema())
    samples = [
        "1250.50",
        "1250",
        "0.01",
        "999999999999.99",
        1250.5,
        12,
        0.5,
        "0",
        "0.00",
        "-1",
        "1e3",
        "1.234",
        " 12",
        "abc",
        "",
        "1000000000000",
        0,
        -3,
        0.001,
        1e13,
        True,
        "20",
        "20.01",
        "100",
        "100.00",
        "100.001",
        "100000",
        "100000.01",
        "100000000",
        "100000000.001",
        "9999999999.9999",
        "10000000000",
        "12.3456",
        "12.34567",
    ]
    # Floats whose cents are not exact in binary (0.07) are left out: the reference
    # validator's multipleOf is float arithmetic.
    for sample in samples:
        try:
            adapter.validate_json(json.dumps(sample))
            accepted = True
        except ValidationError:
            accepted = False
        assert accepted == validator.is_valid(sample), sample


async def test_cursor_pattern_is_published(client: httpx.AsyncClient, app: FastAPI) -> None:
    [cursor] = [
        p
        for p in app.openapi()["paths"]["/api/v1/orders"]["get"]["parameters"]
        if p["name"] == "cursor"
    ]
    assert cursor["schema"]["anyOf"][0]["pattern"] == "^[A-Za-z0-9_-]+$"
    owner = await firm_owner(client)
    refused = await client.get("/orders", params={"cursor": "not a cursor!"}, headers=owner.headers)
    assert refused.status_code == 422 and problem_fields(refused) == {"cursor"}
