"""Quality seals (collective brands): granted by a consortium to member firms that meet
its criteria, shown publicly on firm profiles and on the consortium's showcase."""

from sqlalchemy.ext.asyncio import AsyncSession

from distretto.auth.viewer import Viewer
from distretto.consortia import events, policies, schemas
from distretto.consortia.repository import ConsortiumRepository, SealRepository
from distretto.consortia.service import get_consortium
from distretto.firms.service import get_firm
from distretto.kit.audit import record
from distretto.kit.errors import Conflict, NotFound
from distretto.kit.events import emit, firm_key
from distretto.models import Consortium, Firm, QualitySeal, SealGrant
from distretto.models.firms import FirmStatus


async def _seal(session: AsyncSession, seal_id: int) -> QualitySeal:
    seal = await SealRepository(session).get(seal_id)
    if seal is None:
        raise NotFound(
            f"Quality seal {seal_id} not found", code="seal.not_found", params={"id": seal_id}
        )
    return seal


async def _outs(
    session: AsyncSession, consortium: Consortium, seals: list[QualitySeal]
) -> list[schemas.SealOut]:
    holders: dict[int, list[schemas.SealHolderOut]] = {s.id: [] for s in seals if s.id}
    for grant, firm in await SealRepository(session).holders(list(holders)):
        holders[grant.seal_id].append(
            schemas.SealHolderOut(firm_id=firm.id, firm_name=firm.name, granted_at=grant.granted_at)
        )
    return [
        schemas.SealOut(
            id=s.id,
            consortium_id=consortium.id,
            consortium_name=consortium.name,
            name=s.name,
            description=s.description,
            min_reputation=s.min_reputation,
            require_verified=s.require_verified,
            created_at=s.created_at,
            holders=holders.get(s.id, []),
        )
        for s in seals
        if s.id is not None
    ]


async def create(
    session: AsyncSession, viewer: Viewer, consortium_id: int, data: schemas.SealCreate
) -> schemas.SealOut:
    consortium = await get_consortium(session, consortium_id)
    policies.require_manager(viewer, consortium_id)
    repo = SealRepository(session)
    if await repo.name_taken(consortium_id, data.name):
        raise Conflict(
            f"{consortium.name} already has a seal with this name", code="seal.name_taken"
        )
    seal = await repo.add(QualitySeal(consortium_id=consortium_id, **data.model_dump()))
    return (await _outs(session, consortium, [seal]))[0]


async def for_consortium(session: AsyncSession, consortium_id: int) -> list[schemas.SealOut]:
    consortium = await get_consortium(session, consortium_id)
    return await _outs(
        session, consortium, await SealRepository(session).for_consortium(consortium_id)
    )


async def detail(session: AsyncSession, seal_id: int) -> schemas.SealOut:
    seal = await _seal(session, seal_id)
    consortium = await get_consortium(session, seal.consortium_id)
    return (await _outs(session, consortium, [seal]))[0]


async def _check_criteria(
    session: AsyncSession, consortium: Consortium, seal: QualitySeal, firm: Firm
) -> None:
    """409 with the reason when ``firm`` may not carry ``seal``."""
    assert consortium.id is not None and firm.id is not None
    if not await ConsortiumRepository(session).is_active_member(consortium.id, firm.id):
        raise Conflict(
            f"{firm.name} is not an active member of {consortium.name}",
            code="seal.not_member",
            params={"firm": firm.name},
        )
    if firm.status != FirmStatus.ACTIVE:
        raise Conflict(
            f"{firm.name} is suspended by the association and cannot receive a seal",
            code="seal.firm_suspended",
            params={"firm": firm.name},
        )
    if seal.require_verified and not firm.verified:
        raise Conflict(
            f"The seal {seal.name!r} requires a firm verified by the association; "
            f"{firm.name} is not verified yet",
            code="seal.needs_verified",
            params={"firm": firm.name, "seal": seal.name},
        )
    if seal.min_reputation is None:
        return
    score = (await SealRepository(session).supplier_reputation([firm.id])).get(firm.id)
    if score is None or score.score is None:
        raise Conflict(
            f"The seal {seal.name!r} requires a supplier reputation of at least "
            f"{seal.min_reputation:g}; {firm.name} has no reputation yet "
            "(no completed contract as a supplier)",
            code="seal.needs_reputation",
            params={"firm": firm.name, "seal": seal.name, "min": seal.min_reputation},
        )
    if score.score < seal.min_reputation:
        raise Conflict(
            f"The seal {seal.name!r} requires a supplier reputation of at least "
            f"{seal.min_reputation:g}; {firm.name} has {score.score:.1f}",
            code="seal.reputation_too_low",
            params={"firm": firm.name, "seal": seal.name, "min": seal.min_reputation},
        )


async def grant(
    session: AsyncSession, viewer: Viewer, seal_id: int, data: schemas.GrantIn
) -> schemas.SealHolderOut:
    seal = await _seal(session, seal_id)
    consortium = await get_consortium(session, seal.consortium_id)
    policies.require_manager(viewer, seal.consortium_id)
    firm = await get_firm(session, data.firm_id)
    repo = SealRepository(session)
    if await repo.grant(seal_id, data.firm_id) is not None:
        raise Conflict(
            f"{firm.name} already carries the seal {seal.name!r}",
            code="seal.already_granted",
            params={"firm": firm.name, "seal": seal.name},
        )
    await _check_criteria(session, consortium, seal, firm)
    granted = await repo.add_grant(
        SealGrant(seal_id=seal_id, firm_id=data.firm_id, granted_by_user_id=viewer.user_id)
    )
    await emit(
        session,
        events.SealGranted(seal_id=seal_id, seal_name=seal.name, firm_id=data.firm_id),
        [firm_key(data.firm_id)],
    )
    await record(
        session,
        "seal.granted",
        actor_user_id=viewer.user_id,
        target_type="firm",
        target_id=data.firm_id,
        seal_id=seal_id,
    )
    return schemas.SealHolderOut(
        firm_id=data.firm_id, firm_name=firm.name, granted_at=granted.granted_at
    )


async def revoke(session: AsyncSession, viewer: Viewer, seal_id: int, firm_id: int) -> None:
    seal = await _seal(session, seal_id)
    policies.require_manager(viewer, seal.consortium_id)
    repo = SealRepository(session)
    existing = await repo.grant(seal_id, firm_id)
    if existing is None:
        raise NotFound(
            f"Firm {firm_id} does not carry this seal",
            code="seal.not_granted",
            params={"firm_id": firm_id},
        )
    await repo.remove_grant(existing)
    await emit(
        session,
        events.SealRevoked(seal_id=seal_id, seal_name=seal.name, firm_id=firm_id),
        [firm_key(firm_id)],
    )
    await record(
        session,
        "seal.revoked",
        actor_user_id=viewer.user_id,
        target_type="firm",
        target_id=firm_id,
        seal_id=seal_id,
    )


async def of_firm(session: AsyncSession, firm_id: int) -> list[schemas.FirmSealOut]:
    await get_firm(session, firm_id)
    return [
        schemas.FirmSealOut(
            seal_id=s.id,
            name=s.name,
            description=s.description,
            consortium_id=c.id,
            consortium_name=c.name,
            granted_at=g.granted_at,
        )
        for g, s, c in await SealRepository(session).badges_of([firm_id])
    ]
