"""Mail rules: settings, saved searches, unsubscribing, and filling the mail queue.

The queue is filled from the notifications the relay materialised, so an email reaches
exactly the people (and carries exactly the data) the in-app notification did: the
audience rules of the live channel are the mail's rules too.
"""

from collections import defaultdict
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from distretto.firms.service import unknown_phase_codes
from distretto.kit.clock import day_bounds, district_date
from distretto.kit.errors import Conflict, DomainError, Invalid, NotFound
from distretto.kit.events import emit, user_key
from distretto.kit.money import format_quantity
from distretto.kit.scheduling.scheduler import Job
from distretto.mail import reminders, schemas
from distretto.mail.events import SavedSearchMatched
from distretto.mail.kinds import kind_for, wanted
from distretto.mail.repository import (
    MailFactsRepository,
    MailQueueRepository,
    Recipient,
    SavedSearchRepository,
    SettingsRepository,
)
from distretto.mail.tokens import read_token
from distretto.models import MailSettings, SavedSearch
from distretto.models.mail import MailLanguage, MailMode

MAX_SAVED_SEARCHES = 20
# Events the queue step takes in one transaction.
QUEUE_BATCH_EVENTS = 200


class BadToken(DomainError):
    status, title, slug = 400, "Bad request", "bad-request"


# --- settings ------------------------------------------------------------------------------

MAIL_KIND_FIELDS = frozenset(schemas.MailKinds.model_fields)


def _settings_out(row: MailSettings | None) -> schemas.NotificationSettings:
    if row is None:
        return schemas.NotificationSettings()
    return schemas.NotificationSettings(
        email=row.email,
        language=row.language,
        kinds=schemas.MailKinds(**{k: v for k, v in row.kinds.items() if k in MAIL_KIND_FIELDS}),
    )


async def settings_of(session: AsyncSession, user_id: int) -> schemas.NotificationSettings:
    return _settings_out(await SettingsRepository(session).get(user_id))


async def put_settings(
    session: AsyncSession, user_id: int, data: schemas.NotificationSettings, now: datetime
) -> schemas.NotificationSettings:
    row = MailSettings(
        user_id=user_id,
        email=data.email,
        language=data.language,
        kinds=data.kinds.model_dump(),
        updated_at=now,
    )
    return _settings_out(await SettingsRepository(session).put(row))


async def language_of(
    session: AsyncSession, user_id: int | None, fallback: str = MailLanguage.IT
) -> str:
    """The language a user reads mail in (``fallback`` until they have settings)."""
    row = await SettingsRepository(session).get(user_id) if user_id is not None else None
    return str(row.language) if row is not None else str(fallback)


async def start_settings(session: AsyncSession, user_id: int, language: str, now: datetime) -> None:
    """A new account's settings: the defaults, in the language its browser asked for."""
    await SettingsRepository(session).put(
        MailSettings(
            user_id=user_id,
            language=MailLanguage(language),
            kinds=schemas.MailKinds().model_dump(),
            updated_at=now,
        )
    )


async def unsubscribe(
    session: AsyncSession, secret: str, token: str, now: datetime
) -> schemas.UnsubscribeOut:
    """One-click unsubscribe (RFC 8058): the signed token is the whole authority."""
    request = read_token(secret, token, now)
    if request is None:
        raise BadToken(
            "This unsubscribe link is not valid or has expired", code="mail.bad_unsubscribe_token"
        )
    repo = SettingsRepository(session)
    row = await repo.lock(request.user_id)
    if row is None:
        if await MailFactsRepository(session).user(request.user_id) is None:
            raise BadToken(
                "This unsubscribe link is not valid or has expired",
                code="mail.bad_unsubscribe_token",
            )
        row = MailSettings(user_id=request.user_id, kinds=schemas.MailKinds().model_dump())
    if request.kind is None:
        row.email = MailMode.OFF
    else:
        # A new dict: the JSON column notices assignment, not mutation in place.
        row.kinds = {**row.kinds, request.kind: False}
    row.updated_at = now
    await repo.put(row)
    return schemas.UnsubscribeOut(kind=request.kind, email=row.email)


# --- saved searches ---------------------------------------------------------------------------


def _search_out(row: SavedSearch) -> schemas.SavedSearchOut:
    assert row.id is not None
    return schemas.SavedSearchOut(
        id=row.id,
        name=row.name,
        phase=row.phase,
        region=row.region,
        province=row.province,
        q=row.q,
        min_quantity=row.min_quantity,
        created_at=row.created_at,
    )


async def saved_searches(session: AsyncSession, user_id: int) -> list[schemas.SavedSearchOut]:
    return [_search_out(r) for r in await SavedSearchRepository(session).for_user(user_id)]


async def add_saved_search(
    session: AsyncSession, user_id: int, data: schemas.SavedSearchIn, now: datetime
) -> schemas.SavedSearchOut:
    if data.phase is not None and await unknown_phase_codes(session, [data.phase]):
        raise Invalid(
            "phase", "unknown phase", code="mail.unknown_phase", params={"phase": data.phase}
        )
    repo = SavedSearchRepository(session)
    if await repo.count(user_id) >= MAX_SAVED_SEARCHES:
        raise Conflict(
            f"At most {MAX_SAVED_SEARCHES} saved searches",
            code="mail.too_many_saved_searches",
            params={"max": MAX_SAVED_SEARCHES},
        )
    row = SavedSearch(
        user_id=user_id,
        name=data.name,
        phase=data.phase,
        region=data.region,
        province=data.province.upper() if data.province else None,
        q=data.q,
        min_quantity=data.min_quantity,
        created_at=now,
    )
    return _search_out(await repo.add_and_flush(row))


async def remove_saved_search(session: AsyncSession, user_id: int, search_id: int) -> None:
    if not await SavedSearchRepository(session).remove(user_id, search_id):
        raise NotFound(f"Saved search {search_id} not found", code="mail.saved_search_not_found")


def words_match(words: str | None, text: str) -> bool:
    """Every word of the search appears in the order's text (case-insensitive)."""
    if not words:
        return True
    haystack = text.lower()
    return all(word in haystack for word in words.lower().split())


async def match_saved_searches(session: AsyncSession, data: dict[str, Any]) -> int:
    """Tell the owners of the saved searches a new order matches (one event, addressed
    to each of them); how many people. Only public orders: the others already reach
    exactly the firms that may see them."""
    facts = MailFactsRepository(session)
    order = await facts.public_order(int(data["order_id"]))
    if order is None or order.id is None:
        return 0
    province = await facts.firm_province(order.client_firm_id)
    text = f"{order.title} {order.description}"
    users = {
        user_id
        for user_id, words in await SavedSearchRepository(session).candidates(
            order.phase, order.region, province, order.quantity
        )
        if words_match(words, text)
    }
    if users:
        await emit(
            session,
            SavedSearchMatched(
                order_id=order.id,
                client_firm_id=order.client_firm_id,
                title=order.title,
                phase=order.phase,
                quantity=format_quantity(order.quantity),
                unit=order.unit,
                region=order.region,
                bid_deadline=order.bid_deadline,
            ),
            [user_key(u) for u in users],
        )
    return len(users)


# --- filling the queue ---------------------------------------------------------------------


async def queue_new_notifications(session: AsyncSession, now: datetime) -> int:
    """Queue the immediate emails of the notifications past the mail cursor (one batch
    of events), and announce new public orders to matching saved searches; how many
    events it got through. The cursor and the rows commit together."""
    queue = MailQueueRepository(session)
    position = await queue.lock_cursor()
    upto = min(await queue.notifications_position(), position + QUEUE_BATCH_EVENTS)
    if upto <= position:
        return 0
    events = await queue.mailable_events(position, upto)
    for _, type_, data in events:
        if type_ == "order.created":
            await match_saved_searches(session, data)
    # The kind is the event's, so it is decided once per event; only the notifications
    # of mailed events are read (a public order's reach the whole phase, mailed to none).
    kinds = {
        event_id: kind
        for event_id, type_, data in events
        if (kind := kind_for(type_, data)) is not None
    }
    rows = [
        {
            "key": f"event:{event_id}:{user_id}",
            "user_id": user_id,
            "event_id": event_id,
            "to_address": address,
            "template": "event",
            "context": {},
            "next_attempt_at": now,
            "created_at": now,
        }
        for user_id, event_id, address, wants in await queue.immediate_recipients(sorted(kinds))
        if wanted(wants, kinds[event_id])
    ]
    await queue.queue(rows)
    await queue.advance_cursor(upto)
    return upto - position


async def queue_daily_digests(session: AsyncSession, now: datetime) -> int:
    """One email per user who chose the daily digest, grouping the notifications of the
    kinds they want from yesterday in the district (midnight to midnight in Prato, the
    day the digest is dated); how many digests were queued."""
    day = district_date(now) - timedelta(days=1)
    start, end = day_bounds(day)
    by_user: dict[int, list[Recipient]] = defaultdict(list)
    for r in await MailQueueRepository(session).digest_candidates(start, end):
        kind = kind_for(r.type, r.data)
        if kind is not None and wanted(r.kinds, kind):
            by_user[r.user_id].append(r)
    rows = [
        {
            "key": f"digest:{day.isoformat()}:{user_id}",
            "user_id": user_id,
            "digest_day": day,
            "to_address": items[0].address,
            "template": "digest",
            "context": {"event_ids": [r.event_id for r in items]},
            "next_attempt_at": now,
            "created_at": now,
        }
        for user_id, items in by_user.items()
    ]
    return await MailQueueRepository(session).queue(rows)


async def queue_account_mail(
    session: AsyncSession,
    *,
    key: str,
    to: str,
    user_id: int | None,
    template: str,
    context: dict[str, Any],
    now: datetime,
) -> None:
    """Queue one account email (verification, reset, invitation): sent by the same
    sender, with the same retries, in the transaction of the request that asked."""
    await MailQueueRepository(session).queue(
        [
            {
                "key": key,
                "user_id": user_id,
                "to_address": to,
                "template": template,
                "context": context,
                "next_attempt_at": now,
                "created_at": now,
            }
        ]
    )


async def queue_counts(session: AsyncSession) -> dict[str, int]:
    return await MailQueueRepository(session).counts()


# --- the scheduler's jobs ------------------------------------------------------------------


def scheduled_jobs() -> list[Job]:
    """The mail feature's daily jobs (early morning on the district clock, in winter and summer)."""
    return [
        Job("reminders.bid_deadline", reminders.bid_deadlines, daily_at=time(6, 0)),
        Job("reminders.delivery_due", reminders.deliveries_due, daily_at=time(6, 0)),
        Job("reminders.review_pending", reminders.reviews_pending, daily_at=time(6, 0)),
        Job("mail.daily_digest", queue_daily_digests, daily_at=time(6, 30)),
    ]
