"""Rules of the live district's HTTP side: catching up on events, notifications."""

from sqlalchemy.ext.asyncio import AsyncSession

from distretto.auth.viewer import AccessClaims, Viewer, is_revoked, load_viewer
from distretto.kit import clock
from distretto.kit.context import AppContext
from distretto.kit.errors import Invalid
from distretto.kit.events import OutboxEvent
from distretto.kit.pagination import Page, decode_id_cursor, encode_cursor
from distretto.models import Event, Notification
from distretto.realtime import schemas
from distretto.realtime.policies import Audience, audience_keys
from distretto.realtime.relay import materialise_pending
from distretto.realtime.repository import (
    AudienceRepository,
    EventRepository,
    NotificationRepository,
)

# Notifications a read request materialises itself before answering; a bigger backlog is
# left to the background relay (the read then shows what is done so far).
READ_CATCH_UP = 1000


async def audience_of_viewer(session: AsyncSession, viewer: Viewer) -> Audience:
    active = [f for f in viewer.firm_ids if f not in viewer.suspended_firms]
    phases = await AudienceRepository(session).active_firm_phases(active)
    return Audience(
        user_id=viewer.user_id,
        keys=audience_keys(
            user_id=viewer.user_id,
            is_staff=viewer.is_staff,
            firm_ids=viewer.firm_ids,
            active_firm_phases=phases,
        ),
        active_firm_ids=frozenset(active),
    )


async def audience_of_user(session: AsyncSession, user_id: int) -> Audience | None:
    """The keys of a signed-in user as of now; None for an unknown or disabled account."""
    viewer = await load_viewer(session, user_id)
    return None if viewer is None else await audience_of_viewer(session, viewer)


async def visible_events(
    session: AsyncSession, keys: frozenset[str], after: int, limit: int
) -> list[OutboxEvent]:
    return await EventRepository(session).visible_after(keys, after, limit)


async def suspended_firms(session: AsyncSession, firm_ids: frozenset[int]) -> set[int]:
    return await AudienceRepository(session).suspended_among(sorted(firm_ids))


def _event_out(event: OutboxEvent) -> schemas.EventOut:
    return schemas.EventOut(
        id=event.id, type=event.type, data=event.data, created_at=event.created_at
    )


async def events_after(
    session: AsyncSession, viewer: Viewer, *, after: int | None, cursor: str | None, limit: int
) -> Page[schemas.EventOut]:
    """What ``resume`` replays, over HTTP: the viewer's events after an id, oldest first."""
    if after is not None and cursor is not None:
        raise Invalid("cursor", "send either after or cursor, not both", code="cursor.both_given")
    start = after or 0
    if cursor is not None:
        start = decode_id_cursor(cursor)
    audience = await audience_of_viewer(session, viewer)
    events = await visible_events(session, audience.keys, start, limit + 1)
    more = len(events) > limit
    events = events[:limit]
    return Page(
        items=[_event_out(e) for e in events],
        next_cursor=encode_cursor([events[-1].id]) if more else None,
    )


def _notification_out(notification: Notification, event: Event) -> schemas.NotificationOut:
    assert notification.id is not None
    return schemas.NotificationOut(
        id=notification.id,
        event_id=notification.event_id,
        type=notification.type,
        title=notification.title,
        data=event.data,
        created_at=notification.created_at,
        read=notification.read_at is not None,
        read_at=notification.read_at,
    )


async def notifications(
    session: AsyncSession, viewer: Viewer, *, unread_only: bool, cursor: str | None, limit: int
) -> Page[schemas.NotificationOut]:
    await materialise_pending(session, max_events=READ_CATCH_UP)
    before = None
    if cursor is not None:
        before = decode_id_cursor(cursor)
    repo = NotificationRepository(session)
    rows = await repo.page(
        repo.readable(viewer.user_id, unread_only=unread_only), before, limit + 1
    )
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(
        items=[_notification_out(n, e) for n, e in rows],
        next_cursor=encode_cursor([rows[-1][0].event_id]) if more else None,
    )


async def unread_count(session: AsyncSession, viewer: Viewer) -> schemas.UnreadCount:
    await materialise_pending(session, max_events=READ_CATCH_UP)
    return schemas.UnreadCount(
        unread=await NotificationRepository(session).unread_count(viewer.user_id)
    )


async def mark_read(
    session: AsyncSession, viewer: Viewer, data: schemas.MarkRead
) -> schemas.MarkReadOut:
    if (data.ids is None) == (data.all is None):
        raise Invalid(
            "ids",
            "send either ids (a list of notification ids) or all: true",
            code="notification.ids_or_all",
        )
    if data.all is False:
        raise Invalid(
            "all", "must be true (or send ids instead)", code="notification.all_must_be_true"
        )
    # Marking all read covers what has happened so far, including not yet materialised.
    await materialise_pending(session, max_events=READ_CATCH_UP)
    repo = NotificationRepository(session)
    # Ids that are not the viewer's (or already read) are ignored: their existence is
    # none of the viewer's business, and marking twice is harmless.
    marked = await repo.mark_read(viewer.user_id, data.ids, clock.now())
    return schemas.MarkReadOut(marked=marked, unread=await repo.unread_count(viewer.user_id))


async def access_revoked(ctx: AppContext, claims: AccessClaims) -> bool:
    """A socket is refused for a token revoked before its expiry (logout, stolen family)."""
    return await is_revoked(ctx, claims)
