from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status
from fastapi.security import OAuth2PasswordRequestForm

from distretto.auth import schemas, service
from distretto.auth.viewer import AccessClaimsDep, ViewerDep
from distretto.db import SessionDep
from distretto.kit.context import ContextDep, client_ip

router = APIRouter(tags=["identity"])


# POST /auth/register is served by distretto.accounts (verification mail, invitations).


@router.post("/auth/token", response_model=schemas.TokenPair, operation_id="token")
async def token(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    request: Request,
    session: SessionDep,
    ctx: ContextDep,
) -> schemas.TokenPair:
    return await service.login(session, ctx, form.username, form.password, client_ip(request))


@router.post("/auth/refresh", response_model=schemas.TokenPair, operation_id="refresh")
async def refresh(
    data: schemas.RefreshIn, request: Request, session: SessionDep, ctx: ContextDep
) -> schemas.TokenPair:
    return await service.refresh(session, ctx, data.refresh_token, client_ip(request))


@router.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT, operation_id="logout")
async def logout(
    claims: AccessClaimsDep,
    request: Request,
    session: SessionDep,
    ctx: ContextDep,
    data: schemas.LogoutIn | None = None,
) -> Response:
    await service.logout(
        session, ctx, claims, data.refresh_token if data else None, client_ip(request)
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me", response_model=schemas.MeOut, operation_id="me")
async def me(viewer: ViewerDep, session: SessionDep) -> schemas.MeOut:
    return await service.me(session, viewer.user_id)
