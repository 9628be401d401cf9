from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from distretto.auth.viewer import ViewerDep
from distretto.db import SessionDep
from distretto.kit.clock import ClockDep
from distretto.kit.context import ContextDep
from distretto.kit.params import BigIdPath
from distretto.mail import schemas, service

router = APIRouter(tags=["mail"])


@router.get(
    "/me/notification-settings",
    response_model=schemas.NotificationSettings,
    operation_id="get_notification_settings",
)
async def get_notification_settings(
    viewer: ViewerDep, session: SessionDep
) -> schemas.NotificationSettings:
    """How the signed-in user wants to hear news by email (defaults until they choose)."""
    return await service.settings_of(session, viewer.user_id)


@router.put(
    "/me/notification-settings",
    response_model=schemas.NotificationSettings,
    operation_id="put_notification_settings",
)
async def put_notification_settings(
    data: schemas.NotificationSettings, viewer: ViewerDep, session: SessionDep, clock: ClockDep
) -> schemas.NotificationSettings:
    return await service.put_settings(session, viewer.user_id, data, clock())


@router.post(
    "/me/saved-searches",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.SavedSearchOut,
    operation_id="create_saved_search",
)
async def create_saved_search(
    data: schemas.SavedSearchIn, viewer: ViewerDep, session: SessionDep, clock: ClockDep
) -> schemas.SavedSearchOut:
    """A new public order that matches it notifies the user (in the app, and by email as
    the settings say)."""
    return await service.add_saved_search(session, viewer.user_id, data, clock())


@router.get(
    "/me/saved-searches",
    response_model=list[schemas.SavedSearchOut],
    operation_id="list_saved_searches",
)
async def list_saved_searches(
    viewer: ViewerDep, session: SessionDep
) -> list[schemas.SavedSearchOut]:
    return await service.saved_searches(session, viewer.user_id)


@router.delete(
    "/me/saved-searches/{search_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    operation_id="delete_saved_search",
)
async def delete_saved_search(
    search_id: BigIdPath, viewer: ViewerDep, session: SessionDep
) -> Response:
    await service.remove_saved_search(session, viewer.user_id, search_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/email/unsubscribe", response_model=schemas.UnsubscribeOut, operation_id="unsubscribe"
)
async def unsubscribe(
    token: Annotated[str, Query(min_length=1, max_length=200)],
    session: SessionDep,
    ctx: ContextDep,
    clock: ClockDep,
) -> schemas.UnsubscribeOut:
    """RFC 8058 one-click unsubscribe: the signed link is enough, no sign-in (a mail
    client POSTs ``List-Unsubscribe=One-Click`` here; the body is not needed)."""
    return await service.unsubscribe(session, ctx.settings.secret_key, token, clock())
