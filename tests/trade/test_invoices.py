"""FatturaPA 1.2 invoice drafts of completed contracts, read back by an independent
reader; their totals equal the contract's to the cent."""

from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import update

from distretto.models import Contract
from tests.helpers import Actor
from tests.trade import fatturapa_reader
from tests.trade.builders import Awarded, awarded, check, lot

SUPPLIER_BILLING = {
    "address": "Via dei Confini 42",
    "postal_code": "59100",
    "city": "Prato",
    "fiscal_code": "RSSMRA85T10A562S",
    "rea": "PO-512345",
}
CLIENT_BILLING = {
    "address": "Viale della Repubblica 277",
    "postal_code": "59100",
    "city": "Prato",
    "sdi_code": "M5UXCR1",
}


async def _bill(client: httpx.AsyncClient, actor: Actor, data: dict[str, Any]) -> None:
    response = await client.patch(f"/firms/{actor.firm_id}", json=data, headers=actor.headers)
    assert response.status_code == 200, response.text


async def _completed(client: httpx.AsyncClient, app: FastAPI, **order: Any) -> Awarded:
    a = await awarded(client, app, **order)
    quantity = a.contract["quantity"]
    first = await lot(client, a, quantity, "DDT 318/26")
    assert first.status_code == 201, first.text
    assert (await check(client, a, first.json()["id"], quantity)).status_code == 200
    await _bill(client, a.supplier, SUPPLIER_BILLING)
    await _bill(client, a.client, CLIENT_BILLING)
    return a


async def _xml(client: httpx.AsyncClient, a: Awarded) -> fatturapa_reader.Read:
    response = await client.get(f"{a.url}/invoice.xml", headers=a.client.headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/xml")
    assert "attachment" in response.headers["content-disposition"]
    return fatturapa_reader.read(response.content)


async def test_the_invoice_of_a_contract_reads_back_with_its_totals(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    a = await _completed(
        client,
        app,
        quantity="1250.5",
        tolerance="0",
        unit_price="0.035",
        unit="kg",
        payment_terms={"method": "riba", "days": 60, "end_of_month": True},
    )
    contract = (await client.get(a.url, headers=a.client.headers)).json()
    invoice = await _xml(client, a)
    assert invoice.version == "FPR12" and invoice.document_type == "TD01"
    assert invoice.currency == "EUR" and invoice.recipient_code == "M5UXCR1"
    [line] = invoice.lines
    assert line.quantity == Decimal("1250.5") and line.unit == "kg"
    assert line.unit_price == Decimal("0.035")
    assert line.total == Decimal(contract["total_price"]) == Decimal("43.77")
    [summary] = invoice.summaries
    assert summary.vat_rate == Decimal("22.00") and summary.vat == Decimal("9.63")
    assert invoice.total == Decimal("53.40")
    assert invoice.payment_mode == "MP12" and invoice.payment_days == 60
    completed = date.fromisoformat(contract["completed_at"][:10])
    assert invoice.issued_on == completed
    assert invoice.due_on.day in (28, 29, 30, 31) and (invoice.due_on - completed).days >= 60
    assert invoice.ddt_numbers == ["DDT 318/26"]


async def test_reverse_charge_and_a_settlement(client: httpx.AsyncClient, app: FastAPI) -> None:
    a = await _completed(
        client, app, quantity="100", tolerance="0", unit_price="12.3456", vat_rate="0",
        vat_nature="N6.9",
    )  # fmt: skip
    async with app.state.ctx.sessionmaker() as session:
        await session.execute(update(Contract).values(price_reduction=Decimal("100.00")))
        await session.commit()
    invoice = await _xml(client, a)
    assert [x.total for x in invoice.lines] == [Decimal("1234.56"), Decimal("-100.00")]
    [summary] = invoice.summaries
    assert summary.nature == "N6.9" and summary.vat == 0 and summary.taxable == Decimal("1134.56")
    assert invoice.total == Decimal("1134.56")


async def test_a_recipient_by_pec(client: httpx.AsyncClient, app: FastAPI) -> None:
    a = await _completed(client, app)
    await _bill(client, a.client, {"sdi_code": None, "pec": "fatture@pec.cliente.it"})
    invoice = await _xml(client, a)
    assert invoice.recipient_code == "0000000" and invoice.recipient_pec == "fatture@pec.cliente.it"


async def test_the_courtesy_copy_is_html(client: httpx.AsyncClient, app: FastAPI) -> None:
    a = await _completed(client, app, quantity="18500", unit_price="1")
    response = await client.get(f"{a.url}/invoice.html", headers=a.supplier.headers)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert "18.500,00 €" in response.text and "DDT 318/26" in response.text


async def test_no_invoice_before_completion_or_without_billing_data(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    a = await awarded(client, app)
    early = await client.get(f"{a.url}/invoice.xml", headers=a.client.headers)
    assert early.status_code == 409 and early.json()["code"] == "invoice.not_completed"
    first = (await lot(client, a, "1000", "DDT 1")).json()
    await check(client, a, first["id"], "1000")
    missing = await client.get(f"{a.url}/invoice.xml", headers=a.client.headers)
    assert missing.status_code == 409 and missing.json()["code"] == "invoice.billing_missing"
    assert missing.json()["params"]["fields"] == "address, postal_code, city"
    await _bill(client, a.supplier, SUPPLIER_BILLING)
    await _bill(client, a.client, {k: v for k, v in CLIENT_BILLING.items() if k != "sdi_code"})
    no_channel = await client.get(f"{a.url}/invoice.xml", headers=a.client.headers)
    assert no_channel.status_code == 409 and no_channel.json()["params"]["fields"] == "sdi_code"


@pytest.mark.parametrize("who", ["outsider", "rival"])
async def test_other_firms_never_see_an_invoice(
    client: httpx.AsyncClient, app: FastAPI, who: str
) -> None:
    a = await _completed(client, app)
    response = await client.get(f"{a.url}/invoice.xml", headers=getattr(a.d, who).headers)
    assert response.status_code == 404


def test_the_reader_catches_a_wrong_total() -> None:
    from tests.trade.fatturapa_reader import Invalid

    good = (
        b'<p:FatturaElettronica xmlns:p="' + fatturapa_reader.NS.encode() + b'" versione="FPR12">'
        b"</p:FatturaElettronica>"
    )
    with pytest.raises(Invalid):
        fatturapa_reader.read(good)
