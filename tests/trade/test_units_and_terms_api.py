"""Units catalogue, decimal quantities and sub-cent prices, VAT and payment terms through
order, bid and contract."""

from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from distretto.kit.units import UNITS
from distretto.models import Bid, Contract, Order
from distretto.models.trade import UnitOfMeasure
from tests.market.builders import count, district, order_body, place_bid, post_order


async def test_units_catalogue_lists_every_unit_of_the_code(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    response = await client.get("/units")
    assert response.status_code == 200
    listed = {u["code"]: u for u in response.json()}
    assert listed["m"] == {"code": "m", "name_it": "metri", "name_en": "metres", "kind": "length"}
    assert listed["paia"]["kind"] == "count" and listed["kg"]["kind"] == "mass"
    # The migration's rows and the code's catalogue are the same.
    assert {(u.code, u.name_it, u.name_en, str(u.kind)) for u in UNITS} == {
        (u["code"], u["name_it"], u["name_en"], u["kind"]) for u in listed.values()
    }
    async with app.state.ctx.sessionmaker() as session:
        assert len((await session.scalars(select(UnitOfMeasure))).all()) == len(UNITS)


@pytest.mark.parametrize(("typed", "code"), [("metri", "m"), (" M ", "m"), ("Pezzi", "pz")])
async def test_a_synonym_is_stored_as_its_code(
    client: httpx.AsyncClient, app: FastAPI, typed: str, code: str
) -> None:
    d = await district(client, app)
    order = await post_order(client, d.client_owner, unit=typed)
    assert order["unit"] == code


@pytest.mark.parametrize("unit", ["furlongs", "bottiglie"])
async def test_an_unknown_unit_is_refused_and_writes_nothing(
    client: httpx.AsyncClient, app: FastAPI, unit: str
) -> None:
    d = await district(client, app)
    response = await client.post(
        "/orders",
        json={
            "firm_id": d.client_owner.firm_id,
            "title": "Tessitura jacquard",
            "phase": "dyeing",
            "quantity": "100",
            "unit": unit,
            "bid_deadline": "2099-01-01T10:00:00Z",
            "delivery_due": "2099-02-01",
            "visibility": "public",
        },
        headers=d.client_owner.headers,
    )
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "unit" and error["code"] == "unit.unknown"
    assert await count(app, Order) == 0


async def test_a_unit_edit_is_checked_too(client: httpx.AsyncClient, app: FastAPI) -> None:
    d = await district(client, app)
    order = await post_order(client, d.client_owner)
    bad = await client.patch(
        f"/orders/{order['id']}", json={"unit": "barili"}, headers=d.client_owner.headers
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["code"] == "unit.unknown"
    good = await client.patch(
        f"/orders/{order['id']}", json={"unit": "Metri"}, headers=d.client_owner.headers
    )
    assert good.status_code == 200 and good.json()["unit"] == "m"


async def test_sub_cent_prices_and_decimal_quantities_end_to_end(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await district(client, app)
    order = await post_order(
        client, d.client_owner, quantity="1250.5", unit="kg", target_unit_price="0.035"
    )
    assert order["quantity"] == "1250.5" and order["target_unit_price"] == "0.035"
    bid = await place_bid(client, d.bidder, order["id"], unit_price="0.0351")
    # 1250.5 x 0.0351 = 43.89255 → 43.89
    assert bid["unit_price"] == "0.0351" and bid["total_price"] == "43.89"
    seen = await client.get(f"/orders/{order['id']}/bids", headers=d.client_owner.headers)
    assert seen.json()["items"][0]["unit_price"] == "0.0351"
    award = await client.post(
        f"/orders/{order['id']}/award", json={"bid_id": bid["id"]}, headers=d.client_owner.headers
    )
    assert award.status_code == 201, award.text
    contract = award.json()
    assert contract["quantity"] == "1250.5" and contract["unit_price"] == "0.0351"
    assert contract["total_price"] == "43.89"
    async with app.state.ctx.sessionmaker() as session:
        row = (await session.scalars(select(Contract))).one()
    assert str(row.quantity) == "1250.500" and str(row.unit_price) == "0.0351"


async def test_a_changed_quantity_reprices_bids_half_up(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await district(client, app)
    order = await post_order(client, d.client_owner, quantity="100")
    bid = await place_bid(client, d.bidder, order["id"], unit_price="0.0125")
    assert bid["total_price"] == "1.25"
    await client.patch(
        f"/orders/{order['id']}", json={"quantity": "3"}, headers=d.client_owner.headers
    )
    async with app.state.ctx.sessionmaker() as session:
        row = (await session.scalars(select(Bid))).one()
    assert str(row.total_price) == "0.04"  # 0.0375 half-up, not 0.04 by luck of even


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"quantity": "1.0001"}, "quantity"),
        ({"quantity": "0"}, "quantity"),
        ({"target_unit_price": "0.00001"}, "target_unit_price"),
        ({"vat_rate": "101"}, "vat_rate"),
        ({"vat_rate": "22.001"}, "vat_rate"),
        ({"payment_terms": {"method": "cash", "days": 30}}, "payment_terms.method"),
        ({"payment_terms": {"method": "riba", "days": 29}}, "payment_terms.days"),
        ({"payment_terms": {"method": "riba", "days": 121}}, "payment_terms.days"),
        ({"delivery_tolerance_percent": "25"}, "delivery_tolerance_percent"),
        ({"vat_rate": "0"}, "vat_nature"),  # 0% needs its nature code
        ({"vat_nature": "N6.2"}, "vat_nature"),  # a nature code only at 0%
    ],
)
async def test_bad_trade_terms_are_422_naming_the_field(
    client: httpx.AsyncClient, app: FastAPI, override: dict[str, Any], field: str
) -> None:
    d = await district(client, app)

    response = await client.post(
        "/orders",
        json=order_body(d.client_owner.firm_id, **override),
        headers=d.client_owner.headers,
    )
    assert response.status_code == 422, response.text
    assert field in {e["field"] for e in response.json()["errors"]}
    assert await count(app, Order) == 0


async def test_terms_proposed_on_the_order_confirmed_on_the_bid_fixed_on_the_contract(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await district(client, app)
    terms = {"method": "riba", "days": 90, "end_of_month": True}
    order = await post_order(
        client,
        d.client_owner,
        payment_terms=terms,
        vat_rate="0",
        vat_nature="N6.2",
        delivery_tolerance_percent="5",
    )
    assert order["payment_terms"] == terms and order["vat_rate"] == "0.00"
    assert order["vat_nature"] == "N6.2" and order["delivery_tolerance_percent"] == "5.00"
    default = await post_order(client, d.client_owner)
    assert default["vat_rate"] == "22.00" and default["vat_nature"] is None
    assert default["payment_terms"] == {"method": "bonifico", "days": 30, "end_of_month": False}
    assert default["delivery_tolerance_percent"] == "0.00"

    confirmed = await place_bid(client, d.bidder, order["id"])
    assert confirmed["payment_terms"] == terms  # left out: the order's
    counter = {"method": "riba", "days": 60, "end_of_month": True}
    rival = await place_bid(client, d.rival, order["id"], payment_terms=counter)
    assert rival["payment_terms"] == counter
    award = await client.post(
        f"/orders/{order['id']}/award", json={"bid_id": rival["id"]}, headers=d.client_owner.headers
    )
    contract = award.json()
    assert contract["payment_terms"] == counter  # the awarded bid's
    assert contract["vat_rate"] == "0.00" and contract["vat_nature"] == "N6.2"
    assert contract["delivery_tolerance_percent"] == "5.00"


async def test_editing_the_terms_asks_bidders_to_confirm(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    d = await district(client, app)
    order = await post_order(client, d.client_owner)
    bid = await place_bid(client, d.bidder, order["id"])
    edited = await client.patch(
        f"/orders/{order['id']}",
        json={"payment_terms": {"method": "rid", "days": 60, "end_of_month": False}},
        headers=d.client_owner.headers,
    )
    assert edited.status_code == 200 and edited.json()["revision"] == 2
    mine = await client.get(f"/orders/{order['id']}/bids", headers=d.bidder.headers)
    assert mine.json()["items"][0]["status"] == "needs_confirmation"
    revised = await client.patch(
        f"/bids/{bid['id']}",
        json={"payment_terms": {"method": "rid", "days": 60, "end_of_month": False}},
        headers=d.bidder.headers,
    )
    assert revised.status_code == 200 and revised.json()["payment_terms"]["method"] == "rid"
