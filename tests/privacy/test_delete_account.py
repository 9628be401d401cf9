"""Deleting one's account: the person is erased, the firms' records stay."""

from typing import Any

import httpx
from sqlalchemy import func, select

from distretto.models import AuditEntry, Membership, OidcIdentity, RefreshToken, User
from tests.consortia.builders import consortium
from tests.helpers import PASSWORD, add_member, firm_owner, register
from tests.security.world import build_world


async def _user(app: Any, user_id: int) -> User:
    async with app.state.ctx.sessionmaker() as session:
        user = await session.get(User, user_id)
        assert user is not None
        return user


async def test_deleted_person_is_erased_and_signed_out(client: httpx.AsyncClient, app: Any) -> None:
    world = await build_world(client, app)
    leaving = world.client_manager
    # The manager wrote in the contract thread on behalf of the client firm.
    url = f"/contracts/{world.contract_id}/messages"
    written = await client.post(url, json={"text": "Ci sentiamo lunedì"}, headers=leaving.headers)
    assert written.status_code == 201
    async with app.state.ctx.sessionmaker() as session:
        session.add(
            OidcIdentity(
                provider="sso", subject="s-1", user_id=leaving.user_id, email=leaving.email
            )
        )
        await session.commit()

    response = await client.delete("/me", headers=leaving.headers)
    assert response.status_code == 204

    user = await _user(app, leaving.user_id)
    assert user.email == f"deleted-user-{leaving.user_id}@deleted.invalid"
    assert user.full_name == "Deleted user" and user.password_hash is None
    assert user.deleted_at is not None and not user.is_active
    assert (await client.get("/me", headers=leaving.headers)).status_code == 401
    signed_in = await client.post(
        "/auth/token", data={"username": leaving.email, "password": PASSWORD}
    )
    assert signed_in.status_code == 401
    again = await client.post("/auth/refresh", json={"refresh_token": leaving.refresh_token})
    assert again.status_code == 401
    async with app.state.ctx.sessionmaker() as session:
        memberships = await session.scalar(
            select(func.count())
            .select_from(Membership)
            .where(Membership.user_id == leaving.user_id)
        )
        links = await session.scalar(select(func.count()).select_from(OidcIdentity))
        live_tokens = await session.scalar(
            select(func.count())
            .select_from(RefreshToken)
            .where(RefreshToken.user_id == leaving.user_id, RefreshToken.revoked_at.is_(None))
        )
        [audit] = (
            await session.scalars(
                select(AuditEntry).where(AuditEntry.action == "privacy.account_deleted")
            )
        ).all()
    assert memberships == 0 and links == 0 and live_tokens == 0
    assert audit.actor_user_id == leaving.user_id
    assert leaving.email not in str(audit.details) + audit.reason

    # The other party keeps the thread; the author reads as a deleted user.
    thread = (await client.get(url, headers=world.supplier.headers)).json()["items"]
    mine = next(m for m in thread if m["id"] == written.json()["id"])
    assert mine["text"] == "Ci sentiamo lunedì" and mine["author_name"] == "Deleted user"
    assert (
        await client.get(f"/contracts/{world.contract_id}", headers=world.supplier.headers)
    ).status_code == 200
    # The address is free again.
    await register(client, leaving.email)


async def test_last_owner_of_a_firm_with_people_must_hand_over(
    client: httpx.AsyncClient, app: Any
) -> None:
    owner = await firm_owner(client)
    colleague = await add_member(client, owner, "manager")
    refused = await client.delete("/me", headers=owner.headers)
    assert refused.status_code == 409
    assert "last owner" in refused.json()["detail"]
    assert (await client.get("/me", headers=owner.headers)).status_code == 200
    # After handing over ownership, leaving is fine.
    promoted = await client.patch(
        f"/firms/{owner.firm_id}/members/{colleague.user_id}",
        json={"role": "owner"},
        headers=owner.headers,
    )
    assert promoted.status_code == 200
    assert (await client.delete("/me", headers=owner.headers)).status_code == 204
    members = await client.get(f"/firms/{owner.firm_id}/members", headers=colleague.headers)
    assert [m["user_id"] for m in members.json()] == [colleague.user_id]


async def test_a_sole_proprietor_may_leave(client: httpx.AsyncClient, app: Any) -> None:
    owner = await firm_owner(client)
    assert (await client.delete("/me", headers=owner.headers)).status_code == 204
    # The firm and its public profile remain (contracts may reference it).
    assert (await client.get(f"/firms/{owner.firm_id}")).status_code == 200


async def test_only_manager_of_a_consortium_must_appoint_another(
    client: httpx.AsyncClient,
) -> None:
    manager, _ = await consortium(client)
    refused = await client.delete("/me", headers=manager.headers)
    assert refused.status_code == 409
    assert "only manager" in refused.json()["detail"]


async def test_deleting_needs_a_signed_in_user(client: httpx.AsyncClient) -> None:
    assert (await client.delete("/me")).status_code == 401
