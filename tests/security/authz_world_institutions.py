"""The forum and confidi part of the authorization world (``authz_world.py``).

The home firm H's owner wrote a topic and a reply; staff opened a consultation; the
confidi KG (managed by the consortium manager) counts H and S as members, H with a cap
and a pending guarantee request.
"""

from datetime import timedelta
from decimal import Decimal
from typing import Any

from distretto.models import (
    Consortium,
    ConsortiumManager,
    ConsortiumMember,
    Firm,
    ForumPost,
    ForumTopic,
    Guarantee,
    GuaranteeCap,
    User,
)


async def add_institutions(
    b: Any, *, owner: User, home: Firm, partner: Firm, manager: User
) -> None:
    await b.add(
        "forum_topic",
        ForumTopic(
            category_slug="abbigliamento",
            author_user_id=owner.id,
            author_firm_id=home.id,
            title="Tariffe cucitura",
            body="Che ne pensate?",
            body_html="<p>Che ne pensate?</p>",
        ),
    )
    await b.add(
        "forum_post",
        ForumPost(
            topic_id=b.ids["forum_topic"],
            author_user_id=owner.id,
            author_firm_id=home.id,
            body="Aggiungo un dettaglio",
            body_html="<p>Aggiungo un dettaglio</p>",
        ),
    )
    await b.add(
        "consultation",
        ForumTopic(
            category_slug="consultazioni",
            title="Tariffa minima orlatura",
            body="Proposta",
            body_html="<p>Proposta</p>",
            options=["Favorevole", "Contrario"],
            closes_at=b.now + timedelta(days=7),
        ),
    )
    confidi = await b.add(
        "confidi", Consortium(name="Confidi Tessile Pratese", kind="credit_guarantee")
    )
    await b.add(None, ConsortiumManager(consortium_id=confidi.id, user_id=manager.id))
    for firm in (home, partner):
        await b.add(
            None, ConsortiumMember(consortium_id=confidi.id, firm_id=firm.id, status="active")
        )
    await b.add(
        None, GuaranteeCap(consortium_id=confidi.id, firm_id=home.id, cap=Decimal("100000.00"))
    )
    await b.add(
        "guarantee",
        Guarantee(
            consortium_id=confidi.id,
            firm_id=home.id,
            requested_amount=Decimal("20000.00"),
            purpose="Anticipo fatture",
        ),
    )
