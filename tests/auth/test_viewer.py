"""The viewer every request is authorised with: read in one statement on every request,
never cached, so a suspension or a removed membership counts from the next request."""

from datetime import UTC, datetime

import httpx
from fastapi import FastAPI
from sqlalchemy import update
from sqlmodel import col

from distretto.auth.viewer import load_viewer
from distretto.models import ConsortiumManager, User
from tests.helpers import add_member, create_firm, firm_owner, make_staff
from tests.market.builders import consortium_with, execute, order_body, statements, suspend


async def test_the_viewer_is_one_statement_with_roles_suspensions_and_consortia(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    owner = await firm_owner(client)
    second = await create_firm(client, owner)
    other = await firm_owner(client)
    manager = await add_member(client, other, "manager")
    await create_firm(client, manager)
    await suspend(app, second["id"])
    consortium = await consortium_with(app, {owner.firm_id: "active"})
    async with app.state.ctx.sessionmaker() as session:
        session.add(ConsortiumManager(consortium_id=consortium, user_id=manager.user_id))
        await session.commit()
    await make_staff(app, owner)
    async with app.state.ctx.sessionmaker() as session, statements(app) as executed:
        owner_viewer = await load_viewer(session, owner.user_id)
        manager_viewer = await load_viewer(session, manager.user_id)
    assert len(executed) == 2
    assert owner_viewer is not None and manager_viewer is not None
    assert owner_viewer.email == owner.email and owner_viewer.is_staff is True
    assert owner_viewer.firm_roles == {owner.firm_id: "owner", second["id"]: "owner"}
    assert owner_viewer.suspended_firms == {second["id"]}
    assert owner_viewer.managed_consortia == frozenset()
    assert manager_viewer.is_staff is False
    assert manager_viewer.firm_roles == {other.firm_id: "manager", manager.firm_ids[-1]: "owner"}
    assert manager_viewer.suspended_firms == frozenset()
    assert manager_viewer.managed_consortia == {consortium}


async def test_a_disabled_or_deleted_account_has_no_viewer(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    disabled, deleted = await firm_owner(client), await firm_owner(client)
    await execute(app, update(User).where(col(User.id) == disabled.user_id).values(is_active=False))
    await execute(
        app,
        update(User).where(col(User.id) == deleted.user_id).values(deleted_at=datetime.now(UTC)),
    )
    async with app.state.ctx.sessionmaker() as session:
        assert await load_viewer(session, disabled.user_id) is None
        assert await load_viewer(session, deleted.user_id) is None
        assert await load_viewer(session, 10**9) is None
    for actor in (disabled, deleted):
        assert (await client.get("/orders", headers=actor.headers)).status_code == 401


async def test_suspension_and_removal_count_from_the_next_request(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    owner = await firm_owner(client)
    manager = await add_member(client, owner, "manager")

    async def post() -> int:
        body = order_body(owner.firm_id)
        return (await client.post("/orders", json=body, headers=manager.headers)).status_code

    assert await post() == 201
    await suspend(app, owner.firm_id)
    assert await post() == 403
    await suspend(app, owner.firm_id, status="active")
    assert await post() == 201
    removed = await client.delete(
        f"/firms/{owner.firm_id}/members/{manager.user_id}", headers=owner.headers
    )
    assert removed.status_code == 204
    assert await post() == 404
