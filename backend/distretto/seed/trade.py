"""Trade conventions in the demo: the terms orders carry, billing data for every firm,
and the lots (with their DDT) the contracts were delivered in.

Fabric and yarn are priced to the tenth of a cent and delivered within ±5%; garments
and shoes by the piece, exactly. Final firms pay by Ri.Ba. at 60 or 90 days end of
month, as the district does. Firms abroad carry their own country and VAT number.
"""

import random
from datetime import UTC, timedelta
from decimal import Decimal

from sqlalchemy import select

from distretto.firms.vat import normalize_vat
from distretto.kit.money import QUANTITY_QUANTUM
from distretto.models import Contract, DeliveryLot, Firm
from distretto.models.contracts import ContractStatus
from distretto.models.trade import LotStatus, PaymentMethod
from distretto.seed.firms import FINAL_FIRMS, SUPPLIERS
from distretto.seed.world import DemoFirm, DemoWorld

# Units sold by length or weight are priced below the cent and delivered with tolerance.
BULK_UNITS = {"m", "kg"}

# Postal codes of the demo's towns (the province's main code where a town has several).
POSTAL_CODES = {
    "Prato": "59100",
    "Montemurlo": "59013",
    "Vaiano": "59021",
    "Vernio": "59024",
    "Carmignano": "59015",
    "Poggio a Caiano": "59016",
    "Cantagallo": "59025",
    "Firenze": "50127",
    "Calenzano": "50041",
    "Campi Bisenzio": "50013",
    "Sesto Fiorentino": "50019",
    "Scandicci": "50018",
    "Pistoia": "51100",
    "Quarrata": "51039",
    "Agliana": "51031",
    "Montale": "51037",
    "Pisa": "56121",
    "Santa Croce sull'Arno": "56029",
    "Fermo": "63900",
    "Porto Sant'Elpidio": "63821",
    "Montegranaro": "63812",
    "Sant'Elpidio a Mare": "63811",
    "Monte Urano": "63813",
    "Montebelluna": "31044",
    "Treviso": "31100",
    "Asolo": "31011",
    "Caerano di San Marco": "31031",
}
# Firms abroad: ISO country and a VAT number of theirs (Romanian ones pass the check).
ABROAD = {"Romania": "RO", "Tunisia": "TN", "Albania": "AL"}
STREETS = (
    "Via Galcianese",
    "Via Pistoiese",
    "Via di Gello",
    "Via Bologna",
    "Via del Purgatorio",
    "Viale della Repubblica",
    "Via Fratelli Cervi",
    "Via Industriale",
)


def price_quantum(unit: str) -> Decimal:
    """Fabric and yarn to the tenth of a cent (1.235 EUR/m); pieces and pairs to the cent."""
    return Decimal("0.001") if unit in BULK_UNITS else Decimal("0.01")


def trade_terms(client: DemoFirm, unit: str) -> dict[str, object]:
    """The terms a final firm proposes: Ri.Ba. 60 or 90 days end of month."""
    return {
        "vat_rate": Decimal("22.00"),
        "payment_method": PaymentMethod.RIBA,
        "payment_days": 60 if client.id % 2 else 90,
        "payment_end_of_month": True,
        "delivery_tolerance_percent": Decimal("5.00") if unit in BULK_UNITS else Decimal(0),
    }


def _towns() -> dict[str, str]:
    towns = {name: town for name, _, _, _, town in FINAL_FIRMS}
    towns |= {row[0]: row[3] for row in SUPPLIERS}
    return towns


def _romanian_vat(number: int) -> str:
    from stdnum.ro import cui

    base = str(number)
    return "RO" + base + cui.calc_check_digit(base)


async def _billing(world: DemoWorld, rng: random.Random) -> None:
    towns = _towns()
    for index, demo in enumerate(world.firms):
        firm = await world.session.get(Firm, demo.id)
        assert firm is not None
        # "Prato (Macrolotto)": the industrial quarter is part of the town.
        town = towns.get(demo.name, "Prato").split(" (")[0]
        firm.address = f"{rng.choice(STREETS)} {rng.randint(1, 180)}"
        firm.city = town
        country = ABROAD.get(demo.region)
        if country is not None:
            firm.country, firm.province = country, None
            firm.postal_code = f"{rng.randint(1000, 9999)}"
            firm.vat_number = (
                _romanian_vat(1_234_560 + index)
                if country == "RO"
                else normalize_vat(f"{rng.randint(1_000_000, 9_999_999)}A", country)
            )
            continue
        firm.postal_code = POSTAL_CODES.get(town, "59100")
        # A company's fiscal code is its VAT number; most receive invoices through an
        # intermediary's SdI code, a few small ones by PEC.
        firm.fiscal_code = firm.vat_number
        if rng.random() < 0.8:
            firm.sdi_code = "".join(rng.choices("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", k=7))
        else:
            slug = "".join(c for c in demo.name.lower() if c.isalnum())[:20]
            firm.pec = f"amministrazione@pec.{slug}.it"
        firm.rea = f"{demo.province}-{rng.randint(100_000, 699_999)}"
    await world.session.flush()


def _split(quantity: Decimal, parts: int, rng: random.Random) -> list[Decimal]:
    """``quantity`` in ``parts`` lots that sum to it exactly (thousandths)."""
    shares = [Decimal(rng.randint(30, 70)) for _ in range(parts)]
    total = sum(shares)
    lots = [(quantity * s / total).quantize(QUANTITY_QUANTUM) for s in shares[:-1]]
    return [*lots, quantity - sum(lots, Decimal(0))]


def _lots(contract: Contract, rng: random.Random, number: int) -> list[DeliveryLot]:
    """The lots a delivered contract came in: the last one on its delivery date."""
    assert contract.id is not None and contract.delivered_at is not None
    parts = 1 if contract.quantity < 500 else rng.randint(1, 3)
    last = contract.delivered_at
    checked = contract.status in (ContractStatus.COMPLETED,)
    lots = []
    for i, quantity in enumerate(_split(contract.quantity, parts, rng)):
        delivered = last - timedelta(days=(parts - 1 - i) * rng.randint(4, 9))
        delivered = max(delivered, contract.created_at + timedelta(hours=6 * (i + 1)))
        lots.append(
            DeliveryLot(
                contract_id=contract.id,
                quantity=quantity,
                ddt_number=f"{number + i}/{delivered:%y}",
                ddt_date=delivered.date(),
                status=LotStatus.ACCEPTED if checked else LotStatus.PENDING,
                accepted_quantity=quantity if checked else Decimal(0),
                on_time=delivered.astimezone(UTC).date() <= contract.due_date,
                delivered_at=delivered,
                checked_at=(contract.completed_at or delivered) if checked else None,
            )
        )
    return lots


async def seed_trade(world: DemoWorld) -> None:
    # Its own random stream: the steps after this one see the same draws as before.
    rng = random.Random(13)
    await _billing(world, rng)
    contracts = (
        await world.session.scalars(
            select(Contract).where(Contract.delivered_at.is_not(None)).order_by(Contract.id)
        )
    ).all()
    number = 101
    for contract in contracts:
        lots = _lots(contract, rng, number)
        number += len(lots)
        world.session.add_all(lots)
    await world.session.flush()
