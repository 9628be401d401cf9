"""Demo activity of the consortia: shared booths at the sector's real fairs, a collective
campaign with its quality seal, and training courses (one full, with a waitlist).

Dates follow the fairs' usual calendar and are placed after the day the seed runs, so
signups are open when the demo starts.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlmodel import col, select

from distretto.kit import clock
from distretto.models import (
    Campaign,
    CampaignParticipation,
    Consortium,
    Course,
    CourseSession,
    Enrolment,
    Firm,
    QualitySeal,
    SealGrant,
    TradeFair,
    TradeFairParticipation,
)
from distretto.seed.firms import FIRST_NAMES, SURNAMES
from distretto.seed.world import DemoFirm, DemoWorld

FOOTWEAR_PHASES = {
    "footwear",
    "upper_cutting",
    "upper_stitching",
    "sole_making",
    "lasting",
    "shoe_finishing",
    "tanning",
    "leather_goods",
}


@dataclass(frozen=True)
class Fair:
    name: str
    venue: str
    city: str
    country: str
    editions: tuple[tuple[int, int], ...]  # (month, day) of the usual opening days
    days: int
    total_cost: Decimal
    booth_area_m2: Decimal
    cost_split: str
    max_firms: int


TEXTILE_FAIRS = (
    Fair(
        "Pitti Immagine Filati",
        "Fortezza da Basso",
        "Firenze",
        "Italia",
        ((1, 28), (6, 25)),
        3,
        Decimal("48500.00"),
        Decimal("120"),
        "by_area",
        8,
    ),
    Fair(
        "Milano Unica",
        "Fiera Milano Rho",
        "Rho (Milano)",
        "Italia",
        ((2, 4), (7, 8)),
        3,
        Decimal("36200.00"),
        Decimal("96"),
        "equal",
        6,
    ),
    Fair(
        "Première Vision Paris",
        "Paris Nord Villepinte",
        "Villepinte (Paris)",
        "France",
        ((2, 11), (9, 16)),
        3,
        Decimal("61750.00"),
        Decimal("144"),
        "by_area",
        9,
    ),
)
FOOTWEAR_FAIRS = (
    Fair(
        "MICAM Milano",
        "Fiera Milano Rho",
        "Rho (Milano)",
        "Italia",
        ((2, 22), (9, 21)),
        4,
        Decimal("52800.00"),
        Decimal("110"),
        "by_area",
        8,
    ),
    Fair(
        "Lineapelle",
        "Fiera Milano Rho",
        "Rho (Milano)",
        "Italia",
        ((2, 18), (9, 23)),
        3,
        Decimal("29400.00"),
        Decimal("64"),
        "equal",
        5,
    ),
)
BOOTH_SHARES_M2 = (Decimal("12"), Decimal("16"), Decimal("18.5"), Decimal("9.5"), Decimal("24"))
# Signups close this long before a fair opens (stand design, shipping of samples).
SIGNUP_LEAD = timedelta(days=30)
MIN_NOTICE = timedelta(days=45)


def next_edition(today: date, fair: Fair) -> date:
    """The fair's first usual opening day at least ``MIN_NOTICE`` after ``today``."""
    candidates = [
        date(year, month, day)
        for year in (today.year, today.year + 1, today.year + 2)
        for month, day in fair.editions
    ]
    return min(d for d in candidates if d >= today + MIN_NOTICE)


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


def _is_footwear(members: list[DemoFirm]) -> bool:
    footwear = sum(1 for f in members if FOOTWEAR_PHASES.intersection(f.phases))
    return footwear * 2 > len(members)


async def _consortia_by_kind(world: DemoWorld, kind: str) -> list[Consortium]:
    return list(
        (
            await world.session.scalars(
                select(Consortium)
                .where(col(Consortium.id).in_(world.consortia.values()), Consortium.kind == kind)
                .order_by(Consortium.id)
            )
        ).all()
    )


def _members(world: DemoWorld, consortium_id: int) -> list[DemoFirm]:
    ids = set(world.consortium_members.get(consortium_id, []))
    return [f for f in world.firms if f.id in ids]


async def _trade_fair(
    world: DemoWorld, consortium_id: int, fair: Fair, members: list[DemoFirm], today: date
) -> None:
    starts_on = next_edition(today, fair)
    row = TradeFair(
        consortium_id=consortium_id,
        created_by_user_id=world.consortium_managers.get(consortium_id),
        name=fair.name,
        venue=fair.venue,
        city=fair.city,
        country=fair.country,
        starts_on=starts_on,
        ends_on=starts_on + timedelta(days=fair.days - 1),
        signup_deadline=_at(starts_on - SIGNUP_LEAD, 18),
        total_cost=fair.total_cost,
        booth_area_m2=fair.booth_area_m2,
        cost_split=fair.cost_split,
        max_firms=fair.max_firms,
    )
    world.session.add(row)
    await world.session.flush()
    assert row.id is not None
    # Leave a place or two free so the demo can sign up another firm.
    count = min(len(members), fair.max_firms - 2, len(BOOTH_SHARES_M2))
    taking_part = world.rng.sample(members, k=max(count, 0))
    for index, firm in enumerate(taking_part):
        area = BOOTH_SHARES_M2[index] if fair.cost_split == "by_area" else None
        world.session.add(
            TradeFairParticipation(
                trade_fair_id=row.id,
                firm_id=firm.id,
                area_m2=area,
                signed_up_by_user_id=firm.owner_user_id,
            )
        )


async def _trade_fairs(world: DemoWorld, today: date) -> None:
    for consortium in await _consortia_by_kind(world, "export"):
        assert consortium.id is not None
        members = _members(world, consortium.id)
        fairs = FOOTWEAR_FAIRS if _is_footwear(members) else TEXTILE_FAIRS
        for fair in fairs:
            await _trade_fair(world, consortium.id, fair, members, today)


async def _campaign_and_seal(world: DemoWorld, today: date) -> None:
    for consortium in await _consortia_by_kind(world, "marketing"):
        assert consortium.id is not None
        members = _members(world, consortium.id)
        campaign = Campaign(
            consortium_id=consortium.id,
            created_by_user_id=world.consortium_managers.get(consortium.id),
            title="Toscana, filiera tracciata: buyer DACH e Nord Europa",
            description=(
                "Campagna collettiva su riviste di settore e LinkedIn in Germania, Austria, "
                "Svizzera e Scandinavia, con schede prodotto delle aziende aderenti."
            ),
            budget=Decimal("36000.00"),
            starts_on=today + timedelta(days=30),
            ends_on=today + timedelta(days=150),
        )
        world.session.add(campaign)
        await world.session.flush()
        for firm in world.rng.sample(members, k=min(len(members), 6)):
            world.session.add(
                CampaignParticipation(
                    campaign_id=campaign.id, firm_id=firm.id, joined_by_user_id=firm.owner_user_id
                )
            )
        seal = QualitySeal(
            consortium_id=consortium.id,
            name="Filiera Toscana Certificata",
            description=(
                "Tutte le lavorazioni svolte in Toscana da imprese verificate "
                "dall'associazione, con tracciabilità lotto per lotto."
            ),
            require_verified=True,
        )
        world.session.add(seal)
        await world.session.flush()
        verified = set(
            (
                await world.session.scalars(
                    select(Firm.id).where(
                        col(Firm.id).in_([f.id for f in members]), col(Firm.verified).is_(True)
                    )
                )
            ).all()
        )
        for firm in members:
            if firm.id in verified:
                world.session.add(
                    SealGrant(
                        seal_id=seal.id,
                        firm_id=firm.id,
                        granted_by_user_id=world.consortium_managers.get(consortium.id),
                    )
                )


@dataclass(frozen=True)
class CourseTemplate:
    title: str
    description: str
    capacity: int
    first_session_in_days: int
    session_count: int
    hours: tuple[int, int]
    location: str
    enrolments: int


COURSES = (
    CourseTemplate(
        "Sicurezza sul lavoro: formazione specifica rischio medio",
        "Otto ore in due mattine, con attestato valido ai sensi dell'Accordo Stato-Regioni.",
        12,
        28,
        2,
        (9, 13),
        "Prato, sede della Scuola di Filiera",
        15,
    ),
    CourseTemplate(
        "Modelleria calzatura con CAD 2D",
        "Dal cartamodello al piazzamento: quattro pomeriggi in laboratorio, un PC a testa.",
        10,
        35,
        4,
        (14, 18),
        "Fermo, laboratorio CAD del consorzio",
        6,
    ),
)


async def _course(
    world: DemoWorld, consortium_id: int, template: CourseTemplate, members: list[DemoFirm]
) -> None:
    today = clock.today()
    first = today + timedelta(days=template.first_session_in_days)
    start_hour, end_hour = template.hours
    course = Course(
        consortium_id=consortium_id,
        created_by_user_id=world.consortium_managers.get(consortium_id),
        title=template.title,
        description=template.description,
        capacity=template.capacity,
        enrol_deadline=_at(first - timedelta(days=7), 18),
    )
    world.session.add(course)
    await world.session.flush()
    assert course.id is not None
    world.session.add_all(
        [
            CourseSession(
                course_id=course.id,
                position=index,
                starts_at=_at(first + timedelta(days=7 * index), start_hour),
                ends_at=_at(first + timedelta(days=7 * index), end_hour),
                location=template.location,
            )
            for index in range(template.session_count)
        ]
    )
    taken: set[str] = set()
    for number in range(template.enrolments):
        firm = members[number % len(members)]
        first_name, surname = world.rng.choice(FIRST_NAMES), world.rng.choice(SURNAMES)
        email = f"{first_name}.{surname}@{firm.owner_email.split('@')[1]}".lower()
        if email in taken:
            email = email.replace("@", f"{number}@")
        taken.add(email)
        world.session.add(
            Enrolment(
                course_id=course.id,
                firm_id=firm.id,
                enrolled_by_user_id=firm.owner_user_id,
                participant_name=f"{first_name} {surname}",
                participant_email=email,
                status="enrolled" if number < template.capacity else "waitlisted",
            )
        )
        # One row at a time: the waitlist order is the enrolment id.
        await world.session.flush()


async def _courses(world: DemoWorld) -> None:
    for consortium in await _consortia_by_kind(world, "training"):
        assert consortium.id is not None
        members = _members(world, consortium.id)
        if not members:
            continue
        for template in COURSES:
            await _course(world, consortium.id, template, members)


async def seed_consortia_activity(world: DemoWorld) -> None:
    today = clock.today()
    await _trade_fairs(world, today)
    await _campaign_and_seal(world, today)
    await _courses(world)
    await world.session.flush()
