"""All SQL of the mail feature: settings, saved searches, the mail queue and what the
reminders and the templates read."""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Date,
    DateTime,
    Integer,
    String,
    bindparam,
    delete,
    exists,
    func,
    or_,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select

from distretto.kit import clock
from distretto.kit.repository import Repository
from distretto.mail.kinds import KIND_OF
from distretto.models import (
    Bid,
    Contract,
    Email,
    Event,
    Firm,
    MailSettings,
    Membership,
    Notification,
    Order,
    OutboxCursor,
    Question,
    Review,
    SavedSearch,
    User,
)
from distretto.models.contracts import ContractStatus
from distretto.models.mail import EmailStatus, MailMode
from distretto.models.market import BidStatus, OrderStatus, OrderVisibility

MAIL_CURSOR = "mail"
# The notification relay's cursor: mail follows it, never overtakes it.
NOTIFICATIONS_CURSOR = "notifications"
LIVE_BIDS = (BidStatus.ACTIVE, BidStatus.NEEDS_CONFIRMATION)
QUEUE_CHUNK = 500


@dataclass(frozen=True)
class Recipient:
    """A notification with what deciding on its email needs."""

    user_id: int
    event_id: int
    type: str
    data: dict[str, Any]
    address: str
    mode: MailMode
    kinds: dict[str, bool]


class SettingsRepository(Repository):
    async def get(self, user_id: int) -> MailSettings | None:
        return await self.session.get(MailSettings, user_id)

    async def put(self, row: MailSettings) -> MailSettings:
        """Insert or replace in one statement: two first saves at once (a double click)
        must not collide on the key."""
        dialect = self.session.get_bind().dialect.name
        insert = pg_insert if dialect == "postgresql" else sqlite_insert
        values = {
            "user_id": row.user_id,
            "email": row.email,
            "language": row.language,
            "kinds": row.kinds,
            "updated_at": row.updated_at,
        }
        stmt = insert(MailSettings).values(**values)
        await self.session.execute(
            stmt.on_conflict_do_update(
                index_elements=["user_id"],
                set_={k: stmt.excluded[k] for k in values if k != "user_id"},
            ).execution_options(synchronize_session=False)
        )
        stored = await self.session.get(MailSettings, row.user_id, populate_existing=True)
        assert stored is not None
        return stored

    async def lock(self, user_id: int) -> MailSettings | None:
        """The row under a row lock: two unsubscribes at once must not lose one kind."""
        return (
            await self.session.scalars(
                select(MailSettings).where(MailSettings.user_id == user_id).with_for_update()
            )
        ).first()


class SavedSearchRepository(Repository):
    async def for_user(self, user_id: int) -> list[SavedSearch]:
        rows = await self.session.scalars(
            select(SavedSearch).where(SavedSearch.user_id == user_id).order_by(col(SavedSearch.id))
        )
        return list(rows.all())

    async def count(self, user_id: int) -> int:
        return int(
            await self.session.scalar(
                select(func.count()).select_from(SavedSearch).where(SavedSearch.user_id == user_id)
            )
            or 0
        )

    async def remove(self, user_id: int, search_id: int) -> bool:
        result = await self.session.execute(
            delete(SavedSearch).where(SavedSearch.id == search_id, SavedSearch.user_id == user_id)
        )
        return bool(result.rowcount)

    async def candidates(
        self, phase: str, region: str, province: str | None, quantity: Decimal
    ) -> list[tuple[int, str | None]]:
        """(user, words) of the active users' searches an order matches on every field
        but the words, which the caller checks. Only people who may see a public order:
        staff, and members of a firm (a user in no firm sees no order)."""
        member = exists().where(Membership.user_id == SavedSearch.user_id)
        rows = await self.session.execute(
            select(SavedSearch.user_id, SavedSearch.q)
            .join(User, User.id == SavedSearch.user_id)
            .where(
                or_(col(SavedSearch.phase).is_(None), SavedSearch.phase == phase),
                or_(
                    col(SavedSearch.region).is_(None),
                    func.lower(SavedSearch.region) == region.lower(),
                ),
                or_(col(SavedSearch.province).is_(None), SavedSearch.province == province),
                or_(
                    col(SavedSearch.min_quantity).is_(None),
                    col(SavedSearch.min_quantity) <= quantity,
                ),
                User.is_active == True,  # noqa: E712
                col(User.deleted_at).is_(None),
                or_(col(User.is_staff), member),
            )
        )
        return [(int(u), q) for u, q in rows.all()]


# Every email of a batch in one statement, whatever its size: one array per column. (A
# VALUES list per chunk made an order matching 5,000 saved searches cost ten statements,
# each with 4,500 parameters for SQLAlchemy to render.)
_QUEUE_ARRAYS = text(
    """
    INSERT INTO emails (key, user_id, event_id, digest_day, to_address, template, context,
                        status, attempts, next_attempt_at, created_at)
    SELECT key, user_id, event_id, digest_day, to_address, template, context,
           CAST(:status AS varchar), 0, next_attempt_at, created_at
    FROM unnest(
        CAST(:keys AS varchar[]), CAST(:user_ids AS integer[]), CAST(:event_ids AS bigint[]),
        CAST(:digest_days AS date[]), CAST(:addresses AS varchar[]),
        CAST(:templates AS varchar[]), CAST(CAST(:contexts AS text[]) AS json[]),
        CAST(:next_attempts AS timestamptz[]), CAST(:created AS timestamptz[])
    ) AS queued(key, user_id, event_id, digest_day, to_address, template, context,
                next_attempt_at, created_at)
    ON CONFLICT DO NOTHING
    """
).bindparams(
    bindparam("keys", type_=ARRAY(String)),
    bindparam("user_ids", type_=ARRAY(Integer)),
    bindparam("event_ids", type_=ARRAY(BigInteger)),
    bindparam("digest_days", type_=ARRAY(Date)),
    bindparam("addresses", type_=ARRAY(String)),
    bindparam("templates", type_=ARRAY(String)),
    bindparam("contexts", type_=ARRAY(String)),
    bindparam("next_attempts", type_=ARRAY(DateTime(timezone=True))),
    bindparam("created", type_=ARRAY(DateTime(timezone=True))),
    bindparam("status", type_=String),
)


class MailQueueRepository(Repository):
    def _insert(self) -> Any:
        dialect = self.session.get_bind().dialect.name
        return pg_insert if dialect == "postgresql" else sqlite_insert

    async def queue(self, rows: Sequence[dict[str, Any]]) -> int:
        """Insert emails, skipping any whose key (or user and event, or user and digest
        day) is already queued; how many were new."""
        if not rows:
            return 0
        if self.session.get_bind().dialect.name == "postgresql":
            result = await self.session.execute(
                _QUEUE_ARRAYS,
                {
                    "keys": [r["key"] for r in rows],
                    "user_ids": [r.get("user_id") for r in rows],
                    "event_ids": [r.get("event_id") for r in rows],
                    "digest_days": [r.get("digest_day") for r in rows],
                    "addresses": [r["to_address"] for r in rows],
                    "templates": [r["template"] for r in rows],
                    "contexts": [json.dumps(r["context"]) for r in rows],
                    "next_attempts": [r["next_attempt_at"] for r in rows],
                    "created": [r["created_at"] for r in rows],
                    "status": EmailStatus.PENDING.value,
                },
            )
            return int(getattr(result, "rowcount", 0) or 0)
        new = 0
        # In chunks: one statement's bound parameters are limited (32,767 in asyncpg and
        # SQLite), and an order matching thousands of saved searches queues thousands.
        for start in range(0, len(rows), QUEUE_CHUNK):
            chunk = list(rows[start : start + QUEUE_CHUNK])
            result = await self.session.execute(
                self._insert()(Email).values(chunk).on_conflict_do_nothing()
            )
            new += int(result.rowcount or 0)
        return new

    # --- the cursor over the notifications ----------------------------------------------

    async def lock_cursor(self) -> int:
        await self.session.execute(
            self._insert()(OutboxCursor)
            .values(name=MAIL_CURSOR, last_event_id=0, updated_at=clock.now())
            .on_conflict_do_nothing(index_elements=["name"])
        )
        value = await self.session.scalar(
            select(OutboxCursor.last_event_id)
            .where(OutboxCursor.name == MAIL_CURSOR)
            .with_for_update()
        )
        return int(value or 0)

    async def notifications_position(self) -> int:
        value = await self.session.scalar(
            select(OutboxCursor.last_event_id).where(OutboxCursor.name == NOTIFICATIONS_CURSOR)
        )
        return int(value or 0)

    async def advance_cursor(self, event_id: int) -> None:
        await self.session.execute(
            update(OutboxCursor)
            .where(OutboxCursor.name == MAIL_CURSOR)
            .values(last_event_id=event_id, updated_at=clock.now())
        )

    async def mailable_events(self, after: int, upto: int) -> list[tuple[int, str, dict[str, Any]]]:
        """(id, type, data) of the events in (after, upto] of the types ever mailed."""
        rows = await self.session.execute(
            select(Event.id, Event.type, Event.data)
            .where(
                col(Event.id) > after,
                col(Event.id) <= upto,
                col(Event.type).in_(sorted(KIND_OF)),
            )
            .order_by(col(Event.id))
        )
        return [(int(i), t, dict(d)) for i, t, d in rows.all()]

    async def immediate_recipients(
        self, event_ids: Sequence[int]
    ) -> list[tuple[int, int, str, dict[str, bool]]]:
        """(user, event, address, kinds wanted) of the notifications of these events whose
        active users mail immediately (the default without settings)."""
        if not event_ids:
            return []
        rows = await self.session.execute(
            select(Notification.user_id, Notification.event_id, User.email, MailSettings.kinds)
            .join(User, User.id == Notification.user_id)
            .outerjoin(MailSettings, MailSettings.user_id == Notification.user_id)
            .where(
                col(Notification.event_id).in_(event_ids),
                or_(
                    col(MailSettings.email).is_(None),
                    MailSettings.email == MailMode.IMMEDIATE,
                ),
                User.is_active == True,  # noqa: E712
                col(User.deleted_at).is_(None),
            )
            .order_by(col(Notification.event_id), col(Notification.user_id))
        )
        return [(int(u), int(e), a, k or {}) for u, e, a, k in rows.all()]

    # --- the daily digest ---------------------------------------------------------------

    async def digest_candidates(self, start: datetime, end: datetime) -> list[Recipient]:
        """Notifications of [start, end) of the users who chose the daily digest."""
        rows = await self.session.execute(
            select(
                Notification.user_id,
                Notification.event_id,
                Event.type,
                Event.data,
                User.email,
                MailSettings.kinds,
            )
            .join(Event, Event.id == Notification.event_id)
            .join(User, User.id == Notification.user_id)
            .join(MailSettings, MailSettings.user_id == Notification.user_id)
            .where(
                MailSettings.email == MailMode.DAILY,
                col(Notification.created_at) >= start,
                col(Notification.created_at) < end,
                User.is_active == True,  # noqa: E712
                col(User.deleted_at).is_(None),
            )
            .order_by(col(Notification.user_id), col(Notification.event_id))
        )
        return [
            Recipient(int(u), int(e), t, dict(d), a, MailMode.DAILY, dict(k or {}))
            for u, e, t, d, a, k in rows.all()
        ]

    # --- sending ------------------------------------------------------------------------

    async def claim_due(self, now: datetime, limit: int, lease: timedelta) -> list[Email]:
        """Take up to ``limit`` due emails for ``lease`` (SKIP LOCKED on PostgreSQL, so
        senders in several processes take different rows); counts the attempt."""
        due = (
            select(Email.id)
            .where(
                Email.status == EmailStatus.PENDING,
                col(Email.next_attempt_at) <= now,
                or_(col(Email.claimed_until).is_(None), col(Email.claimed_until) < now),
            )
            .order_by(col(Email.next_attempt_at), col(Email.id))
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        ids = list((await self.session.scalars(due)).all())
        if not ids:
            return []
        await self.session.execute(
            update(Email)
            .where(col(Email.id).in_(ids))
            .values(claimed_until=now + lease, attempts=Email.attempts + 1)
        )
        rows = await self.session.scalars(
            select(Email).where(col(Email.id).in_(ids)).order_by(col(Email.id))
        )
        return list(rows.all())

    async def mark_sent(self, email_id: int, now: datetime, *, forget_context: bool) -> bool:
        values: dict[str, Any] = {"status": EmailStatus.SENT, "sent_at": now, "claimed_until": None}
        if forget_context:
            values["context"] = {}
        result = await self.session.execute(
            update(Email)
            .where(Email.id == email_id, Email.status == EmailStatus.PENDING)
            .values(**values)
        )
        return bool(result.rowcount)

    async def mark_retry(self, email_id: int, at: datetime, error: str) -> None:
        await self.session.execute(
            update(Email)
            .where(Email.id == email_id, Email.status == EmailStatus.PENDING)
            .values(next_attempt_at=at, claimed_until=None, last_error=error[:500])
        )

    async def mark_failed(self, email_id: int, error: str) -> None:
        await self.session.execute(
            update(Email)
            .where(Email.id == email_id, Email.status == EmailStatus.PENDING)
            .values(status=EmailStatus.FAILED, claimed_until=None, last_error=error[:500])
        )

    async def counts(self) -> dict[str, int]:
        rows = await self.session.execute(select(Email.status, func.count()).group_by(Email.status))
        return {str(s): int(n) for s, n in rows.all()}


class MailFactsRepository(Repository):
    """What templates and sending read: people, names of orders and firms, events."""

    async def user(self, user_id: int) -> User | None:
        return await self.session.get(User, user_id)

    async def events(self, ids: Sequence[int]) -> list[Event]:
        if not ids:
            return []
        rows = await self.session.scalars(
            select(Event).where(col(Event.id).in_(ids)).order_by(col(Event.id))
        )
        return list(rows.all())

    async def order_titles(self, ids: Sequence[int]) -> dict[int, str]:
        if not ids:
            return {}
        rows = await self.session.execute(
            select(Order.id, Order.title).where(col(Order.id).in_(ids))
        )
        return {int(i): t for i, t in rows.all()}

    async def contract_orders(self, ids: Sequence[int]) -> dict[int, int]:
        if not ids:
            return {}
        rows = await self.session.execute(
            select(Contract.id, Contract.order_id).where(col(Contract.id).in_(ids))
        )
        return {int(i): int(o) for i, o in rows.all()}

    async def firm_names(self, ids: Sequence[int]) -> dict[int, str]:
        if not ids:
            return {}
        rows = await self.session.execute(select(Firm.id, Firm.name).where(col(Firm.id).in_(ids)))
        return {int(i): n for i, n in rows.all()}

    async def firm_province(self, firm_id: int) -> str | None:
        return await self.session.scalar(select(Firm.province).where(Firm.id == firm_id))

    async def public_order(self, order_id: int) -> Order | None:
        order = await self.session.get(Order, order_id)
        if order is None or order.visibility != OrderVisibility.PUBLIC or order.hidden:
            return None
        return order


class ReminderRepository(Repository):
    async def orders_closing(self, start: datetime, end: datetime) -> list[Order]:
        rows = await self.session.scalars(
            select(Order)
            .where(
                Order.status == OrderStatus.OPEN,
                col(Order.bid_deadline) >= start,
                col(Order.bid_deadline) < end,
            )
            .order_by(col(Order.id))
        )
        return list(rows.all())

    async def live_bidders(self, order_id: int) -> list[int]:
        rows = await self.session.scalars(
            select(Bid.firm_id)
            .where(Bid.order_id == order_id, col(Bid.status).in_(LIVE_BIDS))
            .distinct()
        )
        return [int(f) for f in rows.all()]

    async def askers(self, order_id: int) -> list[int]:
        rows = await self.session.scalars(
            select(Question.asker_firm_id).where(Question.order_id == order_id).distinct()
        )
        return [int(f) for f in rows.all()]

    async def contracts_due(self, day: date) -> list[Contract]:
        rows = await self.session.scalars(
            select(Contract)
            .where(Contract.status == ContractStatus.ACTIVE, Contract.due_date == day)
            .order_by(col(Contract.id))
        )
        return list(rows.all())

    async def completed_between(self, start: datetime, end: datetime) -> list[Contract]:
        rows = await self.session.scalars(
            select(Contract)
            .where(
                Contract.status == ContractStatus.COMPLETED,
                col(Contract.completed_at) >= start,
                col(Contract.completed_at) < end,
            )
            .order_by(col(Contract.id))
        )
        return list(rows.all())

    async def reviewers(self, contract_id: int) -> set[int]:
        rows = await self.session.scalars(
            select(Review.reviewer_firm_id).where(Review.contract_id == contract_id)
        )
        return {int(f) for f in rows.all()}
