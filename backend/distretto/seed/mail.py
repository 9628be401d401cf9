"""Demo email settings: a few people's choices (a daily digest, English), saved searches
of two subcontractors that new orders on the board will match, and a pending invitation
from a final firm's owner. The demo's history is not mailed: mail starts from the last
seeded event."""

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import func, select

from distretto.kit.clock import system_clock
from distretto.models import Event, FirmInvitation, MailSettings, OutboxCursor, SavedSearch
from distretto.seed.world import DemoFirm, DemoWorld

ALL_KINDS = dict.fromkeys(
    ("order_matching", "bids", "awards", "contracts", "messages", "consortium", "moderation"),
    True,
)


def _first_with(world: DemoWorld, phase: str) -> DemoFirm | None:
    return next(iter(world.suppliers_for(phase)), None)


async def seed_mail(world: DemoWorld) -> None:
    session = world.session
    now = system_clock()
    client = world.final_firms[0]
    dyer, stitcher = _first_with(world, "dyeing"), _first_with(world, "stitching")
    session.add(MailSettings(user_id=client.owner_user_id, kinds=ALL_KINDS, updated_at=now))
    if dyer is not None:
        # The dyer reads one summary each morning, and only the board and its bids.
        session.add(
            MailSettings(
                user_id=dyer.owner_user_id,
                email="daily",
                kinds={**ALL_KINDS, "consortium": False, "moderation": False},
                updated_at=now,
            )
        )
        session.add_all(
            [
                SavedSearch(
                    user_id=dyer.owner_user_id,
                    name="Tintura in pezza, Prato",
                    phase="dyeing",
                    region="Toscana",
                    province="PO",
                    min_quantity=500,
                    created_at=now,
                ),
                SavedSearch(
                    user_id=dyer.owner_user_id,
                    name="Filato in rocca",
                    phase="dyeing",
                    q="rocca",
                    created_at=now,
                ),
            ]
        )
    if stitcher is not None:
        session.add(
            MailSettings(
                user_id=stitcher.owner_user_id, language="en", kinds=ALL_KINDS, updated_at=now
            )
        )
        session.add(
            SavedSearch(
                user_id=stitcher.owner_user_id,
                name="Capispalla in lana",
                phase="stitching",
                q="giacca",
                min_quantity=200,
                created_at=now,
            )
        )
    session.add(
        FirmInvitation(
            firm_id=client.id,
            email="nuova.collaboratrice@example.it",
            role="manager",
            # The demo link is never mailed: only the digest of a secret nobody holds.
            token_hash=hashlib.sha256(secrets.token_bytes(32)).hexdigest(),
            invited_by_user_id=client.owner_user_id,
            expires_at=now + timedelta(days=6),
            created_at=now - timedelta(days=1),
        )
    )
    latest = await session.scalar(select(func.max(Event.id))) or 0
    # The migration put the cursor at the (then empty) outbox; move it past the demo.
    await session.merge(OutboxCursor(name="mail", last_event_id=int(latest), updated_at=now))
    await session.flush()
