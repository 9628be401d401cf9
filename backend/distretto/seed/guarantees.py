"""Demo confidi: Confidi Tessile Pratese, its Prato member firms with caps, and
guarantee requests in every state (pending, approved — one on a receivable —,
rejected, expired)."""

from datetime import timedelta
from decimal import Decimal

from sqlmodel import col, select

from distretto.kit.clock import district_date, system_clock
from distretto.models import (
    Consortium,
    ConsortiumManager,
    ConsortiumMember,
    Contract,
    Guarantee,
    GuaranteeCap,
    User,
)
from distretto.models.consortia import ConsortiumKind, MemberStatus
from distretto.models.guarantees import GuaranteeStatus
from distretto.seed.forum import CHINESE_FIRM
from distretto.seed.world import DemoWorld

NAME = "Confidi Tessile Pratese"
MANAGER_EMAIL = "fidi@confiditessile.example.it"
PURPOSES = (
    "Linea di credito per l'acquisto di filati per la stagione autunno-inverno",
    "Anticipo fatture sui lavori di tintura per il lanificio",
    "Rinnovo della rameuse in rifinizione (leasing)",
    "Scorte di lana rigenerata prima di Pitti Filati",
    "Capitale circolante: stipendi di agosto in attesa delle Ri.Ba. di settembre",
)


async def seed_guarantees(world: DemoWorld) -> None:
    now = system_clock()
    today = district_date(now)
    session = world.session
    confidi = Consortium(
        name=NAME,
        kind=ConsortiumKind.CREDIT_GUARANTEE,
        description="Confidi delle imprese tessili pratesi: garantisce fino all'80% dei "
        "finanziamenti bancari dei soci, nei limiti del plafond di ciascuno.",
    )
    manager = User(
        email=MANAGER_EMAIL, full_name="Sara Nesti (Confidi)", password_hash=world.password_hash
    )
    session.add_all([confidi, manager])
    await session.flush()
    assert confidi.id is not None and manager.id is not None
    session.add(ConsortiumManager(consortium_id=confidi.id, user_id=manager.id))
    prato = [f for f in world.firms if f.province == "PO" and f not in world.final_firms]
    chinese = [f for f in prato if f.name == CHINESE_FIRM]
    members = (chinese + [f for f in prato if f.name != CHINESE_FIRM])[:9]
    for firm in members:
        session.add(
            ConsortiumMember(consortium_id=confidi.id, firm_id=firm.id, status=MemberStatus.ACTIVE)
        )
        cap = Decimal(world.rng.choice((40_000, 60_000, 80_000, 120_000, 150_000)))
        session.add(
            GuaranteeCap(
                consortium_id=confidi.id, firm_id=firm.id, cap=cap, set_by_user_id=manager.id
            )
        )
    world.consortia[NAME] = confidi.id
    world.consortium_members[confidi.id] = [f.id for f in members]
    world.consortium_managers[confidi.id] = manager.id
    await session.flush()

    receivable = (
        await session.scalars(
            select(Contract).where(
                Contract.status == "active",
                col(Contract.supplier_firm_id).in_([f.id for f in members]),
            )
        )
    ).first()

    def request(firm_index: int, amount: int, purpose: int, days_ago: int) -> Guarantee:
        firm = members[firm_index % len(members)]
        return Guarantee(
            consortium_id=confidi.id,
            firm_id=firm.id,
            requested_amount=Decimal(amount),
            purpose=PURPOSES[purpose % len(PURPOSES)],
            requested_by_user_id=firm.owner_user_id,
            created_at=now - timedelta(days=days_ago),
        )

    rows: list[Guarantee] = []
    for i, (amount, days) in enumerate(((25_000, 2), (18_000, 1), (40_000, 0))):
        rows.append(request(i, amount, i, days))  # pending
    for i, (amount, percent, months) in enumerate(((30_000, 50, 12), (50_000, 60, 18))):
        row = request(i + 3, amount, i + 1, 40)
        row.status, row.amount = GuaranteeStatus.APPROVED, Decimal(amount)
        row.guaranteed_percent = Decimal(percent)
        row.expires_on = today + timedelta(days=30 * months)
        row.decided_at = now - timedelta(days=35)
        row.decided_by_user_id = manager.id
        rows.append(row)
    if receivable is not None:
        advance = Guarantee(
            consortium_id=confidi.id,
            firm_id=receivable.supplier_firm_id,
            contract_id=receivable.id,
            requested_amount=receivable.total_price,
            purpose="Anticipo sul credito verso il committente (contratto in corso)",
            status=GuaranteeStatus.APPROVED,
            amount=receivable.total_price,
            guaranteed_percent=Decimal(50),
            expires_on=today + timedelta(days=120),
            decided_at=now - timedelta(days=3),
            created_at=now - timedelta(days=5),
            decided_by_user_id=manager.id,
        )
        rows.append(advance)
    rejected = request(5, 90_000, 3, 20)
    rejected.status, rejected.decided_at = GuaranteeStatus.REJECTED, now - timedelta(days=18)
    rejected.reject_reason = "Importo oltre il plafond: ripresentate la domanda dopo il bilancio."
    rejected.decided_by_user_id = manager.id
    rows.append(rejected)
    expired = request(6, 20_000, 4, 400)
    expired.status, expired.amount = GuaranteeStatus.EXPIRED, Decimal(20_000)
    expired.guaranteed_percent, expired.expires_on = Decimal(50), today - timedelta(days=30)
    expired.decided_at, expired.expired_at = now - timedelta(days=395), now - timedelta(days=30)
    expired.decided_by_user_id = manager.id
    rows.append(expired)
    session.add_all(rows)
    await session.flush()
