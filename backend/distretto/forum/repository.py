"""All SQL of the forum. Reads start from ``readable_topics`` / ``readable_posts``:
hidden content exists for association staff only."""

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import String, and_, bindparam, exists, false, func, literal_column, or_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from distretto.auth.viewer import Viewer
from distretto.kit.pagination import PageParams, keyset_page
from distretto.kit.repository import Repository
from distretto.models import (
    ConsultationVote,
    Firm,
    ForumCategory,
    ForumPost,
    ForumRevision,
    ForumTopic,
    User,
)
from distretto.models.firms import FirmStatus
from distretto.models.forum import SEARCH_LANGUAGES

# Words of a search: letters and digits only (any script), so nothing needs escaping
# for LIKE or to_tsquery.
_WORD = re.compile(r"[^\W_]+")
MAX_SEARCH_WORDS = 8


def readable_topics(viewer: Viewer | None) -> SelectOfScalar[ForumTopic]:
    stmt = select(ForumTopic)
    if viewer is None or not viewer.is_staff:
        stmt = stmt.where(ForumTopic.hidden == false())
    return stmt


def readable_posts(viewer: Viewer | None) -> SelectOfScalar[ForumPost]:
    stmt = select(ForumPost).join(ForumTopic, ForumTopic.id == ForumPost.topic_id)
    if viewer is None or not viewer.is_staff:
        stmt = stmt.where(ForumPost.hidden == false(), ForumTopic.hidden == false())
    return stmt


def search_words(q: str | None) -> list[str]:
    return _WORD.findall(q.lower())[:MAX_SEARCH_WORDS] if q else []


def _ts_match(document_sql: str, words: Sequence[str]) -> ColumnElement[bool]:
    """Every word, as a prefix, in the Italian or in the English reading of the text."""
    query = " & ".join(f"{w}:*" for w in words)
    conditions = [
        literal_column(document_sql.format(lang=lang)).op("@@")(
            func.to_tsquery(
                literal_column(f"'{lang}'::regconfig"),
                bindparam(f"q_{lang}", query, type_=String),
            )
        )
        for lang in SEARCH_LANGUAGES
    ]
    return or_(*conditions)


def _like_all(columns: Sequence[Any], words: Sequence[str]) -> ColumnElement[bool]:
    return and_(*(or_(*(func.lower(c).like(f"%{w}%") for c in columns)) for w in words))


def search_condition(
    viewer: Viewer | None, words: Sequence[str], dialect: str
) -> ColumnElement[bool]:
    """The topic's own text, or one of its visible replies, contains every word.

    PostgreSQL stems Italian and English (the GIN indexes of models.forum); a plain
    substring match of the title keeps scripts without word breaks (Chinese) findable.
    SQLite matches substrings.
    """
    # The outer topic is already readable; of its replies only the visible ones count.
    posts = select(ForumPost.id)
    if viewer is None or not viewer.is_staff:
        posts = posts.where(ForumPost.hidden == false())
    if dialect == "postgresql":
        topic_doc = (
            "to_tsvector('{lang}'::regconfig,"
            " (forum_topics.title::text || ' '::text) || forum_topics.body::text)"
        )
        post_doc = "to_tsvector('{lang}'::regconfig, forum_posts.body::text)"
        in_posts = posts.where(ForumPost.topic_id == ForumTopic.id, _ts_match(post_doc, words))
        return or_(
            _ts_match(topic_doc, words),
            _like_all([ForumTopic.title], words),
            exists(in_posts.correlate(ForumTopic)),
        )
    in_posts = posts.where(ForumPost.topic_id == ForumTopic.id, _like_all([ForumPost.body], words))
    return or_(
        _like_all([ForumTopic.title, ForumTopic.body], words),
        exists(in_posts.correlate(ForumTopic)),
    )


class ForumRepository(Repository):
    @property
    def dialect(self) -> str:
        return self.session.get_bind().dialect.name

    # -- categories --

    async def categories(self) -> list[ForumCategory]:
        rows = await self.session.scalars(
            select(ForumCategory).order_by(col(ForumCategory.position), col(ForumCategory.slug))
        )
        return list(rows.all())

    async def category(self, slug: str) -> ForumCategory | None:
        return await self.session.get(ForumCategory, slug)

    async def topic_counts(self, viewer: Viewer | None) -> dict[str, int]:
        stmt = (
            readable_topics(viewer)
            .with_only_columns(ForumTopic.category_slug, func.count())
            .group_by(ForumTopic.category_slug)
        )
        return {slug: int(n) for slug, n in (await self.session.execute(stmt)).all()}

    # -- topics and posts --

    async def page_topics(
        self,
        viewer: Viewer | None,
        params: PageParams,
        *,
        category: str | None,
        q: str | None,
    ) -> tuple[list[ForumTopic], str | None]:
        stmt = readable_topics(viewer)
        if category:
            stmt = stmt.where(ForumTopic.category_slug == category)
        words = search_words(q)
        if words:
            stmt = stmt.where(search_condition(viewer, words, self.dialect))
        return await keyset_page(
            self.session, stmt, [ForumTopic.last_activity_at, ForumTopic.id], params
        )

    async def readable_topic(self, viewer: Viewer | None, topic_id: int) -> ForumTopic | None:
        return (
            await self.session.scalars(readable_topics(viewer).where(ForumTopic.id == topic_id))
        ).first()

    async def readable_post(self, viewer: Viewer | None, post_id: int) -> ForumPost | None:
        return (
            await self.session.scalars(readable_posts(viewer).where(ForumPost.id == post_id))
        ).first()

    async def posts_of(self, viewer: Viewer | None, topic_id: int) -> list[ForumPost]:
        rows = await self.session.scalars(
            readable_posts(viewer).where(ForumPost.topic_id == topic_id).order_by(ForumPost.id)
        )
        return list(rows.all())

    async def add(self, row: Any) -> Any:
        self.session.add(row)
        await self.session.flush()
        return row

    async def count_reply(self, topic_id: int, now: datetime) -> None:
        """One UPDATE, so concurrent replies never lose a count."""
        await self.session.execute(
            update(ForumTopic)
            .where(col(ForumTopic.id) == topic_id)
            .values(post_count=ForumTopic.post_count + 1, last_activity_at=now)
        )

    async def revisions(self, target_type: str, target_id: int) -> list[ForumRevision]:
        rows = await self.session.scalars(
            select(ForumRevision)
            .where(ForumRevision.target_type == target_type, ForumRevision.target_id == target_id)
            .order_by(col(ForumRevision.id))
        )
        return list(rows.all())

    async def authors(
        self, user_ids: Sequence[int | None], firm_ids: Sequence[int | None]
    ) -> tuple[dict[int, User], dict[int, Firm]]:
        users = {u for u in user_ids if u is not None}
        firms = {f for f in firm_ids if f is not None}
        user_rows = (
            (await self.session.scalars(select(User).where(col(User.id).in_(users)))).all()
            if users
            else []
        )
        firm_rows = (
            (await self.session.scalars(select(Firm).where(col(Firm.id).in_(firms)))).all()
            if firms
            else []
        )
        return (
            {u.id: u for u in user_rows if u.id is not None},
            {f.id: f for f in firm_rows if f.id is not None},
        )

    async def active_firm_ids(self) -> list[int]:
        rows = await self.session.scalars(
            select(Firm.id).where(Firm.status == FirmStatus.ACTIVE).order_by(col(Firm.id))
        )
        return [i for i in rows.all() if i is not None]

    # -- consultation votes --

    async def upsert_vote(
        self, topic_id: int, firm_id: int, option: str, user_id: int, now: datetime
    ) -> ConsultationVote:
        """Insert the firm's vote or change it, in one statement: the unique key on
        (topic, firm) keeps it one per firm however many requests race."""
        insert = pg_insert if self.dialect == "postgresql" else sqlite_insert
        values = {
            "topic_id": topic_id,
            "firm_id": firm_id,
            "option": option,
            "voted_by_user_id": user_id,
            "created_at": now,
            "updated_at": now,
        }
        stmt = insert(ConsultationVote).values(**values)
        stmt = stmt.on_conflict_do_update(
            index_elements=["topic_id", "firm_id"],
            set_={"option": option, "voted_by_user_id": user_id, "updated_at": now},
        )
        await self.session.execute(stmt)
        vote = (
            await self.session.scalars(
                select(ConsultationVote)
                .where(ConsultationVote.topic_id == topic_id, ConsultationVote.firm_id == firm_id)
                .execution_options(populate_existing=True)
            )
        ).one()
        return vote

    async def votes_of(self, topic_id: int, firm_ids: Sequence[int]) -> list[ConsultationVote]:
        if not firm_ids:
            return []
        rows = await self.session.scalars(
            select(ConsultationVote)
            .where(
                ConsultationVote.topic_id == topic_id,
                col(ConsultationVote.firm_id).in_(firm_ids),
            )
            .order_by(col(ConsultationVote.firm_id))
        )
        return list(rows.all())

    async def tally(self, topic_id: int) -> dict[str, int]:
        rows = await self.session.execute(
            select(ConsultationVote.option, func.count())
            .where(ConsultationVote.topic_id == topic_id)
            .group_by(ConsultationVote.option)
        )
        return {option: int(n) for option, n in rows.all()}
