"""Demo reference tariffs: the association's minimum and typical prices for the main
subcontracted phases, in the units the district's orders use, with last year's versions in
the history; then every seeded bid is priced against the tariff in force when it was made,
so the board and the staff report show the few that went below the minimum."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from distretto.kit.clock import system_clock
from distretto.models import Bid, Order, ReferenceTariff
from distretto.seed.world import DemoWorld
from distretto.tariffs.repository import TariffRepository
from distretto.tariffs.service import price_check


@dataclass(frozen=True)
class Tariff:
    phase: str
    unit: str
    min_price: str
    typical_price: str
    note: str
    # Last year's minimum and typical, when the tariff was renegotiated this year.
    before: tuple[str, str] | None = None


# Orders of magnitude from DISTRICT.md (illustrative, not market quotes): dyeing well under
# €2 a metre, stitching a few euros a garment, spinning a few euros a kilo.
TARIFFS = (
    Tariff("wool_regeneration", "kg", "1.15", "1.50", "Cernita, sfilacciatura e carbonizzo"),
    Tariff("carding", "kg", "1.60", "2.10", "Nastro per filatura cardata Nm 8-12"),
    Tariff("spinning", "kg", "4.20", "5.40", "Cardato a un capo, Nm 8-16", ("3.90", "5.00")),
    Tariff("weaving", "m", "3.60", "5.00", "Tessuto cardato, altezza 150 cm"),
    Tariff("dyeing", "m", "1.25", "1.70", "Tintura in pezza, colori medi", ("1.15", "1.55")),
    Tariff("dyeing", "kg", "6.20", "8.00", "Tintura filato in rocca"),
    Tariff("dyeing", "capi", "1.85", "2.40", "Tintura in capo, maglieria"),
    Tariff("finishing", "m", "0.85", "1.15", "Follatura, garzatura e cimatura"),
    Tariff("knitting", "capi", "6.20", "8.00", "Maglia rasata, finezza 12"),
    Tariff("stitching", "capi", "6.30", "8.20", "Confezione camicia o pantalone", ("6.00", "7.80")),
    Tariff("upper_cutting", "paia", "2.60", "3.40", "Taglio tomaie in pelle di vitello"),
    Tariff("upper_stitching", "paia", "6.40", "8.80", "Orlatura tomaia sneaker o derby"),
    Tariff("lasting", "paia", "8.20", "10.50", "Montaggio calzatura cucita o incollata"),
    Tariff("sole_making", "paia", "4.10", "5.60", "Fondo in gomma stampato"),
)


async def seed_tariffs(world: DemoWorld) -> None:
    session = world.session
    now = system_clock()
    this_year = date(now.year, 1, 1)
    last_year = date(now.year - 1, 1, 1)
    rows = []
    for tariff in TARIFFS:
        versions: list[tuple[str, str, date]] = []
        if tariff.before is not None:
            versions.append((*tariff.before, last_year))
        versions.append((tariff.min_price, tariff.typical_price, this_year))
        for number, (minimum, typical, valid_from) in enumerate(versions, start=1):
            rows.append(
                ReferenceTariff(
                    phase=tariff.phase,
                    unit=tariff.unit,
                    version=number,
                    min_price=Decimal(minimum),
                    typical_price=Decimal(typical),
                    valid_from=valid_from,
                    note=tariff.note,
                    published_by_user_id=world.staff_user_id,
                    created_at=datetime.combine(valid_from, datetime.min.time(), UTC)
                    - timedelta(days=20),
                )
            )
    session.add_all(rows)
    await session.flush()
    await _price_seeded_bids(world)


async def _price_seeded_bids(world: DemoWorld) -> None:
    """Each bid against the tariff in force on the day it was made (as placing does)."""
    session = world.session
    repo = TariffRepository(session)
    bids = (await session.execute(select(Bid, Order).join(Order, Order.id == Bid.order_id))).all()
    for bid, order in bids:
        tariff = await repo.in_force(order.phase, order.unit, bid.created_at.date())
        check = price_check(tariff, bid.unit_price)
        bid.tariff_id, bid.below_tariff = check.tariff_id, check.below_tariff
    await session.flush()
