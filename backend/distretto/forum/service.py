"""Forum rules: categories, topics and replies (markdown rendered safely), edits kept
as history."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from distretto.auth.viewer import Viewer
from distretto.forum import consultations, policies, schemas
from distretto.forum.events import ConsultationOpened
from distretto.forum.markdown import render
from distretto.forum.repository import ForumRepository
from distretto.forum.repository import readable_posts as readable_posts
from distretto.forum.repository import readable_topics as readable_topics
from distretto.kit.errors import Invalid, NotFound
from distretto.kit.events import emit, firm_key
from distretto.kit.pagination import Page, PageParams
from distretto.models import Firm, ForumCategory, ForumPost, ForumRevision, ForumTopic, User
from distretto.models.forum import ForumCategoryKind, ForumRevisionTarget


async def categories(session: AsyncSession, viewer: Viewer | None) -> list[schemas.CategoryOut]:
    repo = ForumRepository(session)
    counts = await repo.topic_counts(viewer)
    return [
        schemas.CategoryOut(
            slug=c.slug,
            kind=c.kind,
            phase_code=c.phase_code,
            name_it=c.name_it,
            name_en=c.name_en,
            name_zh=c.name_zh,
            staff_only=policies.is_staff_only(c.kind),
            topic_count=counts.get(c.slug, 0),
        )
        for c in await repo.categories()
    ]


def _author(
    user_id: int | None, firm_id: int | None, users: dict[int, User], firms: dict[int, Firm]
) -> schemas.AuthorOut:
    user = users.get(user_id) if user_id is not None else None
    firm = firms.get(firm_id) if firm_id is not None else None
    return schemas.AuthorOut(
        user_name=user.full_name if user else None,
        firm_id=firm_id,
        firm_name=firm.name if firm else None,
        association=firm_id is None,
    )


async def _authors(
    repo: ForumRepository, rows: Sequence[ForumTopic | ForumPost]
) -> tuple[dict[int, User], dict[int, Firm]]:
    return await repo.authors([r.author_user_id for r in rows], [r.author_firm_id for r in rows])


def _topic_out(
    topic: ForumTopic, users: dict[int, User], firms: dict[int, Firm]
) -> schemas.TopicOut:
    assert topic.id is not None
    return schemas.TopicOut(
        id=topic.id,
        category=topic.category_slug,
        title=topic.title,
        author=_author(topic.author_user_id, topic.author_firm_id, users, firms),
        created_at=topic.created_at,
        edited_at=topic.edited_at,
        last_activity_at=topic.last_activity_at,
        post_count=topic.post_count,
        is_consultation=topic.options is not None,
        closes_at=topic.closes_at,
        hidden=topic.hidden,
    )


def _post_out(
    viewer: Viewer | None, post: ForumPost, users: dict[int, User], firms: dict[int, Firm]
) -> schemas.PostOut:
    assert post.id is not None
    return schemas.PostOut(
        id=post.id,
        topic_id=post.topic_id,
        author=_author(post.author_user_id, post.author_firm_id, users, firms),
        body=post.body,
        body_html=post.body_html,
        created_at=post.created_at,
        edited_at=post.edited_at,
        hidden=post.hidden,
        mine=viewer is not None and post.author_user_id == viewer.user_id,
    )


async def list_topics(
    session: AsyncSession,
    viewer: Viewer | None,
    params: PageParams,
    *,
    category: str | None,
    q: str | None,
) -> Page[schemas.TopicOut]:
    repo = ForumRepository(session)
    rows, cursor = await repo.page_topics(viewer, params, category=category, q=q)
    users, firms = await _authors(repo, rows)
    return Page(items=[_topic_out(t, users, firms) for t in rows], next_cursor=cursor)


async def readable_topic(session: AsyncSession, viewer: Viewer | None, topic_id: int) -> ForumTopic:
    topic = await ForumRepository(session).readable_topic(viewer, topic_id)
    if topic is None:
        raise NotFound(f"Topic {topic_id} not found", code="forum.topic_not_found")
    return topic


async def topic_detail(
    session: AsyncSession, viewer: Viewer | None, topic_id: int, now: datetime
) -> schemas.TopicDetail:
    repo = ForumRepository(session)
    topic = await readable_topic(session, viewer, topic_id)
    posts = await repo.posts_of(viewer, topic_id)
    users, firms = await _authors(repo, [topic, *posts])
    return schemas.TopicDetail(
        **_topic_out(topic, users, firms).model_dump(),
        body=topic.body,
        body_html=topic.body_html,
        mine=viewer is not None and topic.author_user_id == viewer.user_id,
        posts=[_post_out(viewer, p, users, firms) for p in posts],
        consultation=await consultations.summary(session, viewer, topic, now),
    )


async def _category(session: AsyncSession, slug: str) -> ForumCategory:
    category = await ForumRepository(session).category(slug)
    if category is None:
        raise Invalid("category", "is not a forum category", code="forum.unknown_category")
    return category


def _check_consultation(category: ForumCategory, data: schemas.TopicIn, now: datetime) -> None:
    if category.kind != ForumCategoryKind.CONSULTATIONS:
        if data.options is not None or data.closes_at is not None:
            raise Invalid(
                "options",
                "only consultations have options and a closing time",
                code="forum.options_outside_consultation",
            )
        return
    if data.options is None:
        raise Invalid(
            "options", "a consultation needs at least two options", code="forum.options_required"
        )
    if data.closes_at is None:
        raise Invalid(
            "closes_at", "a consultation needs a closing time", code="forum.closes_at_required"
        )
    if data.closes_at <= now:
        raise Invalid("closes_at", "must be in the future", code="forum.closes_at_past")


async def create_topic(
    session: AsyncSession, viewer: Viewer, data: schemas.TopicIn, now: datetime
) -> schemas.TopicDetail:
    category = await _category(session, data.category)
    policies.require_may_open(viewer, category.kind)
    _check_consultation(category, data, now)
    # Staff open announcements and consultations for the association, not for a firm.
    speaks_for_association = viewer.is_staff and policies.is_staff_only(category.kind)
    firm_id = (
        data.firm_id
        if speaks_for_association and data.firm_id is None
        else policies.writing_firm(viewer, data.firm_id)
    )
    topic = await ForumRepository(session).add(
        ForumTopic(
            category_slug=category.slug,
            author_user_id=viewer.user_id,
            author_firm_id=firm_id,
            title=data.title,
            body=data.body,
            body_html=render(data.body),
            options=data.options,
            closes_at=data.closes_at,
            created_at=now,
            last_activity_at=now,
        )
    )
    assert topic.id is not None
    if topic.options is not None and topic.closes_at is not None:
        firm_ids = await ForumRepository(session).active_firm_ids()
        await emit(
            session,
            ConsultationOpened(
                topic_id=topic.id,
                title=topic.title,
                closes_at=topic.closes_at,
                options=topic.options,
            ),
            [firm_key(f) for f in firm_ids],
        )
    return await topic_detail(session, viewer, topic.id, now)


async def reply(
    session: AsyncSession, viewer: Viewer, topic_id: int, data: schemas.PostIn, now: datetime
) -> schemas.PostOut:
    topic = await readable_topic(session, viewer, topic_id)
    assert topic.id is not None
    firm_id = policies.writing_firm(viewer, data.firm_id)
    repo = ForumRepository(session)
    post = await repo.add(
        ForumPost(
            topic_id=topic.id,
            author_user_id=viewer.user_id,
            author_firm_id=firm_id,
            body=data.body,
            body_html=render(data.body),
            created_at=now,
        )
    )
    await repo.count_reply(topic.id, now)
    users, firms = await _authors(repo, [post])
    return _post_out(viewer, post, users, firms)


def _require_may_edit(viewer: Viewer, row: ForumTopic | ForumPost) -> None:
    policies.require_author(viewer, row.author_user_id)
    if row.author_firm_id is not None:
        viewer.require_active_firm(row.author_firm_id)


async def edit_topic(
    session: AsyncSession, viewer: Viewer, topic_id: int, data: schemas.TopicEdit, now: datetime
) -> schemas.TopicDetail:
    topic = await readable_topic(session, viewer, topic_id)
    assert topic.id is not None
    _require_may_edit(viewer, topic)
    title = data.title if data.title is not None else topic.title
    body = data.body if data.body is not None else topic.body
    if (title, body) != (topic.title, topic.body):
        repo = ForumRepository(session)
        await repo.add(
            ForumRevision(
                target_type=ForumRevisionTarget.TOPIC,
                target_id=topic.id,
                title=topic.title,
                body=topic.body,
                body_html=topic.body_html,
                written_at=topic.edited_at or topic.created_at,
                replaced_at=now,
            )
        )
        topic.title, topic.body, topic.body_html = title, body, render(body)
        topic.edited_at = now
        await repo.add(topic)
    return await topic_detail(session, viewer, topic.id, now)


async def edit_post(
    session: AsyncSession, viewer: Viewer, post_id: int, data: schemas.PostEdit, now: datetime
) -> schemas.PostOut:
    repo = ForumRepository(session)
    post = await _readable_post(session, viewer, post_id)
    assert post.id is not None
    _require_may_edit(viewer, post)
    if data.body != post.body:
        await repo.add(
            ForumRevision(
                target_type=ForumRevisionTarget.POST,
                target_id=post.id,
                body=post.body,
                body_html=post.body_html,
                written_at=post.edited_at or post.created_at,
                replaced_at=now,
            )
        )
        post.body, post.body_html, post.edited_at = data.body, render(data.body), now
        await repo.add(post)
    users, firms = await _authors(repo, [post])
    return _post_out(viewer, post, users, firms)


async def _readable_post(session: AsyncSession, viewer: Viewer | None, post_id: int) -> ForumPost:
    post = await ForumRepository(session).readable_post(viewer, post_id)
    if post is None:
        raise NotFound(f"Post {post_id} not found", code="forum.post_not_found")
    return post


def _versions(
    revisions: Sequence[ForumRevision], current: ForumTopic | ForumPost
) -> list[schemas.VersionOut]:
    """Oldest first; the last one is the text shown now."""
    versions = [
        schemas.VersionOut(
            title=r.title,
            body=r.body,
            body_html=r.body_html,
            written_at=r.written_at,
            current=False,
        )
        for r in revisions
    ]
    versions.append(
        schemas.VersionOut(
            title=current.title if isinstance(current, ForumTopic) else None,
            body=current.body,
            body_html=current.body_html,
            written_at=current.edited_at or current.created_at,
            current=True,
        )
    )
    return versions


async def topic_history(
    session: AsyncSession, viewer: Viewer | None, topic_id: int
) -> list[schemas.VersionOut]:
    topic = await readable_topic(session, viewer, topic_id)
    revisions = await ForumRepository(session).revisions(ForumRevisionTarget.TOPIC, topic_id)
    return _versions(revisions, topic)


async def post_history(
    session: AsyncSession, viewer: Viewer | None, post_id: int
) -> list[schemas.VersionOut]:
    post = await _readable_post(session, viewer, post_id)
    revisions = await ForumRepository(session).revisions(ForumRevisionTarget.POST, post_id)
    return _versions(revisions, post)


def preview(data: schemas.PreviewIn) -> schemas.PreviewOut:
    """What a body will look like once posted (the same sanitised rendering)."""
    return schemas.PreviewOut(body_html=render(data.body))


async def cast_vote(
    session: AsyncSession, viewer: Viewer, topic_id: int, data: schemas.VoteIn, now: datetime
) -> schemas.VoteOut:
    topic = await readable_topic(session, viewer, topic_id)
    return await consultations.vote(session, viewer, topic, data, now)
