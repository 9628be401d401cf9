"""What a flag points at: who wrote it, what it says, and hiding it.

Staff read any target here (no visibility rule applies to them). Whether a *user* may
see a target, so flag it, is decided by ``visibility.py`` with the readable statements of
the package that owns the content.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import update
from sqlmodel import col, select

from distretto.kit.params import INT32_MAX
from distretto.kit.repository import Repository
from distretto.models import Bid, ContractMessage, Firm, ForumPost, ForumTopic, Order, Review

EXCERPT_CHARS = 500
HIDEABLE = {
    "order": Order,
    "bid": Bid,
    "review": Review,
    "message": ContractMessage,
    "forum_topic": ForumTopic,
    "forum_post": ForumPost,
}


@dataclass(frozen=True)
class TargetRecord:
    type: str
    id: int
    # None: written by association staff for the association (forum announcements).
    author_firm_id: int | None
    label: str
    excerpt: str
    hidden: bool | None
    # The firm a review is about: its reputation changes when the review is hidden.
    subject_firm_id: int | None = None


def _excerpt(text: str | None) -> str:
    text = (text or "").strip()
    return text if len(text) <= EXCERPT_CHARS else text[: EXCERPT_CHARS - 1] + "…"


class TargetRepository(Repository):
    async def load(self, target_type: str, target_id: int) -> TargetRecord | None:
        return (await self.load_many(target_type, [target_id])).get(target_id)

    async def load_many(self, target_type: str, ids: Sequence[int]) -> dict[int, TargetRecord]:
        loader = {
            "order": self._orders,
            "bid": self._bids,
            "review": self._reviews,
            "message": self._messages,
            "firm": self._firms,
            "forum_topic": self._forum_topics,
            "forum_post": self._forum_posts,
        }[target_type]
        return {r.id: r for r in await loader(list(set(ids)))}

    async def firms(self, firm_ids: Iterable[int | None]) -> dict[int, Firm]:
        ids = {i for i in firm_ids if i is not None}
        if not ids:
            return {}
        rows = await self.session.scalars(select(Firm).where(col(Firm.id).in_(ids)))
        return {f.id: f for f in rows.all() if f.id is not None}

    async def hide(self, target_type: str, target_id: int) -> None:
        table: Any = HIDEABLE[target_type]
        await self.session.execute(update(table).where(table.id == target_id).values(hidden=True))

    async def _orders(self, ids: list[int]) -> list[TargetRecord]:
        rows = await self.session.execute(
            select(
                Order.id, Order.client_firm_id, Order.title, Order.description, Order.hidden
            ).where(col(Order.id).in_(ids))
        )
        return [
            TargetRecord("order", i, firm, f"«{title}»", _excerpt(text), hidden)
            for i, firm, title, text, hidden in rows.all()
        ]

    async def _bids(self, ids: list[int]) -> list[TargetRecord]:
        # Amounts stay out: bids are confidential between bidder and client.
        rows = await self.session.execute(
            select(Bid.id, Bid.firm_id, Order.title, Bid.notes, Bid.hidden)
            .join(Order, Order.id == Bid.order_id)
            .where(col(Bid.id).in_(ids))
        )
        return [
            TargetRecord("bid", i, firm, f"«{title}»", _excerpt(notes), hidden)
            for i, firm, title, notes, hidden in rows.all()
        ]

    async def _reviews(self, ids: list[int]) -> list[TargetRecord]:
        rows = await self.session.execute(
            select(
                Review.id,
                Review.reviewer_firm_id,
                Review.reviewee_firm_id,
                Review.contract_id,
                Review.quality,
                Review.timeliness,
                Review.communication,
                Review.comment,
                Review.hidden,
            ).where(col(Review.id).in_(ids))
        )
        return [
            TargetRecord(
                "review",
                i,
                firm,
                f"#{contract} · ★ {q}/{t}/{c}",
                _excerpt(comment),
                hidden,
                subject_firm_id=reviewee,
            )
            for i, firm, reviewee, contract, q, t, c, comment, hidden in rows.all()
        ]

    async def _messages(self, ids: list[int]) -> list[TargetRecord]:
        rows = await self.session.execute(
            select(
                ContractMessage.id,
                ContractMessage.firm_id,
                ContractMessage.contract_id,
                ContractMessage.text,
                ContractMessage.hidden,
            ).where(col(ContractMessage.id).in_(ids))
        )
        return [
            TargetRecord("message", i, firm, f"#{contract}", _excerpt(t), h)
            for i, firm, contract, t, h in rows.all()
        ]

    async def _firms(self, ids: list[int]) -> list[TargetRecord]:
        # Firm ids are 32-bit: a larger number names no firm (and would overflow the query).
        ids = [i for i in ids if i <= INT32_MAX]
        rows = await self.session.execute(
            select(Firm.id, Firm.name, Firm.description).where(col(Firm.id).in_(ids))
        )
        return [
            TargetRecord("firm", i, i, f"«{name}»", _excerpt(text), None)
            for i, name, text in rows.all()
        ]

    async def _forum_topics(self, ids: list[int]) -> list[TargetRecord]:
        rows = await self.session.execute(
            select(
                ForumTopic.id,
                ForumTopic.author_firm_id,
                ForumTopic.title,
                ForumTopic.body,
                ForumTopic.hidden,
            ).where(col(ForumTopic.id).in_(ids))
        )
        return [
            TargetRecord("forum_topic", i, firm, f"«{title}»", _excerpt(body), h)
            for i, firm, title, body, h in rows.all()
        ]

    async def _forum_posts(self, ids: list[int]) -> list[TargetRecord]:
        rows = await self.session.execute(
            select(
                ForumPost.id,
                ForumPost.author_firm_id,
                ForumTopic.title,
                ForumPost.body,
                ForumPost.hidden,
            )
            .join(ForumTopic, ForumTopic.id == ForumPost.topic_id)
            .where(col(ForumPost.id).in_(ids))
        )
        return [
            TargetRecord("forum_post", i, firm, f"«{title}»", _excerpt(b), h)
            for i, firm, title, b, h in rows.all()
        ]
