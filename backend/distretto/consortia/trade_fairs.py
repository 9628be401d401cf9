"""Shared trade-fair booths: signups with a deadline and a firm limit, the exact cost
table, the participant sheet and the calendar file.

Signups lock the fair row first, so concurrent requests never exceed ``max_firms``
or the booth area (see ``TradeFairRepository.lock``).
"""

from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from distretto.auth.viewer import Viewer
from distretto.consortia import costs, events, policies, schemas
from distretto.consortia.repository import ConsortiumRepository, TradeFairRepository
from distretto.consortia.service import get_consortium, require_member_firm
from distretto.firms.service import get_firm
from distretto.kit import clock
from distretto.kit.errors import Conflict, Invalid, NotFound
from distretto.kit.events import emit, firm_key
from distretto.kit.exports import CalendarEntry, CsvDialect, csv_bytes, ics_bytes
from distretto.kit.messages import DEFAULT_LANG, Lang, text
from distretto.kit.money import CENT
from distretto.kit.pagination import Page, PageParams
from distretto.models import Firm, TradeFair, TradeFairParticipation, User
from distretto.models.consortia import CostSplit, TradeFairStatus

Participant = tuple[TradeFairParticipation, Firm, User | None]


def signups_open(fair: TradeFair, now: datetime) -> bool:
    return fair.status == TradeFairStatus.OPEN and now < fair.signup_deadline


def _area(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


async def _readable_fair(session: AsyncSession, viewer: Viewer | None, fair_id: int) -> TradeFair:
    fair = await TradeFairRepository(session).get_readable(viewer, fair_id)
    if fair is None:
        raise NotFound(
            f"Trade fair {fair_id} not found", code="fair.not_found", params={"id": fair_id}
        )
    return fair


async def _lock(repo: TradeFairRepository, fair_id: int) -> TradeFair:
    fair = await repo.lock(fair_id)
    if fair is None:
        raise NotFound(
            f"Trade fair {fair_id} not found", code="fair.not_found", params={"id": fair_id}
        )
    return fair


async def _outs(
    session: AsyncSession, fairs: Sequence[TradeFair], *, with_participants: bool
) -> list[schemas.TradeFairOut]:
    repo = TradeFairRepository(session)
    totals = await repo.totals([f.id for f in fairs if f.id is not None])
    now = clock.now()
    names: dict[int, str] = {}
    outs = []
    for fair in fairs:
        assert fair.id is not None
        if fair.consortium_id not in names:
            names[fair.consortium_id] = (await get_consortium(session, fair.consortium_id)).name
        participants = (
            [
                schemas.ParticipantOut(
                    firm_id=f.id,
                    firm_name=f.name,
                    area_m2=_area(p.area_m2),
                    signed_up_at=p.created_at,
                )
                for p, f, _ in await repo.participants(fair.id)
            ]
            if with_participants
            else None
        )
        count, area_taken = totals[fair.id]
        outs.append(
            schemas.TradeFairOut(
                id=fair.id,
                consortium_id=fair.consortium_id,
                consortium_name=names[fair.consortium_id],
                name=fair.name,
                venue=fair.venue,
                city=fair.city,
                country=fair.country,
                starts_on=fair.starts_on,
                ends_on=fair.ends_on,
                signup_deadline=fair.signup_deadline,
                total_cost=fair.total_cost,
                booth_area_m2=float(fair.booth_area_m2),
                cost_split=fair.cost_split,
                max_firms=fair.max_firms,
                status=fair.status,
                signups_open=signups_open(fair, now),
                participant_count=count,
                area_taken_m2=float(area_taken),
                participants=participants,
            )
        )
    return outs


async def create(
    session: AsyncSession, viewer: Viewer, consortium_id: int, data: schemas.TradeFairCreate
) -> schemas.TradeFairOut:
    consortium = await get_consortium(session, consortium_id)
    policies.require_manager(viewer, consortium_id)
    fair = await TradeFairRepository(session).add(
        TradeFair(
            consortium_id=consortium_id, created_by_user_id=viewer.user_id, **data.model_dump()
        )
    )
    assert fair.id is not None
    members = await ConsortiumRepository(session).active_member_firm_ids(consortium_id)
    await emit(
        session,
        events.TradeFairCreated(
            trade_fair_id=fair.id,
            consortium_id=consortium_id,
            consortium_name=consortium.name,
            name=fair.name,
            city=fair.city,
            starts_on=fair.starts_on,
            signup_deadline=fair.signup_deadline,
        ),
        [firm_key(firm_id) for firm_id in members],
    )
    return (await _outs(session, [fair], with_participants=True))[0]


async def list_for_consortium(
    session: AsyncSession,
    viewer: Viewer | None,
    consortium_id: int,
    upcoming: bool | None,
    params: PageParams,
) -> Page[schemas.TradeFairOut]:
    await get_consortium(session, consortium_id)
    rows, cursor = await TradeFairRepository(session).page_for_consortium(
        viewer, consortium_id, upcoming, clock.today(), params
    )
    return Page(items=await _outs(session, rows, with_participants=False), next_cursor=cursor)


async def detail(session: AsyncSession, viewer: Viewer, fair_id: int) -> schemas.TradeFairOut:
    fair = await _readable_fair(session, viewer, fair_id)
    return (await _outs(session, [fair], with_participants=True))[0]


async def sign_up(
    session: AsyncSession, viewer: Viewer, fair_id: int, data: schemas.ParticipationIn
) -> schemas.ParticipantOut:
    policies.require_firm_acting(viewer, data.firm_id)
    repo = TradeFairRepository(session)
    fair = await _lock(repo, fair_id)
    consortium = await get_consortium(session, fair.consortium_id)
    firm = await get_firm(session, data.firm_id)
    await require_member_firm(session, consortium, firm)
    if fair.status == TradeFairStatus.CLOSED:
        raise Conflict(
            "The consortium has closed signups for this fair", code="fair.signups_closed"
        )
    if clock.now() >= fair.signup_deadline:
        raise Conflict("The signup deadline for this fair has passed", code="fair.deadline_passed")
    if await repo.participation(fair_id, data.firm_id) is not None:
        raise Conflict(
            f"{firm.name} is already signed up for this fair",
            code="fair.already_signed_up",
            params={"firm": firm.name},
        )
    if fair.cost_split == CostSplit.BY_AREA and data.area_m2 is None:
        raise Invalid(
            "area_m2",
            "this fair splits costs by booth area: say how many m² you need",
            code="fair.area_required",
        )
    count, area_taken = (await repo.totals([fair_id]))[fair_id]
    if count >= fair.max_firms:
        raise Conflict(
            f"The booth is full: all {fair.max_firms} places are taken",
            code="fair.full",
            params={"max": fair.max_firms},
        )
    if data.area_m2 is not None and area_taken + data.area_m2 > fair.booth_area_m2:
        free = fair.booth_area_m2 - area_taken
        raise Conflict(
            f"Only {free:.2f} m² of the booth are still free",
            code="fair.area_exhausted",
            params={"free": str(free)},
        )
    participation = await repo.add_participation(
        TradeFairParticipation(
            trade_fair_id=fair_id,
            firm_id=data.firm_id,
            area_m2=data.area_m2,
            signed_up_by_user_id=viewer.user_id,
        )
    )
    return schemas.ParticipantOut(
        firm_id=data.firm_id,
        firm_name=firm.name,
        area_m2=_area(participation.area_m2),
        signed_up_at=participation.created_at,
    )


async def withdraw(session: AsyncSession, viewer: Viewer, fair_id: int, firm_id: int) -> None:
    """A firm withdraws while signups are open; a manager may take a firm off at any time."""
    repo = TradeFairRepository(session)
    fair = await _readable_fair(session, viewer, fair_id)
    policies.require_firm_or_manager(viewer, firm_id, fair.consortium_id)
    fair = await _lock(repo, fair_id)
    participation = await repo.participation(fair_id, firm_id)
    if participation is None:
        raise NotFound(
            f"Firm {firm_id} is not signed up for this fair",
            code="fair.not_signed_up",
            params={"firm_id": firm_id},
        )
    if not viewer.manages(fair.consortium_id) and not signups_open(fair, clock.now()):
        raise Conflict(
            "Signups are closed: withdrawing is no longer possible, ask the consortium",
            code="fair.withdraw_closed",
        )
    await repo.remove_participation(participation)


async def set_signups(
    session: AsyncSession, viewer: Viewer, fair_id: int, *, open_: bool
) -> schemas.TradeFairOut:
    repo = TradeFairRepository(session)
    fair = await _readable_fair(session, viewer, fair_id)
    policies.require_manager(viewer, fair.consortium_id)
    fair = await _lock(repo, fair_id)
    if open_:
        if fair.status == TradeFairStatus.OPEN:
            raise Conflict("Signups for this fair are already open", code="fair.already_open")
        if clock.now() >= fair.signup_deadline:
            raise Conflict(
                "The signup deadline has passed: signups cannot reopen", code="fair.cannot_reopen"
            )
        fair.status, fair.closed_at = TradeFairStatus.OPEN, None
    else:
        if fair.status == TradeFairStatus.CLOSED:
            raise Conflict("Signups for this fair are already closed", code="fair.already_closed")
        fair.status, fair.closed_at = TradeFairStatus.CLOSED, clock.now()
    await repo.save(fair)
    return (await _outs(session, [fair], with_participants=True))[0]


def _cost_lines(fair: TradeFair, participants: Sequence[Participant]) -> list[schemas.CostLineOut]:
    if fair.cost_split == CostSplit.BY_AREA:
        claims = [costs.Claim(f.id, p.area_m2) for p, f, _ in participants if f.id and p.area_m2]
    else:
        claims = costs.equal_claims([f.id for _, f, _ in participants if f.id is not None])
    shares = costs.split(fair.total_cost, claims)
    return [
        schemas.CostLineOut(
            firm_id=f.id,
            firm_name=f.name,
            area_m2=_area(p.area_m2),
            share=shares.get(f.id, Decimal("0.00")),
        )
        for p, f, _ in participants
        if f.id is not None
    ]


async def cost_table(
    session: AsyncSession, viewer: Viewer, fair_id: int
) -> list[schemas.CostLineOut]:
    fair = await _readable_fair(session, viewer, fair_id)
    participants = await TradeFairRepository(session).participants(fair_id)
    policies.can_see_costs(viewer, fair.consortium_id, {f.id for _, f, _ in participants if f.id})
    return _cost_lines(fair, participants)


PARTICIPANT_SHEET_HEADER = (
    "firm_id",
    "firm_name",
    "vat_number",
    "region",
    "province",
    "area_m2",
    "share_eur",
    "signed_up_at",
    "signed_up_by",
    "signed_up_by_email",
)


async def participant_sheet(
    session: AsyncSession,
    viewer: Viewer,
    fair_id: int,
    dialect: CsvDialect = CsvDialect.STANDARD,
) -> bytes:
    fair = await _readable_fair(session, viewer, fair_id)
    policies.require_manager_or_staff(viewer, fair.consortium_id)
    participants = await TradeFairRepository(session).participants(fair_id)
    shares = {line.firm_id: line.share for line in _cost_lines(fair, participants)}
    return csv_bytes(
        PARTICIPANT_SHEET_HEADER,
        [
            (
                f.id,
                f.name,
                f.vat_number,
                f.region,
                f.province or "",
                "" if p.area_m2 is None else Decimal(p.area_m2).quantize(CENT),
                shares[f.id].quantize(CENT),
                p.created_at.isoformat(),
                u.full_name if u else "",
                u.email if u else "",
            )
            for p, f, u in participants
            if f.id is not None
        ],
        dialect,
    )


async def calendar(
    session: AsyncSession, viewer: Viewer, fair_id: int, lang: Lang = DEFAULT_LANG
) -> bytes:
    fair = await _readable_fair(session, viewer, fair_id)
    consortium = await get_consortium(session, fair.consortium_id)
    place = ", ".join(p for p in (fair.venue, fair.city, fair.country) if p)
    about = text(
        "ics.fair.description", lang, consortium=consortium.name, area=f"{fair.booth_area_m2:.0f}"
    )
    return ics_bytes(
        fair.name,
        [
            CalendarEntry(
                uid=f"trade-fair-{fair.id}@distretto",
                summary=fair.name,
                start=fair.starts_on,
                end=fair.ends_on + timedelta(days=1),  # iCalendar all-day ends are exclusive
                location=place,
                description=about,
            ),
            CalendarEntry(
                uid=f"trade-fair-{fair.id}-signup-deadline@distretto",
                summary=text("ics.fair.deadline_summary", lang, fair=fair.name),
                start=fair.signup_deadline,
                description=text("ics.fair.deadline_description", lang, consortium=consortium.name),
            ),
        ],
    )
