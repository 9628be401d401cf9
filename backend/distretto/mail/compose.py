"""From a queued email to the message to send: who reads it, in which language, with
which names and links. Decided at send time, so a user who turned a kind off (or left)
after the email was queued does not get it."""

from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import AsyncSession

from distretto.config import Settings
from distretto.mail.kinds import kind_for, wanted
from distretto.mail.render import (
    Page,
    account_page,
    build_message,
    digest_page,
    event_page,
    event_words,
    link_for,
    message_id_for,
)
from distretto.mail.repository import MailFactsRepository, SettingsRepository
from distretto.mail.tokens import make_token
from distretto.models import Email, Event
from distretto.models.mail import MailLanguage, MailMode

API_PREFIX = "/api/v1"


@dataclass(frozen=True)
class Skip:
    """Why a queued email is not sent after all (ends the row as failed, with this)."""

    reason: str


async def with_names(session: AsyncSession, events: list[Event]) -> list[dict[str, Any]]:
    """Each event's data plus the names its words use: the order's title and the firms'
    names (public facts about things the event already told its audience)."""
    facts = MailFactsRepository(session)
    contract_orders = await facts.contract_orders(
        [int(e.data["contract_id"]) for e in events if "contract_id" in e.data]
    )
    order_ids = {int(e.data["order_id"]) for e in events if "order_id" in e.data}
    order_ids.update(contract_orders.values())
    titles = await facts.order_titles(sorted(order_ids))
    firm_fields = ("client_firm_id", "firm_id", "supplier_firm_id")
    firms = await facts.firm_names(
        sorted({int(e.data[f]) for e in events for f in firm_fields if e.data.get(f)})
    )
    enriched = []
    for event in events:
        data = dict(event.data)
        order_id = data.get("order_id") or contract_orders.get(int(data.get("contract_id", 0)))
        if order_id is not None and int(order_id) in titles:
            data.setdefault("order_id", order_id)
            data["order_title"] = titles[int(order_id)]
        for field, name in (
            ("client_firm_id", "client_name"),
            ("firm_id", "bidder_name"),
            ("supplier_firm_id", "supplier_name"),
        ):
            if data.get(field) in firms:
                data[name] = firms[data[field]]
        enriched.append(data)
    return enriched


def _unsubscribe_urls(
    settings: Settings, user_id: int, kind: str | None, now: datetime
) -> tuple[str, str]:
    """(the web page a person clicks, the API address a mail client POSTs to)."""
    token = make_token(settings.secret_key, user_id, kind, now)
    base = settings.public_base_url.rstrip("/")
    return (
        f"{base}/unsubscribe?token={token}",
        f"{base}{API_PREFIX}/email/unsubscribe?token={token}",
    )


async def compose(
    session: AsyncSession, email: Email, settings: Settings, now: datetime
) -> EmailMessage | Skip:
    base = settings.public_base_url.rstrip("/")
    facts = MailFactsRepository(session)
    user = await facts.user(email.user_id) if email.user_id is not None else None
    one_click: str | None = None
    if email.template in ("event", "digest"):
        if user is None or user.id is None or not user.is_active or user.deleted_at is not None:
            return Skip("the recipient's account is closed")
        choice = await SettingsRepository(session).get(user.id)
        mode = choice.email if choice is not None else MailMode.IMMEDIATE
        kinds = choice.kinds if choice is not None else {}
        language = str(choice.language if choice is not None else MailLanguage.IT)
        page: Page
        if email.template == "event":
            events = await facts.events([email.event_id] if email.event_id else [])
            if not events:
                return Skip("the event no longer exists")
            kind = kind_for(events[0].type, events[0].data)
            if mode != MailMode.IMMEDIATE or kind is None or not wanted(kinds, kind):
                return Skip("the recipient no longer wants this email")
            click, one_click = _unsubscribe_urls(settings, user.id, kind, now)
            values = (await with_names(session, events))[0]
            page = event_page(language, user.full_name, events[0].type, values, base, click)
        else:
            if mode != MailMode.DAILY:
                return Skip("the recipient no longer wants the digest")
            events = await facts.events([int(i) for i in email.context.get("event_ids", [])])
            items = []
            for event, values in zip(events, await with_names(session, events), strict=True):
                kind = kind_for(event.type, event.data)
                if kind is not None and wanted(kinds, kind):
                    subject, _ = event_words(language, event.type, values)
                    items.append({"title": subject, "url": link_for(base, event.type, values)})
            if not items or email.digest_day is None:
                return Skip("nothing left to tell")
            click, one_click = _unsubscribe_urls(settings, user.id, None, now)
            page = digest_page(language, user.full_name, email.digest_day, items, base, click)
    else:
        context = dict(email.context)
        if "url" not in context:
            return Skip("the link of this email was already used up")
        language = str(context.get("language") or MailLanguage.IT)
        page = account_page(language, str(context.get("name") or ""), email.template, context)
    assert email.id is not None
    domain = urlsplit(base).hostname or "distretto.example"
    return build_message(
        page.letter(),
        sender=settings.mail_from,
        to=email.to_address,
        message_id=message_id_for(email.id, domain),
        list_unsubscribe=one_click,
    )
