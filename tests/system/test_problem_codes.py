"""Refusals carry a stable code and its params, top level and per field, so the web app
words them in the person's language; the English detail stays for other clients."""

import httpx
from fastapi import FastAPI

from tests.market.builders import district, place_bid, post_order


async def test_missing_order_names_its_code_and_id(client: httpx.AsyncClient, app: FastAPI) -> None:
    d = await district(client, app)
    response = await client.get("/orders/987654", headers=d.bidder.headers)
    assert response.status_code == 404
    body = response.json()
    assert body["code"] == "order.not_found" and body["params"] == {"id": 987654}
    assert body["detail"] == "Order 987654 not found"


async def test_second_live_bid_is_a_duplicate(client: httpx.AsyncClient, app: FastAPI) -> None:
    d = await district(client, app)
    order = await post_order(client, d.client_owner)
    await place_bid(client, d.bidder, order["id"])
    again = await client.post(
        f"/orders/{order['id']}/bids",
        json={"firm_id": d.bidder.firm_id, "unit_price": "3.00", "delivery_date": "2099-01-01"},
        headers=d.bidder.headers,
    )
    assert again.status_code == 409 and again.json()["code"] == "bid.duplicate"


async def test_schema_refusal_names_the_rule_per_field(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await district(client, app)
    order = await post_order(client, d.client_owner)
    response = await client.post(
        f"/orders/{order['id']}/bids",
        json={"firm_id": d.bidder.firm_id, "unit_price": "0", "delivery_date": "2099-01-01"},
        headers=d.bidder.headers,
    )
    assert response.status_code == 422
    [error] = [e for e in response.json()["errors"] if e["field"] == "unit_price"]
    assert error["code"] == "validation.greater_than" and error["params"] == {"gt": "0"}


async def test_rule_refusal_names_the_field_with_its_code(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await district(client, app)
    response = await client.post(
        "/orders",
        json={
            "firm_id": d.client_owner.firm_id,
            "title": "Tintura capi in maglia",
            "phase": "no_such_phase",
            "quantity": 100,
            "unit": "capi",
            "bid_deadline": "2099-01-01T10:00:00Z",
            "delivery_due": "2099-02-01",
            "visibility": "public",
        },
        headers=d.client_owner.headers,
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "order.unknown_phase" and body["params"] == {"phase": "no_such_phase"}
    assert body["errors"][0]["field"] == "phase"
    assert body["errors"][0]["code"] == "order.unknown_phase"


async def test_every_raise_in_the_backend_has_a_code() -> None:
    import ast
    from pathlib import Path

    import distretto

    missing = []
    for path in Path(distretto.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                call = node.exc
                func = call.func
                while isinstance(func, ast.Attribute) and isinstance(func.value, ast.Call):
                    call, func = func.value, func.value.func  # .after_rollback(...) chains
                name = func.id if isinstance(func, ast.Name) else None
                errors = {"NotFound", "Forbidden", "Conflict", "Invalid", "Unauthorized"}
                if name in errors and not any(k.arg == "code" for k in call.keywords):
                    missing.append(f"{path.name}:{node.lineno}")
    assert missing == []


async def test_the_web_app_words_every_code_the_backend_sends() -> None:
    import re
    from pathlib import Path

    import distretto

    backend = Path(distretto.__file__).parent
    sent = {
        code
        for path in backend.rglob("*.py")
        for code in re.findall(r'code="([a-z_]+\.[a-z_]+)"', path.read_text())
    }
    catalogue = Path(__file__).parents[2] / "frontend/src/i18n/features/problems.ts"
    worded = set(re.findall(r"'problem\.([a-z_]+\.[a-z_]+)'", catalogue.read_text()))
    assert sent and sent - worded == set()


async def test_refusals_of_the_http_layer_carry_codes_too(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    # Each of these once answered with a bare English detail the web app could only echo.
    unknown = await client.get("/does-not-exist")
    assert unknown.status_code == 404 and unknown.json()["code"] == "http.not_found"
    wrong_method = await client.delete("/observatory/summary")
    assert wrong_method.status_code == 405
    assert wrong_method.json()["code"] == "http.method_not_allowed"
    limit = app.state.ctx.settings.max_body_bytes
    big = await client.post(
        "/auth/register", content=b"x" * (limit + 1), headers={"content-type": "application/json"}
    )
    assert big.status_code == 413
    assert big.json()["code"] == "request.too_large" and big.json()["params"] == {"limit": limit}
    nul = await client.get("/firms", params={"q": "a\x00b"})
    assert nul.status_code == 422 and nul.json()["code"] == "validation-error"
    assert [e["code"] for e in nul.json()["errors"]] == ["validation.nul_character"]


async def test_the_web_app_words_the_http_layer_codes() -> None:
    from pathlib import Path

    catalogue = Path(__file__).parents[2] / "frontend/src/i18n/features/problems.ts"
    text = catalogue.read_text()
    for code in (
        "request.too_large",
        "validation.nul_character",
        "http.not_found",
        "http.method_not_allowed",
        "server.internal",
        "system.not_ready",
    ):
        assert f"'problem.{code}'" in text, code
