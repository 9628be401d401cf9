from typing import Annotated

from fastapi import APIRouter, Cookie, Path, Query, Request
from fastapi.responses import RedirectResponse

from distretto.db import SessionDep
from distretto.kit.context import ContextDep, client_ip
from distretto.sso import service
from distretto.sso.login_state import COOKIE_NAME, LIFETIME
from distretto.sso.relying_party import OIDC_ROUTE_BASE
from distretto.sso.schemas import CallbackParams, ProviderOut

router = APIRouter(tags=["identity"])
ProviderName = Annotated[str, Path(min_length=1, max_length=40)]
CallbackValue = Annotated[str | None, Query(max_length=2048)]
COOKIE_PATH = f"{OIDC_ROUTE_BASE}/"
NO_STORE = {"Cache-Control": "no-store"}


@router.get("/auth/providers", response_model=list[ProviderOut], operation_id="auth_providers")
async def auth_providers(ctx: ContextDep) -> list[ProviderOut]:
    return service.providers(ctx.settings)


@router.get(
    "/auth/oidc/{provider}/login",
    status_code=302,
    response_class=RedirectResponse,
    operation_id="oidc_login",
    responses={302: {"description": "To the identity provider's sign-in page"}},
)
async def oidc_login(provider: ProviderName, ctx: ContextDep) -> RedirectResponse:
    start = await service.begin(ctx.settings, provider)
    response = RedirectResponse(start.location, status_code=302, headers=NO_STORE)
    if start.login_cookie:
        response.set_cookie(
            COOKIE_NAME,
            start.login_cookie,
            max_age=int(LIFETIME.total_seconds()),
            path=COOKIE_PATH,
            secure=ctx.settings.public_base_url.startswith("https://"),
            httponly=True,
            # Lax: the provider sends the browser back with a top-level GET.
            samesite="lax",
        )
    return response


@router.get(
    "/auth/oidc/{provider}/callback",
    status_code=303,
    response_class=RedirectResponse,
    operation_id="oidc_callback",
    responses={
        303: {
            "description": "To the web app's /sso page, with tokens (or an error) in the "
            "URL fragment"
        }
    },
)
async def oidc_callback(
    provider: ProviderName,
    request: Request,
    session: SessionDep,
    ctx: ContextDep,
    code: CallbackValue = None,
    state: CallbackValue = None,
    error: CallbackValue = None,
    error_description: CallbackValue = None,
    login_cookie: Annotated[str | None, Cookie(alias=COOKIE_NAME, max_length=4096)] = None,
) -> RedirectResponse:
    location = await service.finish(
        session,
        ctx,
        provider,
        CallbackParams(code, state, error, error_description),
        login_cookie,
        client_ip(request),
    )
    response = RedirectResponse(location, status_code=303, headers=NO_STORE)
    response.delete_cookie(COOKIE_NAME, path=COOKIE_PATH)
    return response
