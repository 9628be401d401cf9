"""Consortia, their managers and member firms, and the public showcase for buyers."""

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from distretto.auth.service import user_by_email
from distretto.auth.viewer import Viewer
from distretto.consortia import events, policies, schemas
from distretto.consortia.repository import (
    ConsortiumRepository,
    SealRepository,
    TradeFairRepository,
)
from distretto.firms.service import get_firm, phases_of
from distretto.kit import clock
from distretto.kit.audit import record
from distretto.kit.concurrency import stale
from distretto.kit.errors import Conflict, Invalid, NotFound
from distretto.kit.events import emit, firm_key, user_key
from distretto.kit.pagination import Page, PageParams
from distretto.models import Consortium, ConsortiumManager, ConsortiumMember, Firm
from distretto.models.consortia import MemberStatus

LIVE_MEMBER_STATUSES = (MemberStatus.PENDING, MemberStatus.ACTIVE)


async def get_consortium(session: AsyncSession, consortium_id: int) -> Consortium:
    consortium = await ConsortiumRepository(session).get(consortium_id)
    if consortium is None:
        raise NotFound(
            f"Consortium {consortium_id} not found",
            code="consortium.not_found",
            params={"id": consortium_id},
        )
    return consortium


async def require_member_firm(session: AsyncSession, consortium: Consortium, firm: Firm) -> None:
    """403 unless ``firm`` is an active member (a firm that left or waits cannot take part)."""
    assert consortium.id is not None and firm.id is not None
    is_member = await ConsortiumRepository(session).is_active_member(consortium.id, firm.id)
    policies.require_active_member(is_member, firm.name, consortium.name)


async def _viewer_roles(
    session: AsyncSession, viewer: Viewer | None, consortium_ids: Sequence[int]
) -> dict[int, str]:
    if viewer is None:
        return {}
    member_of = await ConsortiumRepository(session).member_of(consortium_ids, viewer.firm_ids)
    roles = {cid: "member" for cid in member_of}
    roles.update({cid: "manager" for cid in consortium_ids if viewer.manages(cid)})
    return roles


async def _outs(
    session: AsyncSession,
    viewer: Viewer | None,
    consortia: Sequence[Consortium],
    roles: dict[int, str] | None = None,
) -> list[schemas.ConsortiumOut]:
    ids = [c.id for c in consortia if c.id is not None]
    counts = await ConsortiumRepository(session).member_counts(ids)
    roles = roles if roles is not None else await _viewer_roles(session, viewer, ids)
    return [
        schemas.ConsortiumOut(
            id=c.id,
            revision=c.revision,
            name=c.name,
            description=c.description,
            kind=c.kind,
            created_at=c.created_at,
            member_count=counts.get(c.id, 0),
            viewer_role=roles.get(c.id),
        )
        for c in consortia
        if c.id is not None
    ]


async def _member_outs(
    session: AsyncSession, rows: Sequence[tuple[ConsortiumMember, Firm]]
) -> list[schemas.MemberFirmOut]:
    phases = await phases_of(session, [f.id for _, f in rows if f.id is not None])
    return [
        schemas.MemberFirmOut(
            firm_id=f.id,
            firm_name=f.name,
            region=f.region,
            province=f.province,
            phases=phases.get(f.id, []),
            verified=f.verified,
            firm_status=f.status,
            status=m.status,
            requested_at=m.requested_at,
            decided_at=m.decided_at,
        )
        for m, f in rows
        if f.id is not None
    ]


async def _detail(
    session: AsyncSession,
    viewer: Viewer | None,
    consortium: Consortium,
    roles: dict[int, str] | None = None,
) -> schemas.ConsortiumDetail:
    assert consortium.id is not None
    repo = ConsortiumRepository(session)
    summary = (await _outs(session, viewer, [consortium], roles))[0]
    members = await _member_outs(
        session, await repo.members_with_firms(consortium.id, [MemberStatus.ACTIVE])
    )
    sees_requests = viewer is not None and (viewer.is_staff or summary.viewer_role == "manager")
    pending = (
        await _member_outs(
            session, await repo.members_with_firms(consortium.id, [MemberStatus.PENDING])
        )
        if sees_requests
        else None
    )
    return schemas.ConsortiumDetail(**summary.model_dump(), members=members, pending=pending)


# --- Consortia -------------------------------------------------------------------------------


async def create(
    session: AsyncSession, viewer: Viewer, data: schemas.ConsortiumCreate
) -> schemas.ConsortiumDetail:
    repo = ConsortiumRepository(session)
    if await repo.name_taken(data.name):
        raise Conflict("A consortium with this name already exists", code="consortium.name_taken")
    consortium = await repo.add(
        Consortium(name=data.name, description=data.description, kind=data.kind)
    )
    assert consortium.id is not None
    await repo.add_manager(ConsortiumManager(consortium_id=consortium.id, user_id=viewer.user_id))
    # The viewer was loaded before the appointment, so say it here.
    return await _detail(session, viewer, consortium, roles={consortium.id: "manager"})


async def directory(
    session: AsyncSession,
    viewer: Viewer | None,
    params: PageParams,
    *,
    kind: str | None,
    q: str | None,
) -> Page[schemas.ConsortiumOut]:
    repo = ConsortiumRepository(session)
    rows, cursor = await repo.page(repo.directory(kind=kind, q=q), params)
    return Page(items=await _outs(session, viewer, rows), next_cursor=cursor)


async def detail(
    session: AsyncSession, viewer: Viewer | None, consortium_id: int
) -> schemas.ConsortiumDetail:
    return await _detail(session, viewer, await get_consortium(session, consortium_id))


async def update(
    session: AsyncSession,
    viewer: Viewer,
    consortium_id: int,
    data: schemas.ConsortiumUpdate,
    expected: int | None = None,
) -> schemas.ConsortiumDetail:
    consortium = await get_consortium(session, consortium_id)
    policies.require_manager(viewer, consortium_id)
    if not await ConsortiumRepository(session).bump_revision(consortium, expected):
        stale(expected, consortium.revision + 1)  # another change committed since it was read
    changes = data.model_dump(exclude_unset=True)
    for field, value in changes.items():
        if value is None:
            raise Invalid(field, "cannot be null", code="validation.not_null")
    name = changes.get("name")
    if name and await ConsortiumRepository(session).name_taken(name, other_than=consortium_id):
        raise Conflict("A consortium with this name already exists", code="consortium.name_taken")
    for field, value in changes.items():
        setattr(consortium, field, value)
    await ConsortiumRepository(session).add_and_flush(consortium)
    return await _detail(session, viewer, consortium)


# --- Managers --------------------------------------------------------------------------------


async def managers(
    session: AsyncSession, viewer: Viewer, consortium_id: int
) -> list[schemas.ManagerOut]:
    await get_consortium(session, consortium_id)
    policies.require_manager_or_staff(viewer, consortium_id)
    return [
        schemas.ManagerOut(user_id=u.id, full_name=u.full_name, email=u.email, since=m.created_at)
        for m, u in await ConsortiumRepository(session).managers(consortium_id)
    ]


async def add_manager(
    session: AsyncSession, viewer: Viewer, consortium_id: int, data: schemas.ManagerIn
) -> schemas.ManagerOut:
    await get_consortium(session, consortium_id)
    policies.require_manager(viewer, consortium_id)
    user = await user_by_email(session, data.email)
    if user is None or user.id is None or user.deleted_at is not None or not user.is_active:
        raise Invalid(
            "email",
            "no Distretto account uses this email; ask them to register first",
            code="account.unknown_email",
        )
    repo = ConsortiumRepository(session)
    if await repo.manager(consortium_id, user.id) is not None:
        raise Conflict(
            "This person already manages the consortium", code="consortium.already_manager"
        )
    manager = await repo.add_manager(
        ConsortiumManager(consortium_id=consortium_id, user_id=user.id)
    )
    await record(
        session,
        "consortium.manager_added",
        actor_user_id=viewer.user_id,
        target_type="consortium",
        target_id=consortium_id,
        user_id=user.id,
    )
    return schemas.ManagerOut(
        user_id=user.id, full_name=user.full_name, email=user.email, since=manager.created_at
    )


async def remove_manager(
    session: AsyncSession, viewer: Viewer, consortium_id: int, user_id: int
) -> None:
    await get_consortium(session, consortium_id)
    policies.require_manager(viewer, consortium_id)
    repo = ConsortiumRepository(session)
    manager = await repo.manager(consortium_id, user_id)
    if manager is None:
        raise NotFound(
            f"User {user_id} does not manage this consortium",
            code="consortium.not_manager",
            params={"user_id": user_id},
        )
    if len(await repo.manager_user_ids(consortium_id)) <= 1:
        raise Conflict(
            "A consortium must keep at least one manager", code="consortium.last_manager"
        )
    await repo.remove_manager(manager)
    await record(
        session,
        "consortium.manager_removed",
        actor_user_id=viewer.user_id,
        target_type="consortium",
        target_id=consortium_id,
        user_id=user_id,
    )


# --- Membership ------------------------------------------------------------------------------


def _membership_out(membership: ConsortiumMember) -> schemas.MembershipOut:
    return schemas.MembershipOut(
        consortium_id=membership.consortium_id,
        firm_id=membership.firm_id,
        status=membership.status,
        requested_at=membership.requested_at,
        decided_at=membership.decided_at,
    )


async def request_membership(
    session: AsyncSession, viewer: Viewer, consortium_id: int, data: schemas.MembershipRequestIn
) -> schemas.MembershipOut:
    policies.require_firm_owner(viewer, data.firm_id)
    viewer.require_active_firm(data.firm_id)
    consortium = await get_consortium(session, consortium_id)
    firm = await get_firm(session, data.firm_id)
    repo = ConsortiumRepository(session)
    membership = await repo.membership(consortium_id, data.firm_id)
    if membership is not None and membership.status in LIVE_MEMBER_STATUSES:
        state = (
            "already a member" if membership.status == MemberStatus.ACTIVE else "already waiting"
        )
        raise Conflict(
            f"{firm.name} is {state} of {consortium.name}",
            code="consortium.already_member",
            params={"firm": firm.name, "consortium": consortium.name, "status": membership.status},
        )
    if membership is None:
        membership = ConsortiumMember(consortium_id=consortium_id, firm_id=data.firm_id)
    # A firm that left or was turned down may ask again: the same row starts over.
    membership.status = MemberStatus.PENDING
    membership.requested_at = clock.now()
    membership.decided_at = None
    await repo.save_membership(membership)
    await emit(
        session,
        events.MembershipRequested(
            consortium_id=consortium_id, firm_id=data.firm_id, firm_name=firm.name
        ),
        [user_key(uid) for uid in await repo.manager_user_ids(consortium_id)],
    )
    return _membership_out(membership)


async def _pending_request(
    session: AsyncSession, viewer: Viewer, consortium_id: int, firm_id: int
) -> ConsortiumMember:
    await get_consortium(session, consortium_id)
    policies.require_manager(viewer, consortium_id)
    membership = await ConsortiumRepository(session).membership(consortium_id, firm_id)
    if membership is None:
        raise NotFound(
            f"Firm {firm_id} has not asked to join this consortium",
            code="membership.not_found",
            params={"firm_id": firm_id},
        )
    if membership.status != MemberStatus.PENDING:
        raise Conflict(
            f"This request was already decided (status: {membership.status})",
            code="membership.already_decided",
            params={"status": membership.status},
        )
    return membership


async def decide_membership(
    session: AsyncSession, viewer: Viewer, consortium_id: int, firm_id: int, *, approve: bool
) -> schemas.MembershipOut:
    membership = await _pending_request(session, viewer, consortium_id, firm_id)
    membership.status = MemberStatus.ACTIVE if approve else MemberStatus.REJECTED
    membership.decided_at = clock.now()
    await ConsortiumRepository(session).save_membership(membership)
    decision = events.MembershipApproved if approve else events.MembershipRejected
    await emit(
        session,
        decision(consortium_id=consortium_id, firm_id=firm_id, status=membership.status),
        [firm_key(firm_id)],
    )
    await record(
        session,
        f"consortium.member_{'approved' if approve else 'rejected'}",
        actor_user_id=viewer.user_id,
        target_type="consortium",
        target_id=consortium_id,
        firm_id=firm_id,
    )
    return _membership_out(membership)


async def end_membership(
    session: AsyncSession, viewer: Viewer, consortium_id: int, firm_id: int
) -> None:
    """The firm leaves (or withdraws its request), or a manager removes it.

    Its seals from this consortium go with it: they certify members only. Trade-fair
    and campaign participations stay, since their costs are already committed.
    """
    await get_consortium(session, consortium_id)
    if not viewer.manages(consortium_id):
        policies.require_firm_owner(viewer, firm_id)
    repo = ConsortiumRepository(session)
    membership = await repo.membership(consortium_id, firm_id)
    if membership is None or membership.status not in LIVE_MEMBER_STATUSES:
        raise NotFound(
            f"Firm {firm_id} is not a member of this consortium",
            code="membership.not_member",
            params={"firm_id": firm_id},
        )
    membership.status = MemberStatus.LEFT
    membership.decided_at = clock.now()
    await repo.save_membership(membership)
    revoked = await SealRepository(session).revoke_consortium_seals(consortium_id, firm_id)
    by_firm = viewer.has_role(firm_id, "owner")
    if not by_firm:
        await emit(
            session,
            events.MembershipEnded(
                consortium_id=consortium_id, firm_id=firm_id, status=MemberStatus.LEFT
            ),
            [firm_key(firm_id)],
        )
    await record(
        session,
        "consortium.member_left" if by_firm else "consortium.member_removed",
        actor_user_id=viewer.user_id,
        target_type="consortium",
        target_id=consortium_id,
        firm_id=firm_id,
        seals_revoked=revoked,
    )


# --- Showcase --------------------------------------------------------------------------------


async def showcase(session: AsyncSession, consortium_id: int) -> schemas.ShowcaseOut:
    """What a foreign buyer sees: members in good standing, their badges, public facts only."""
    consortium = await get_consortium(session, consortium_id)
    firms = await ConsortiumRepository(session).showcase_firms(consortium_id)
    firm_ids = [f.id for f in firms if f.id is not None]
    phases = await phases_of(session, firm_ids)
    seals = SealRepository(session)
    badges: dict[int, list[schemas.SealBadgeOut]] = {fid: [] for fid in firm_ids}
    for grant, seal, owner in await seals.badges_of(firm_ids):
        badges[grant.firm_id].append(
            schemas.SealBadgeOut(
                seal_id=seal.id, name=seal.name, consortium_id=owner.id, consortium_name=owner.name
            )
        )
    scores = await seals.supplier_reputation(firm_ids)
    fairs = await TradeFairRepository(session).upcoming_for_consortium(consortium_id, clock.today())
    return schemas.ShowcaseOut(
        id=consortium_id,
        name=consortium.name,
        kind=consortium.kind,
        description=consortium.description,
        firms=[
            schemas.ShowcaseFirmOut(
                id=f.id,
                name=f.name,
                region=f.region,
                province=f.province,
                size_class=f.size_class,
                description=f.description,
                phases=phases.get(f.id, []),
                verified=f.verified,
                seals=badges.get(f.id, []),
                reputation=(
                    schemas.ReputationBadgeOut(
                        score=scores[f.id].score, contracts=scores[f.id].contracts
                    )
                    if f.id in scores
                    else None
                ),
            )
            for f in firms
            if f.id is not None
        ],
        upcoming_trade_fairs=[
            schemas.ShowcaseFairOut(
                name=t.name,
                venue=t.venue,
                city=t.city,
                country=t.country,
                starts_on=t.starts_on,
                ends_on=t.ends_on,
            )
            for t in fairs
        ],
    )


# --- For other features (training runs courses of a consortium) ---------------------------

# The consortium roles, for features that act on a consortium's behalf.
require_manager = policies.require_manager
require_firm_acting = policies.require_firm_acting
require_firm_or_manager = policies.require_firm_or_manager
require_manager_or_staff = policies.require_manager_or_staff


async def active_member_firm_ids(session: AsyncSession, consortium_id: int) -> list[int]:
    return await ConsortiumRepository(session).active_member_firm_ids(consortium_id)


async def consortium_names(session: AsyncSession, consortium_ids: Sequence[int]) -> dict[int, str]:
    repo = ConsortiumRepository(session)
    names: dict[int, str] = {}
    for consortium_id in set(consortium_ids):
        consortium = await repo.get(consortium_id)
        names[consortium_id] = consortium.name if consortium else ""
    return names


async def manager_user_ids(session: AsyncSession, consortium_id: int) -> list[int]:
    return await ConsortiumRepository(session).manager_user_ids(consortium_id)


async def member_of(
    session: AsyncSession, consortium_ids: Sequence[int], firm_ids: Sequence[int]
) -> set[int]:
    """The consortia among ``consortium_ids`` where one of ``firm_ids`` is an active member."""
    return await ConsortiumRepository(session).member_of(consortium_ids, firm_ids)
