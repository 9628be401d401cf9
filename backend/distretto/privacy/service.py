"""A firm's data export and a person's account deletion (both audited)."""

from collections.abc import Iterable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel

from distretto.auth.service import revoke_refresh_tokens
from distretto.auth.viewer import Viewer
from distretto.kit import clock
from distretto.kit.audit import record
from distretto.kit.errors import NotFound, Unauthorized
from distretto.privacy import policies
from distretto.privacy.repository import AccountRepository, ExportRepository
from distretto.privacy.schemas import FirmExport
from distretto.sso.service import unlink_identities

EXPORT_FORMAT = "1"


def _rows(models: Iterable[SQLModel]) -> list[dict[str, Any]]:
    return [m.model_dump(mode="json") for m in models]


async def export_firm(session: AsyncSession, viewer: Viewer, firm_id: int, ip: str) -> FirmExport:
    policies.can_export(viewer, firm_id)
    repo = ExportRepository(session)
    firm = await repo.firm(firm_id)
    if firm is None:
        raise NotFound(f"Firm {firm_id} not found", code="firm.not_found", params={"id": firm_id})
    now = clock.now()
    # Shared content (threads, reviews) is exported as this firm reads it, through the
    # same readable statements as its everyday reads, never as the exporting person.
    as_firm = Viewer(
        user_id=viewer.user_id, email=viewer.email, is_staff=False, firm_roles={firm_id: "owner"}
    )
    orders = await repo.orders(firm_id)
    reviews = await repo.reviews(as_firm, firm_id, now)
    export = FirmExport(
        format_version=EXPORT_FORMAT,
        exported_at=now,
        exported_by_user_id=viewer.user_id,
        firm={**firm.model_dump(mode="json"), "phases": await repo.phases(firm_id)},
        members=await repo.members(firm_id),
        orders=_rows(orders),
        order_invitations=_rows(await repo.invitations([o.id for o in orders if o.id])),
        bids=_rows(await repo.own_bids(firm_id)),
        contracts=_rows(await repo.contracts(firm_id)),
        messages=_rows(await repo.messages(as_firm)),
        reviews_given=_rows(r for r in reviews if r.reviewer_firm_id == firm_id),
        reviews_received=_rows(r for r in reviews if r.reviewee_firm_id == firm_id),
        consortium_memberships=await repo.consortium_memberships(firm_id),
        trade_fair_participations=_rows(await repo.trade_fair_participations(firm_id)),
        campaign_participations=_rows(await repo.campaign_participations(firm_id)),
        quality_seals=_rows(await repo.seal_grants(firm_id)),
        training_enrolments=_rows(await repo.enrolments(firm_id)),
        reputation=_rows(await repo.reputation(firm_id)),
        warnings=_rows(await repo.warnings(firm_id)),
        flags_raised=_rows(await repo.flags_raised(firm_id)),
    )
    await record(
        session,
        "privacy.firm_exported",
        actor_user_id=viewer.user_id,
        target_type="firm",
        target_id=firm_id,
        ip=ip,
    )
    return export


async def delete_account(session: AsyncSession, viewer: Viewer, ip: str) -> None:
    """Erase the person, keep the firm's records.

    Email, name, password hash, external sign-in links, inbox and sessions go; the
    contracts, messages and reviews their firms were party to stay for the other side,
    with the author shown as "Deleted user". The audit log keeps the user id only.
    """
    accounts = AccountRepository(session)
    user = await accounts.user(viewer.user_id)
    if user is None or user.id is None:
        raise Unauthorized(code="auth.unauthenticated")
    policies.can_leave(
        await accounts.sole_owner_of_shared_firms(user.id), await accounts.sole_manager_of(user.id)
    )
    now = clock.now()
    await accounts.remove_roles(user.id)
    await accounts.remove_personal_records(user.id)
    await unlink_identities(session, user.id)
    await revoke_refresh_tokens(session, user.id, now)
    await accounts.tombstone(user.id, now)
    await record(
        session,
        "privacy.account_deleted",
        actor_user_id=user.id,
        target_type="user",
        target_id=user.id,
        ip=ip,
        firms_left=sorted(viewer.firm_roles),
    )
