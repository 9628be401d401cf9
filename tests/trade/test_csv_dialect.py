"""CSV exports in the Italian dialect on request: semicolons, decimal comma, BOM, so
Italian Excel opens them in columns."""

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import httpx

from distretto.kit.exports import CsvDialect, csv_bytes
from tests.consortia.test_trade_fairs import consortium, member_firm, sign_up, trade_fair

ROWS = [("Lanificio Cecchi S.p.A.", Decimal("1250.50"), date(2026, 12, 31), "=SUM(A1)")]
MOMENT = datetime(2026, 12, 31, 9, 30)


def test_the_italian_dialect() -> None:
    data = csv_bytes(["firm", "amount", "on", "note"], ROWS, CsvDialect.IT)
    assert data.startswith("\ufeff".encode())
    text = data.decode("utf-8-sig")
    assert text.splitlines()[1] == "Lanificio Cecchi S.p.A.;1250,50;31/12/2026;'=SUM(A1)"
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["firm", "amount", "on", "note"]


def test_the_standard_dialect_is_unchanged() -> None:
    text = csv_bytes(["firm", "amount", "on", "note"], ROWS).decode("utf-8-sig")
    assert text.splitlines()[1] == "Lanificio Cecchi S.p.A.,1250.50,2026-12-31,'=SUM(A1)"


def test_a_text_with_a_semicolon_is_quoted() -> None:
    text = csv_bytes(["a"], [("Tessitura; filatura",)], CsvDialect.IT).decode("utf-8-sig")
    assert text.splitlines()[1] == '"Tessitura; filatura"'


async def test_participant_sheet_in_italian(client: httpx.AsyncClient) -> None:
    manager, created = await consortium(client)
    fair = await trade_fair(client, manager, created["id"], total_cost="1000.00")
    owner = await member_firm(client, created["id"], manager)
    assert (await sign_up(client, fair["id"], owner)).status_code == 201
    url = f"/trade-fairs/{fair['id']}/participants.csv"
    response = await client.get(url, params={"dialect": "it"}, headers=manager.headers)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["firm_id", "firm_name", "vat_number"] and rows[1][6] == "1000,00"
    bad = await client.get(url, params={"dialect": "fr"}, headers=manager.headers)
    assert bad.status_code == 422
