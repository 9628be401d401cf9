from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from distretto.auth.viewer import OptionalViewerDep, ViewerDep
from distretto.db import SessionDep
from distretto.forum import schemas, service
from distretto.kit.clock import ClockDep
from distretto.kit.pagination import Page, PageParams, page_params
from distretto.kit.params import BigIdPath

router = APIRouter(tags=["forum"])
PageDep = Annotated[PageParams, Depends(page_params)]
CREATED = status.HTTP_201_CREATED


@router.get(
    "/forum/categories", response_model=list[schemas.CategoryOut], operation_id="forum_categories"
)
async def list_categories(
    session: SessionDep, viewer: OptionalViewerDep
) -> list[schemas.CategoryOut]:
    return await service.categories(session, viewer)


@router.get(
    "/forum/topics", response_model=Page[schemas.TopicOut], operation_id="list_forum_topics"
)
async def list_topics(
    session: SessionDep,
    viewer: OptionalViewerDep,
    page: PageDep,
    category: Annotated[str | None, Query(max_length=40)] = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
) -> Page[schemas.TopicOut]:
    return await service.list_topics(session, viewer, page, category=category, q=q)


@router.post(
    "/forum/topics",
    status_code=CREATED,
    response_model=schemas.TopicDetail,
    operation_id="create_forum_topic",
)
async def create_topic(
    data: schemas.TopicIn, viewer: ViewerDep, session: SessionDep, clock: ClockDep
) -> schemas.TopicDetail:
    return await service.create_topic(session, viewer, data, clock())


@router.post(
    "/forum/preview", response_model=schemas.PreviewOut, operation_id="preview_forum_markdown"
)
async def preview(data: schemas.PreviewIn, viewer: ViewerDep) -> schemas.PreviewOut:
    return service.preview(data)


@router.get(
    "/forum/topics/{topic_id}", response_model=schemas.TopicDetail, operation_id="get_forum_topic"
)
async def get_topic(
    topic_id: BigIdPath, session: SessionDep, viewer: OptionalViewerDep, clock: ClockDep
) -> schemas.TopicDetail:
    return await service.topic_detail(session, viewer, topic_id, clock())


@router.patch(
    "/forum/topics/{topic_id}", response_model=schemas.TopicDetail, operation_id="edit_forum_topic"
)
async def edit_topic(
    topic_id: BigIdPath,
    data: schemas.TopicEdit,
    viewer: ViewerDep,
    session: SessionDep,
    clock: ClockDep,
) -> schemas.TopicDetail:
    return await service.edit_topic(session, viewer, topic_id, data, clock())


@router.get(
    "/forum/topics/{topic_id}/history",
    response_model=list[schemas.VersionOut],
    operation_id="forum_topic_history",
)
async def topic_history(
    topic_id: BigIdPath, session: SessionDep, viewer: OptionalViewerDep
) -> list[schemas.VersionOut]:
    return await service.topic_history(session, viewer, topic_id)


@router.post(
    "/forum/topics/{topic_id}/posts",
    status_code=CREATED,
    response_model=schemas.PostOut,
    operation_id="create_forum_post",
)
async def create_post(
    topic_id: BigIdPath,
    data: schemas.PostIn,
    viewer: ViewerDep,
    session: SessionDep,
    clock: ClockDep,
) -> schemas.PostOut:
    return await service.reply(session, viewer, topic_id, data, clock())


@router.patch(
    "/forum/posts/{post_id}", response_model=schemas.PostOut, operation_id="edit_forum_post"
)
async def edit_post(
    post_id: BigIdPath,
    data: schemas.PostEdit,
    viewer: ViewerDep,
    session: SessionDep,
    clock: ClockDep,
) -> schemas.PostOut:
    return await service.edit_post(session, viewer, post_id, data, clock())


@router.get(
    "/forum/posts/{post_id}/history",
    response_model=list[schemas.VersionOut],
    operation_id="forum_post_history",
)
async def post_history(
    post_id: BigIdPath, session: SessionDep, viewer: OptionalViewerDep
) -> list[schemas.VersionOut]:
    return await service.post_history(session, viewer, post_id)


@router.post(
    "/forum/topics/{topic_id}/votes",
    response_model=schemas.VoteOut,
    operation_id="vote_in_consultation",
)
async def vote(
    topic_id: BigIdPath,
    data: schemas.VoteIn,
    viewer: ViewerDep,
    session: SessionDep,
    clock: ClockDep,
) -> schemas.VoteOut:
    return await service.cast_vote(session, viewer, topic_id, data, clock())
