"""Each guard of the award, proved on its own.

The award has four guards (``market/award.py``): (1) the order must read as awardable;
(2) the conditional ``UPDATE orders … WHERE status = 'open'``; (3) the chosen bid, locked,
must still be active; (4) the unique ``contracts.order_id`` / ``contracts.bid_id``. Any one
of them keeps the award exactly-once in the situation it is there for, so removing one
left every other test green. Here each test switches the others off and shows that its
guard alone holds: remove that guard and its test fails (checked by hand for each one;
see the commit message). ``attempts`` counts inserts reaching the last guard, so the
tests of guards 1 to 3 see a leak even though the unique key would still catch it.
"""

import asyncio
from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from distretto.market import award as award_module
from distretto.market import lifecycle
from distretto.market.repository import BidRepository, ContractWriter, OrderRepository
from distretto.models.market import OrderStatus
from tests.helpers import create_firm, firm_owner
from tests.market.builders import contract_rows, district, place_bid, post_order

RACERS = 8


@pytest.fixture
def attempts(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The order ids of every contract insert the award attempts."""
    seen: list[int] = []
    original = ContractWriter.add

    async def counting(self: ContractWriter, contract: Any) -> Any:
        seen.append(contract.order_id)
        return await original(self, contract)

    monkeypatch.setattr(ContractWriter, "add", counting)
    return seen


def without_status_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """Guard 1 off: every order reads as awardable."""
    monkeypatch.setattr(lifecycle, "awardable", lambda order: True)


def without_conditional_update(monkeypatch: pytest.MonkeyPatch) -> None:
    """Guard 2 off: the UPDATE also moves an order that is already awarded."""
    original = OrderRepository.move

    async def unconditional(self: OrderRepository, order: Any, from_: Any, values: Any) -> bool:
        return await original(self, order, [*from_, OrderStatus.AWARDED], values)

    monkeypatch.setattr(OrderRepository, "move", unconditional)


def without_bid_recheck(monkeypatch: pytest.MonkeyPatch) -> None:
    """Guard 3 off: the chosen bid is taken as it is, neither locked nor re-checked."""

    async def as_is(session: Any, order: Any, bid_id: int) -> Any:
        return await BidRepository(session).get(bid_id)

    monkeypatch.setattr(award_module, "_winning_bid", as_is)


async def _market(client: httpx.AsyncClient, app: FastAPI, bids: int) -> tuple[Any, dict, list]:
    d = await district(client, app)
    order = await post_order(client, d.client_owner)
    supplier = await firm_owner(client, phases=["dyeing"])
    for _ in range(bids - 1):
        await create_firm(client, supplier, phases=["dyeing"])
    placed = [
        await place_bid(client, supplier, order["id"], firm_id=firm_id)
        for firm_id in supplier.firm_ids
    ]
    return d.client_owner, order, placed


def _award(client: httpx.AsyncClient, client_owner: Any, order: dict, bid: dict) -> Any:
    return client.post(
        f"/orders/{order['id']}/award", json={"bid_id": bid["id"]}, headers=client_owner.headers
    )


def _codes(responses: Iterator[httpx.Response] | list[httpx.Response]) -> Counter[Any]:
    return Counter(
        r.json().get("code", r.status_code) if r.status_code != 201 else 201 for r in responses
    )


async def test_guard_1_the_status_read_alone_refuses_a_second_award(
    client: httpx.AsyncClient, app: FastAPI, monkeypatch: pytest.MonkeyPatch, attempts: list[int]
) -> None:
    without_conditional_update(monkeypatch)
    without_bid_recheck(monkeypatch)
    owner, order, bids = await _market(client, app, 2)
    assert (await _award(client, owner, order, bids[0])).status_code == 201
    again = await _award(client, owner, order, bids[1])
    assert again.status_code == 409 and again.json()["code"] == "order.not_awardable"
    assert attempts == [order["id"]]
    assert len(await contract_rows(app, order["id"])) == 1


async def test_guard_2_the_conditional_update_alone_lets_one_racer_through(
    client: httpx.AsyncClient, app: FastAPI, monkeypatch: pytest.MonkeyPatch, attempts: list[int]
) -> None:
    without_status_read(monkeypatch)
    without_bid_recheck(monkeypatch)
    owner, order, bids = await _market(client, app, RACERS)
    responses = await asyncio.gather(*(_award(client, owner, order, bid) for bid in bids))
    assert _codes(responses) == {201: 1, "order.changed_meanwhile": RACERS - 1}
    assert attempts == [order["id"]]
    assert len(await contract_rows(app, order["id"])) == 1


async def test_guard_3_the_locked_bid_recheck_alone_awards_a_bid_once(
    client: httpx.AsyncClient, app: FastAPI, monkeypatch: pytest.MonkeyPatch, attempts: list[int]
) -> None:
    without_status_read(monkeypatch)
    without_conditional_update(monkeypatch)
    owner, order, bids = await _market(client, app, 2)
    # The same award sent several times at once (a double click, a retry without a key).
    responses = await asyncio.gather(
        *(_award(client, owner, order, bids[0]) for _ in range(RACERS))
    )
    assert _codes(responses) == {201: 1, "award.bid_not_active": RACERS - 1}
    assert attempts == [order["id"]]
    # And once awarded, the other bid is rejected, so it cannot win afterwards.
    later = await _award(client, owner, order, bids[1])
    assert later.status_code == 409 and later.json()["code"] == "award.bid_not_active"
    assert len(await contract_rows(app, order["id"])) == 1


async def test_guard_4_the_unique_contract_alone_makes_one_contract(
    client: httpx.AsyncClient, app: FastAPI, monkeypatch: pytest.MonkeyPatch, attempts: list[int]
) -> None:
    without_status_read(monkeypatch)
    without_conditional_update(monkeypatch)
    without_bid_recheck(monkeypatch)
    owner, order, bids = await _market(client, app, 2)
    responses = await asyncio.gather(
        *(_award(client, owner, order, bids[0]) for _ in range(RACERS))
    )
    assert _codes(responses) == {201: 1, "order.already_contracted": RACERS - 1}
    assert len(attempts) == RACERS  # every racer reached the insert: only the key stopped them
    later = await _award(client, owner, order, bids[1])
    assert later.status_code == 409 and later.json()["code"] == "order.already_contracted"
    assert len(await contract_rows(app, order["id"])) == 1
