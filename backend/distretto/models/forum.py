"""The district's public forum: categories, topics, replies, their edit history, and
consultations (a topic with options, one vote per firm)."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    text,
)
from sqlmodel import Field, SQLModel

from distretto.kit import clock
from distretto.models.base import BigId, EnumText, UTCDateTime, one_of

# Full-text documents (PostgreSQL): Italian and English stemming side by side, so
# "tintorie" finds "tintoria" and "dyeworks" finds "dyework". The repository's search
# repeats these expressions exactly, or the planner cannot use the GIN indexes.
SEARCH_LANGUAGES = ("italian", "english")


def topic_document(language: str) -> str:
    return f"to_tsvector('{language}'::regconfig, (title::text || ' '::text) || body::text)"


def post_document(language: str) -> str:
    return f"to_tsvector('{language}'::regconfig, body::text)"


class ForumCategoryKind(StrEnum):
    # Association staff post; everybody reads.
    ANNOUNCEMENTS = "announcements"
    # One per phase family of the chain (textile, apparel, footwear, …).
    PHASE = "phase"
    # Topics here are consultations: options, a closing time, one vote per firm.
    CONSULTATIONS = "consultations"


class ForumCategory(SQLModel, table=True):
    """Reference data loaded by migration 0050."""

    __tablename__ = "forum_categories"
    __table_args__ = (one_of("kind", ForumCategoryKind),)

    slug: str = Field(primary_key=True, max_length=40)
    kind: ForumCategoryKind = Field(sa_type=EnumText(ForumCategoryKind, 16))
    phase_code: str | None = Field(
        default=None, sa_column=Column(String(40), ForeignKey("phases.code"), nullable=True)
    )
    name_it: str = Field(max_length=80)
    name_en: str = Field(max_length=80)
    name_zh: str = Field(max_length=80)
    position: int = Field(default=0)


class ForumTopic(SQLModel, table=True):
    __tablename__ = "forum_topics"
    __table_args__ = (
        Index("ix_forum_topics_category_activity", "category_slug", "last_activity_at", "id"),
        Index("ix_forum_topics_activity", "last_activity_at", "id"),
        *(
            Index(
                f"ix_forum_topics_search_{lang}", text(topic_document(lang)), postgresql_using="gin"
            ).ddl_if(dialect="postgresql")
            for lang in SEARCH_LANGUAGES
        ),
        CheckConstraint(
            "(options IS NULL) = (closes_at IS NULL)",
            name="consultation_complete",
        ),
    )

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    category_slug: str = Field(
        sa_column=Column(String(40), ForeignKey("forum_categories.slug"), nullable=False)
    )
    author_user_id: int | None = Field(
        default=None, sa_column=Column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    )
    # The firm the author wrote for (None: association staff speaking for the association).
    author_firm_id: int | None = Field(
        default=None, sa_column=Column(ForeignKey("firms.id", ondelete="SET NULL"), nullable=True)
    )
    title: str = Field(max_length=200)
    body: str = Field(max_length=20000)
    body_html: str
    # Consultations only: the choices offered, in order.
    options: list[str] | None = Field(
        default=None, sa_column=Column(JSON(none_as_null=True), nullable=True)
    )
    closes_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    hidden: bool = Field(default=False)
    post_count: int = Field(default=0)
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    edited_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_activity_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)


class ForumPost(SQLModel, table=True):
    __tablename__ = "forum_posts"
    __table_args__ = (
        Index("ix_forum_posts_topic", "topic_id", "id"),
        *(
            Index(
                f"ix_forum_posts_search_{lang}", text(post_document(lang)), postgresql_using="gin"
            ).ddl_if(dialect="postgresql")
            for lang in SEARCH_LANGUAGES
        ),
    )

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    topic_id: int = Field(
        sa_column=Column(BigId, ForeignKey("forum_topics.id", ondelete="CASCADE"), nullable=False)
    )
    author_user_id: int | None = Field(
        default=None, sa_column=Column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    )
    author_firm_id: int | None = Field(
        default=None, sa_column=Column(ForeignKey("firms.id", ondelete="SET NULL"), nullable=True)
    )
    body: str = Field(max_length=20000)
    body_html: str
    hidden: bool = Field(default=False)
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    edited_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ForumRevisionTarget(StrEnum):
    TOPIC = "topic"
    POST = "post"


class ForumRevision(SQLModel, table=True):
    """A version an author replaced: what the text was before an edit."""

    __tablename__ = "forum_revisions"
    __table_args__ = (
        one_of("target_type", ForumRevisionTarget),
        Index("ix_forum_revisions_target", "target_type", "target_id", "id"),
    )

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    target_type: ForumRevisionTarget = Field(sa_type=EnumText(ForumRevisionTarget, 8))
    target_id: int = Field(sa_type=BigId)
    title: str | None = Field(default=None, max_length=200)
    body: str = Field(max_length=20000)
    body_html: str
    # When this version was written (the creation or the previous edit).
    written_at: datetime = Field(sa_type=UTCDateTime)
    replaced_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)


class ConsultationVote(SQLModel, table=True):
    """One firm's vote in a consultation; the unique key makes it one per firm."""

    __tablename__ = "consultation_votes"
    __table_args__ = (UniqueConstraint("topic_id", "firm_id"),)

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    topic_id: int = Field(
        sa_column=Column(BigId, ForeignKey("forum_topics.id", ondelete="CASCADE"), nullable=False)
    )
    firm_id: int = Field(
        sa_column=Column(ForeignKey("firms.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    option: str = Field(max_length=200)
    voted_by_user_id: int | None = Field(
        default=None, sa_column=Column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    )
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
