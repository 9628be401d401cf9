from typing import Annotated

from fastapi import APIRouter, Query, WebSocket

from distretto.auth.viewer import ViewerDep
from distretto.db import SessionDep
from distretto.kit.pagination import CursorQuery, Page
from distretto.realtime import endpoint, schemas, service

router = APIRouter(tags=["live"])


@router.websocket("/ws", name="live_events")
async def live_events(websocket: WebSocket, token: str | None = None) -> None:
    # In the app, endpoint.LiveSocketShortcut serves this path before routing gets here.
    await endpoint.serve(websocket, token, websocket.app.state.realtime)


@router.get("/events", response_model=Page[schemas.EventOut], operation_id="list_events")
async def list_events(
    viewer: ViewerDep,
    session: SessionDep,
    after: Annotated[int | None, Query(ge=0, lt=2**63)] = None,
    cursor: CursorQuery = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> Page[schemas.EventOut]:
    return await service.events_after(session, viewer, after=after, cursor=cursor, limit=limit)


@router.get(
    "/notifications",
    response_model=Page[schemas.NotificationOut],
    operation_id="list_notifications",
)
async def list_notifications(
    viewer: ViewerDep,
    session: SessionDep,
    unread: bool = False,
    cursor: CursorQuery = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Page[schemas.NotificationOut]:
    return await service.notifications(
        session, viewer, unread_only=unread, cursor=cursor, limit=limit
    )


@router.get(
    "/notifications/unread-count",
    response_model=schemas.UnreadCount,
    operation_id="count_unread_notifications",
)
async def unread_count(viewer: ViewerDep, session: SessionDep) -> schemas.UnreadCount:
    return await service.unread_count(session, viewer)


@router.post(
    "/notifications/read",
    response_model=schemas.MarkReadOut,
    operation_id="mark_notifications_read",
)
async def mark_read(
    data: schemas.MarkRead, viewer: ViewerDep, session: SessionDep
) -> schemas.MarkReadOut:
    return await service.mark_read(session, viewer, data)
