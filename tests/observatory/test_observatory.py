from datetime import UTC, date, datetime, timedelta

import httpx

from distretto.observatory.service import month_labels, month_start
from tests.helpers import firm_owner, problem_fields
from tests.observatory.builders import market_row

NOW = datetime.now(UTC)


def _month(at: datetime) -> str:
    return at.strftime("%Y-%m")


async def _firms(client: httpx.AsyncClient, count: int, phase: str = "dyeing") -> list[int]:
    return [(await firm_owner(client, phases=[phase])).firm_id for _ in range(count)]


async def _summary(client: httpx.AsyncClient, **params: int) -> dict:
    response = await client.get("/observatory/summary", params=params)
    assert response.status_code == 200, response.text
    return dict(response.json())


def _cell(cells: list[dict], **match: object) -> dict:
    found = [c for c in cells if all(c[k] == v for k, v in match.items())]
    assert len(found) == 1, (match, cells)
    return found[0]


def test_month_window() -> None:
    now = datetime(2026, 2, 14, 9, 30, tzinfo=UTC)
    assert month_start(now, 1) == datetime(2026, 2, 1, tzinfo=UTC)
    assert month_start(now, 3) == datetime(2025, 12, 1, tzinfo=UTC)
    assert month_labels(month_start(now, 3), now) == ["2025-12", "2026-01", "2026-02"]
    assert len(month_labels(month_start(now, 12), now)) == 12


async def test_empty_district_is_public_and_empty(client: httpx.AsyncClient) -> None:
    summary = await _summary(client)
    assert summary["orders"] == [] and summary["contracts"] == []
    assert summary["prices"] == [] and summary["on_time"] == []
    assert summary["min_firms"] == 3 and len(summary["months"]) == 12
    assert summary["total_orders"] is None and summary["total_contracts"] is None
    assert summary["months"][-1] == _month(NOW)


async def test_order_cells_need_three_client_firms(app, client: httpx.AsyncClient) -> None:
    clients = await _firms(client, 3, "weaving")
    at = NOW - timedelta(hours=1)
    # Two firms post dyeing orders: too few to publish; three post stitching orders.
    for firm in clients[:2]:
        await market_row(app, client_firm_id=firm, phase="dyeing", at=at)
        await market_row(app, client_firm_id=firm, phase="dyeing", at=at)
    for firm in clients:
        await market_row(app, client_firm_id=firm, phase="stitching", at=at)
    await market_row(app, client_firm_id=clients[0], phase="stitching", at=at, hidden=True)

    summary = await _summary(client)
    assert not [c for c in summary["orders"] if c["phase"] == "dyeing"]
    # The small dyeing cell is pooled, and the pool of two firms is still too small.
    pooled = _cell(summary["orders"], phase="*", month=_month(at))
    assert pooled == {"phase": "*", "month": _month(at), "count": None, "suppressed": True}
    stitching = _cell(summary["orders"], phase="stitching", month=_month(at))
    assert stitching["count"] == 3 and stitching["suppressed"] is False  # hidden one not counted
    assert summary["total_orders"] == 7
    assert "4" not in {str(c["count"]) for c in summary["orders"]}  # dyeing's 4 never shows


async def test_small_phases_pool_into_other(app, client: httpx.AsyncClient) -> None:
    firms = await _firms(client, 3, "weaving")
    at = NOW - timedelta(hours=2)
    # Knitting has two clients and printing one: neither may be shown, together they may.
    await market_row(app, client_firm_id=firms[0], phase="knitting", at=at)
    await market_row(app, client_firm_id=firms[1], phase="knitting", at=at)
    await market_row(app, client_firm_id=firms[2], phase="printing", at=at)
    summary = await _summary(client)
    assert summary["orders"] == [
        {"phase": "*", "month": _month(at), "count": 3, "suppressed": False}
    ]
    assert summary["total_orders"] == 3


async def test_contracts_prices_and_punctuality(app, client: httpx.AsyncClient) -> None:
    clients = await _firms(client, 3, "weaving")
    suppliers = await _firms(client, 3, "dyeing")
    at = NOW - timedelta(days=2)
    due = date.today() + timedelta(days=10)
    prices = ["2.00", "3.00", "10.00", "4.00"]
    for i, price in enumerate(prices):
        late = i == 3
        delivered = datetime.combine(due + timedelta(days=2 if late else -1), datetime.min.time())
        await market_row(
            app,
            client_firm_id=clients[i % 3],
            supplier_firm_id=suppliers[i % 3],
            phase="dyeing",
            at=at,
            unit="m",
            unit_price=price,
            due=due,
            delivered_at=delivered.replace(tzinfo=UTC),
        )
    # A second unit of measure is its own price cell, with only one firm pair: suppressed.
    await market_row(
        app, client_firm_id=clients[0], supplier_firm_id=suppliers[0], at=at, unit="kg"
    )

    summary = await _summary(client)
    contracts = _cell(summary["contracts"], phase="dyeing", month=_month(at + timedelta(days=8)))
    assert contracts["count"] == 5 and not contracts["suppressed"]
    metres = _cell(summary["prices"], phase="dyeing", unit="m")
    assert metres["median_unit_price"] == "3.50" and metres["contracts"] == 4
    kilos = _cell(summary["prices"], phase="dyeing", unit="kg")
    assert kilos == {
        "phase": "dyeing",
        "unit": "kg",
        "median_unit_price": None,
        "contracts": None,
        "suppressed": True,
    }
    punctuality = _cell(summary["on_time"], phase="dyeing")
    assert punctuality["deliveries"] == 4 and punctuality["on_time_rate"] == 0.75


async def test_two_suppliers_never_reveal_a_price(app, client: httpx.AsyncClient) -> None:
    clients = await _firms(client, 3, "weaving")
    suppliers = await _firms(client, 2, "stitching")
    at = NOW - timedelta(days=1)
    for i in range(6):
        await market_row(
            app,
            client_firm_id=clients[i % 3],
            supplier_firm_id=suppliers[i % 2],
            phase="stitching",
            at=at,
            unit_price="1.10",
            delivered_at=at + timedelta(days=3),
        )
    raw = (await client.get("/observatory/summary")).text
    assert "1.10" not in raw
    summary = await _summary(client)
    assert _cell(summary["prices"], phase="stitching")["suppressed"] is True
    assert _cell(summary["on_time"], phase="stitching")["on_time_rate"] is None
    assert all(c["count"] is None for c in summary["contracts"])
    assert summary["total_contracts"] is None


async def test_window_excludes_older_months(app, client: httpx.AsyncClient) -> None:
    clients = await _firms(client, 3)
    old = month_start(NOW, 3) - timedelta(days=1)
    for firm in clients:
        await market_row(app, client_firm_id=firm, phase="knitting", at=old)
    assert (await _summary(client, months=3))["orders"] == []
    wider = await _summary(client, months=4)
    assert _cell(wider["orders"], phase="knitting")["count"] == 3
    assert wider["months"][0] == _month(old)


async def test_months_parameter_is_bounded(client: httpx.AsyncClient) -> None:
    for bad in ("0", "37", "twelve"):
        response = await client.get("/observatory/summary", params={"months": bad})
        assert response.status_code == 422
        assert problem_fields(response) == {"months"}
