"""Firms of any country: ISO 3166 country, EU VAT numbers validated per country with
python-stdnum, Italian provinces checked against the region (ISTAT), billing data."""

from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from distretto.models import Firm
from tests.helpers import register, valid_vat
from tests.market.builders import count


def body(**overrides: Any) -> dict[str, Any]:
    return {
        "name": "Lanificio Prova S.r.l.",
        "vat_number": valid_vat(),
        "phases": ["weaving"],
        "region": "Toscana",
        "province": "PO",
        "size_class": "small",
    } | overrides


async def post(client: httpx.AsyncClient, **overrides: Any) -> httpx.Response:
    owner = await register(client)
    return await client.post("/firms", json=body(**overrides), headers=owner.headers)


VALID = [
    ("DE", "DE136695976", "DE136695976"),
    ("FR", "FR 40 303 265 045", "FR40303265045"),
    ("ES", "B58378431", "ESB58378431"),
    ("AT", "ATU13585627", "ATU13585627"),
    ("BE", "0403.019.261", "BE0403019261"),
    ("PL", "526-000-12-46", "PL5260001246"),
    ("GR", "094014201", "EL094014201"),
    ("NL", "NL004495445B01", "NL004495445B01"),
]
INVALID = [
    ("DE", "DE136695977"),
    ("FR", "FR40303265046"),
    ("ES", "B58378432"),
    ("AT", "ATU13585628"),
    ("BE", "0403019262"),
    ("PL", "5260001247"),
    ("GR", "094014202"),
    ("NL", "NL004495446B01"),
    ("DE", "12345"),
]


@pytest.mark.parametrize(("country", "typed", "stored"), VALID)
async def test_eu_vat_numbers_are_validated_for_their_country(
    client: httpx.AsyncClient, app: FastAPI, country: str, typed: str, stored: str
) -> None:
    response = await post(client, country=country, vat_number=typed, region="Estero", province=None)
    assert response.status_code == 201, response.text
    assert response.json()["vat_number"] == stored and response.json()["country"] == country


@pytest.mark.parametrize(("country", "typed"), INVALID)
async def test_invalid_eu_vat_numbers_are_422(
    client: httpx.AsyncClient, app: FastAPI, country: str, typed: str
) -> None:
    response = await post(client, country=country, vat_number=typed, region="Estero", province=None)
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "vat_number" and error["code"] == "firm.vat_invalid"
    assert error["params"] == {"country": country}
    assert await count(app, Firm) == 0


async def test_an_italian_number_is_not_valid_for_germany(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    response = await post(client, country="DE", region="Bayern", province=None)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "vat_number"


async def test_a_firm_outside_the_eu_keeps_its_number(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    response = await post(
        client, country="TN", vat_number="1234567A", region="Monastir", province=None
    )
    assert response.status_code == 201, response.text
    assert response.json()["vat_number"] == "TN1234567A"


@pytest.mark.parametrize("country", ["XX", "ITA", "1T"])
async def test_unknown_countries_are_422(
    client: httpx.AsyncClient, app: FastAPI, country: str
) -> None:
    response = await post(client, country=country)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "country"


@pytest.mark.parametrize(
    ("province", "stored"),
    [("PO", "PO"), ("Prato", "PO"), ("prato", "PO"), (" po ", "PO"), ("Firenze", "FI")],
)
async def test_a_province_by_code_or_name(
    client: httpx.AsyncClient, app: FastAPI, province: str, stored: str
) -> None:
    response = await post(client, province=province)
    assert response.status_code == 201, response.text
    assert response.json()["province"] == stored


@pytest.mark.parametrize(
    ("region", "province", "code", "params"),
    [
        (
            "Toscana",
            "Parma",
            "firm.province_not_in_region",
            {"province": "PR", "region": "Toscana", "actual": "Emilia-Romagna"},
        ),
        (
            "Marche",
            "PO",
            "firm.province_not_in_region",
            {"province": "PO", "region": "Marche", "actual": "Toscana"},
        ),
        ("Toscana", "Pratolino", "firm.province_unknown", {"province": "Pratolino"}),
        ("Toscana", "ZZ", "firm.province_unknown", {"province": "ZZ"}),
    ],
)
async def test_a_province_outside_the_region_is_422_not_cut(
    client: httpx.AsyncClient,
    app: FastAPI,
    region: str,
    province: str,
    code: str,
    params: dict[str, str],
) -> None:
    response = await post(client, region=region, province=province)
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "province" and error["code"] == code and error["params"] == params
    assert await count(app, Firm) == 0


async def test_a_foreign_firm_has_no_province(client: httpx.AsyncClient, app: FastAPI) -> None:
    response = await post(
        client, country="DE", vat_number="DE136695976", region="Sachsen", province="PO"
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "firm.province_abroad"


async def test_editing_the_province_is_checked_against_the_region(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    owner = await register(client)
    created = await client.post("/firms", json=body(), headers=owner.headers)
    firm_id = created.json()["id"]
    bad = await client.patch(f"/firms/{firm_id}", json={"province": "VE"}, headers=owner.headers)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "province"
    moved = await client.patch(
        f"/firms/{firm_id}", json={"region": "Veneto", "province": "Venezia"}, headers=owner.headers
    )
    assert moved.status_code == 200 and moved.json()["province"] == "VE"


async def test_billing_data_is_kept_and_shown_to_the_firm_only(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    owner = await register(client)
    billing = {
        "address": "Via Galcianese 12",
        "postal_code": "59100",
        "city": "Prato",
        "sdi_code": "m5uxcr1",
        "pec": "amministrazione@pec.lanificioprova.it",
        "fiscal_code": "RSSMRA85T10A562S",
        "rea": "PO-512345",
    }
    created = await client.post("/firms", json=body(**billing), headers=owner.headers)
    assert created.status_code == 201, created.text
    firm_id = created.json()["id"]
    assert created.json()["city"] == "Prato" and "pec" not in created.json()
    mine = await client.get(f"/firms/{firm_id}/billing", headers=owner.headers)
    assert mine.status_code == 200
    assert {k: mine.json()[k] for k in billing} == billing | {"sdi_code": "M5UXCR1"}
    other = await register(client)
    assert (await client.get(f"/firms/{firm_id}/billing", headers=other.headers)).status_code == 404
    bad = await client.patch(
        f"/firms/{firm_id}", json={"fiscal_code": "RSSMRA85T10A562T"}, headers=owner.headers
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["code"] == "firm.fiscal_code_invalid"
    wrong_sdi = await client.patch(
        f"/firms/{firm_id}", json={"sdi_code": "ABC"}, headers=owner.headers
    )
    assert wrong_sdi.status_code == 422
