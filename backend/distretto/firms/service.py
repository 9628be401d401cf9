"""Firm rules: creation with VAT and phase checks, profile edits, members, groups."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from distretto.auth.service import user_by_email
from distretto.auth.viewer import Viewer
from distretto.firms import identity, policies, schemas
from distretto.firms.repository import FirmRepository, PhaseRepository
from distretto.kit import clock
from distretto.kit.concurrency import stale
from distretto.kit.errors import Conflict, Invalid, NotFound
from distretto.kit.pagination import Page, PageParams
from distretto.models import Firm, Membership
from distretto.models.firms import FirmRole
from distretto.reputation.service import refresh_firms, summaries


async def _require_phases(session: AsyncSession, codes: Sequence[str]) -> None:
    unknown = await PhaseRepository(session).unknown_codes(codes)
    if unknown:
        raise Invalid(
            "phases",
            f"unknown phase code(s): {', '.join(unknown)}",
            code="firm.unknown_phase",
            params={"phases": ", ".join(unknown)},
        )


async def _certification_badges(
    session: AsyncSession, firm_ids: Sequence[int]
) -> dict[int, list[schemas.CertificationBadge]]:
    found = await FirmRepository(session).certifications(firm_ids, clock.today())
    return {
        firm_id: [
            schemas.CertificationBadge(label=d.label, valid_until=d.valid_until)
            for d in documents
            if d.valid_until is not None
        ]
        for firm_id, documents in found.items()
    }


async def to_out(session: AsyncSession, firms: Sequence[Firm]) -> list[schemas.FirmOut]:
    ids = [f.id for f in firms if f.id is not None]
    phases = await FirmRepository(session).phases_of(ids)
    reputation = await summaries(session, ids)
    certifications = await _certification_badges(session, ids)
    return [
        schemas.FirmOut(
            id=f.id,
            revision=f.revision,
            name=f.name,
            vat_number=f.vat_number,
            country=f.country,
            region=f.region,
            province=f.province,
            city=f.city,
            size_class=f.size_class,
            description=f.description,
            phases=phases.get(f.id, []),
            status=f.status,
            verified=f.verified,
            ownership_group_id=f.ownership_group_id,
            created_at=f.created_at,
            reputation=reputation.get(f.id),
            certifications=certifications.get(f.id, []),
        )
        for f in firms
        if f.id is not None
    ]


async def get_firm(session: AsyncSession, firm_id: int) -> Firm:
    firm = await FirmRepository(session).get(firm_id)
    if firm is None:
        raise NotFound(f"Firm {firm_id} not found", code="firm.not_found", params={"id": firm_id})
    return firm


async def create(
    session: AsyncSession, viewer: Viewer, data: schemas.FirmCreate
) -> schemas.FirmOut:
    country = identity.check_country(data.country)
    vat_number = identity.check_vat(data.vat_number, country)
    place = identity.check_place(country, data.region, data.province)
    if data.fiscal_code is not None:
        identity.check_fiscal_code(data.fiscal_code, country)
    await _require_phases(session, data.phases)
    repo = FirmRepository(session)
    if await repo.vat_taken(vat_number):
        raise Conflict("A firm with this VAT number is already registered", code="firm.vat_taken")
    firm = await repo.add(
        Firm(
            name=data.name,
            vat_number=vat_number,
            country=country,
            region=place.region,
            province=place.province,
            size_class=data.size_class,
            description=data.description,
            **data.model_dump(include=BILLING_FIELDS),
        ),
        data.phases,
    )
    assert firm.id is not None
    await repo.add_membership(
        Membership(firm_id=firm.id, user_id=viewer.user_id, role=FirmRole.OWNER)
    )
    return (await to_out(session, [firm]))[0]


async def profile(session: AsyncSession, firm_id: int) -> schemas.FirmOut:
    return (await to_out(session, [await get_firm(session, firm_id)]))[0]


async def directory(
    session: AsyncSession, params: PageParams, **filters: object
) -> Page[schemas.FirmOut]:
    repo = FirmRepository(session)
    rows, cursor = await repo.page(repo.directory(**filters), params)  # type: ignore[arg-type]
    return Page(items=await to_out(session, rows), next_cursor=cursor)


async def update(
    session: AsyncSession,
    viewer: Viewer,
    firm_id: int,
    data: schemas.FirmUpdate,
    expected: int | None = None,
) -> schemas.FirmOut:
    policies.can_edit(viewer, firm_id)
    firm = await get_firm(session, firm_id)
    if not await FirmRepository(session).bump_revision(firm, expected):
        stale(expected, firm.revision + 1)  # another change committed since it was read
    changes = data.model_dump(exclude_unset=True)
    phases = changes.pop("phases", None)
    for field in ("name", "region", "size_class", "description"):
        if changes.get(field, ...) is None:
            raise Invalid(field, "cannot be null", code="validation.not_null")
    if "region" in changes or "province" in changes:
        place = identity.check_place(
            firm.country,
            changes.get("region", firm.region),
            changes.get("province", firm.province),
        )
        changes |= {"region": place.region, "province": place.province}
    if changes.get("fiscal_code") is not None:
        identity.check_fiscal_code(changes["fiscal_code"], firm.country)
    if phases is not None:
        await _require_phases(session, phases)
        await FirmRepository(session).set_phases(firm, phases)
    for field, value in changes.items():
        setattr(firm, field, value)
    firm.updated_at = clock.now()
    await FirmRepository(session).add_and_flush(firm)
    return (await to_out(session, [firm]))[0]


async def members(session: AsyncSession, viewer: Viewer, firm_id: int) -> list[schemas.MemberOut]:
    policies.can_see_private(viewer, firm_id)
    await get_firm(session, firm_id)
    return [
        schemas.MemberOut(user_id=u.id, email=u.email, full_name=u.full_name, role=m.role)
        for m, u in await FirmRepository(session).members(firm_id)
    ]


async def add_member(
    session: AsyncSession, viewer: Viewer, firm_id: int, data: schemas.MemberIn
) -> schemas.MemberOut:
    policies.can_manage_members(viewer, firm_id)
    user = await user_by_email(session, data.email)
    if user is None or user.id is None or user.deleted_at is not None:
        raise Invalid(
            "email",
            "no Distretto account uses this email; ask them to register first",
            code="account.unknown_email",
        )
    repo = FirmRepository(session)
    if await repo.membership(firm_id, user.id) is not None:
        raise Conflict("This person is already a member of the firm", code="firm.already_member")
    await repo.add_membership(Membership(firm_id=firm_id, user_id=user.id, role=data.role))
    return schemas.MemberOut(
        user_id=user.id, email=user.email, full_name=user.full_name, role=data.role
    )


async def _existing_membership(session: AsyncSession, firm_id: int, user_id: int) -> Membership:
    membership = await FirmRepository(session).membership(firm_id, user_id)
    if membership is None:
        raise NotFound(
            f"User {user_id} is not a member of firm {firm_id}",
            code="firm.member_not_found",
            params={"user_id": user_id},
        )
    return membership


async def _keep_an_owner(session: AsyncSession, membership: Membership) -> None:
    if (
        membership.role == FirmRole.OWNER
        and await FirmRepository(session).owner_count(membership.firm_id) <= 1
    ):
        raise Conflict("A firm must keep at least one owner", code="firm.last_owner")


async def change_role(
    session: AsyncSession, viewer: Viewer, firm_id: int, user_id: int, data: schemas.MemberRoleIn
) -> schemas.MemberOut:
    policies.can_manage_members(viewer, firm_id)
    membership = await _existing_membership(session, firm_id, user_id)
    if data.role != FirmRole.OWNER:
        await _keep_an_owner(session, membership)
    membership.role = data.role
    await FirmRepository(session).add_and_flush(membership)
    return next(m for m in await members(session, viewer, firm_id) if m.user_id == user_id)


async def remove_member(session: AsyncSession, viewer: Viewer, firm_id: int, user_id: int) -> None:
    policies.can_manage_members(viewer, firm_id)
    membership = await _existing_membership(session, firm_id, user_id)
    await _keep_an_owner(session, membership)
    await FirmRepository(session).remove_membership(membership)


async def create_group(
    session: AsyncSession, viewer: Viewer, data: schemas.OwnershipGroupIn, now: datetime
) -> schemas.OwnershipGroupOut:
    firm_ids = sorted(set(data.firm_ids))
    if len(firm_ids) < 2:
        raise Invalid(
            "firm_ids",
            "an ownership group needs at least two different firms",
            code="group.too_few_firms",
        )
    policies.can_group(viewer, firm_ids)
    repo = FirmRepository(session)
    firms = await repo.firms(firm_ids)
    if len(firms) != len(firm_ids):
        raise Invalid("firm_ids", "unknown firm id(s)", code="group.unknown_firms")
    if any(f.ownership_group_id is not None for f in firms):
        raise Conflict(
            "One of these firms already belongs to an ownership group", code="group.already_grouped"
        )
    group = await repo.create_group(data.name, firm_ids)
    assert group.id is not None
    # Contracts between firms of one group stop counting for reputation from now on, not
    # at the next daily recompute.
    await refresh_firms(session, firm_ids, now)
    return schemas.OwnershipGroupOut(id=group.id, name=group.name, firm_ids=firm_ids)


async def phases(session: AsyncSession) -> list[schemas.PhaseOut]:
    return [
        schemas.PhaseOut(code=p.code, name=p.name, name_it=p.name_it, parent=p.parent)
        for p in await PhaseRepository(session).all()
    ]


# --- For other features -------------------------------------------------------------------


async def phases_of(session: AsyncSession, firm_ids: Sequence[int]) -> dict[int, list[str]]:
    return await FirmRepository(session).phases_of(firm_ids)


async def firms_by_id(session: AsyncSession, firm_ids: Sequence[int]) -> list[Firm]:
    return await FirmRepository(session).firms(firm_ids)


async def unknown_phase_codes(session: AsyncSession, codes: Sequence[str]) -> list[str]:
    return await PhaseRepository(session).unknown_codes(codes)


BILLING_FIELDS = {"address", "postal_code", "city", "sdi_code", "pec", "fiscal_code", "rea"}


def billing_out(firm: Firm) -> schemas.BillingOut:
    assert firm.id is not None
    return schemas.BillingOut(
        firm_id=firm.id,
        name=firm.name,
        vat_number=firm.vat_number,
        country=firm.country,
        region=firm.region,
        province=firm.province,
        **{field: getattr(firm, field) for field in BILLING_FIELDS},
    )


async def billing(session: AsyncSession, viewer: Viewer, firm_id: int) -> schemas.BillingOut:
    """A firm's billing data, for its members and staff."""
    policies.can_see_private(viewer, firm_id)
    return billing_out(await get_firm(session, firm_id))


async def billing_of(session: AsyncSession, firm_ids: list[int]) -> dict[int, schemas.BillingOut]:
    """The billing data of firms (invoicing reads the two parties of a contract)."""
    firms = [await get_firm(session, firm_id) for firm_id in firm_ids]
    return {f.id: billing_out(f) for f in firms if f.id is not None}
