"""Demo moderation: reports waiting in the staff queue, and a little history behind them
(a dismissed report, a warning), so the staff console shows a working association."""

from datetime import timedelta

from sqlalchemy import select

from distretto.kit import clock
from distretto.kit.audit import record
from distretto.models import Firm, FirmWarning, Flag, Order
from distretto.seed.world import DemoFirm, DemoWorld


def _reporters(world: DemoWorld, *authors: int) -> list[DemoFirm]:
    return [f for f in world.firms if f.id not in authors]


async def seed_moderation(world: DemoWorld) -> None:
    session, rng = world.session, world.rng
    now = clock.now()
    staff = world.staff_user_id
    open_orders = list(
        (
            await session.scalars(
                select(Order)
                .where(Order.status == "open", Order.visibility == "public")
                .order_by(Order.id)
                .limit(2)
            )
        ).all()
    )
    suppliers = [f for f in world.firms if f not in world.final_firms]
    suspicious = suppliers[-1]
    reports: list[Flag] = []
    for order in open_orders:
        for reporter in rng.sample(_reporters(world, order.client_firm_id), k=2):
            reports.append(
                Flag(
                    target_type="order",
                    target_id=order.id,
                    reporter_user_id=reporter.owner_user_id,
                    reporter_firm_id=reporter.id,
                    reason="Prezzo obiettivo sotto il costo del lavoro",
                    details="Con questa tariffa non si coprono i contributi degli addetti.",
                    created_at=now - timedelta(hours=rng.uniform(2, 48)),
                )
            )
    reporter = rng.choice(_reporters(world, suspicious.id))
    reports.append(
        Flag(
            target_type="firm",
            target_id=suspicious.id,
            reporter_user_id=reporter.owner_user_id,
            reporter_firm_id=reporter.id,
            reason="Partita IVA cessata",
            details="Il registro delle imprese la dà cessata da marzo.",
            created_at=now - timedelta(days=1),
        )
    )
    # An older report the association looked into and dismissed…
    reports.append(
        Flag(
            target_type="firm",
            target_id=suspicious.id,
            reporter_user_id=reporter.owner_user_id,
            reporter_firm_id=reporter.id,
            reason="Consegne sempre in ritardo",
            status="resolved",
            resolution="dismiss",
            resolution_note="Ritardi documentati da fermi macchina: nessuna irregolarità.",
            resolved_by_user_id=staff,
            created_at=now - timedelta(days=40),
            resolved_at=now - timedelta(days=38),
        )
    )
    session.add_all(reports)
    await session.flush()
    dismissed = reports[-1]
    await record(
        session,
        "moderation.flag_resolved",
        actor_user_id=staff,
        target_type="firm",
        target_id=suspicious.id,
        reason=dismissed.resolution_note or "",
        resolution="dismiss",
        flag_ids=[dismissed.id],
    )
    # …and a warning after a subcontracting complaint.
    warned = await session.get(Firm, suppliers[-2].id)
    assert warned is not None and warned.id is not None
    warning = FirmWarning(
        firm_id=warned.id,
        issued_by_user_id=staff,
        reason="Lavorazione affidata a terzi non dichiarati: alla prossima segnalazione "
        "la sospensione.",
        created_at=now - timedelta(days=12),
    )
    session.add(warning)
    await session.flush()
    await record(
        session,
        "moderation.firm_warned",
        actor_user_id=staff,
        target_type="firm",
        target_id=warned.id,
        reason=warning.reason,
        warning_id=warning.id,
    )
