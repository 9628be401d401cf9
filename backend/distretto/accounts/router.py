from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Response, status

from distretto.accounts import schemas, service
from distretto.auth.schemas import RegisterIn, UserOut
from distretto.auth.viewer import ViewerDep
from distretto.db import SessionDep
from distretto.kit.clock import ClockDep
from distretto.kit.context import ContextDep
from distretto.kit.messages import negotiate
from distretto.kit.params import BigIdPath, IdPath

router = APIRouter(tags=["identity"])


async def _browser_language(
    accept_language: Annotated[str | None, Header(max_length=200)] = None,
) -> str:
    """The mail language for someone without settings yet: their browser's, if we speak it."""
    return negotiate(accept_language)


BrowserLanguage = Annotated[str, Depends(_browser_language)]


@router.post(
    "/auth/register",
    status_code=status.HTTP_201_CREATED,
    response_model=UserOut,
    operation_id="register",
)
async def register(
    data: RegisterIn, session: SessionDep, ctx: ContextDep, clock: ClockDep, lang: BrowserLanguage
) -> object:
    """A new account (a verification mail goes out; signing in does not wait for it).
    With ``invitation_token`` the account joins the inviting firm at once."""
    return await service.register(session, ctx, data, lang, clock())


@router.post(
    "/auth/verify-email",
    status_code=status.HTTP_204_NO_CONTENT,
    operation_id="verify_email",
)
async def verify_email(data: schemas.TokenIn, session: SessionDep, clock: ClockDep) -> Response:
    await service.verify_email(session, data.token, clock())
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/auth/password-reset",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=schemas.ResetRequested,
    operation_id="request_password_reset",
)
async def request_password_reset(
    data: schemas.PasswordResetIn,
    session: SessionDep,
    ctx: ContextDep,
    clock: ClockDep,
    lang: BrowserLanguage,
) -> schemas.ResetRequested:
    """202 and the same body whether or not an account uses the address."""
    await service.request_password_reset(session, ctx, data.email, lang, clock())
    return schemas.ResetRequested()


@router.post(
    "/auth/password-reset/confirm",
    status_code=status.HTTP_204_NO_CONTENT,
    operation_id="confirm_password_reset",
)
async def confirm_password_reset(
    data: schemas.PasswordResetConfirmIn, session: SessionDep, ctx: ContextDep, clock: ClockDep
) -> Response:
    """The link works once, for an hour; every session of the account ends."""
    await service.confirm_password_reset(session, ctx, data, clock())
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/firms/{firm_id}/invitations",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.InvitationOut,
    operation_id="invite_to_firm",
)
async def invite_to_firm(
    firm_id: IdPath,
    data: schemas.InvitationIn,
    viewer: ViewerDep,
    session: SessionDep,
    ctx: ContextDep,
    clock: ClockDep,
) -> schemas.InvitationOut:
    """Mail a single-use link that joins the firm with ``role`` (firm owner)."""
    return await service.invite(session, ctx, viewer, firm_id, data, clock())


@router.get(
    "/firms/{firm_id}/invitations",
    response_model=list[schemas.InvitationOut],
    operation_id="list_firm_invitations",
)
async def list_firm_invitations(
    firm_id: IdPath, viewer: ViewerDep, session: SessionDep, clock: ClockDep
) -> list[schemas.InvitationOut]:
    """Pending, unexpired invitations (firm owner)."""
    return await service.pending_invitations(session, viewer, firm_id, clock())


@router.delete(
    "/firms/{firm_id}/invitations/{invitation_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    operation_id="revoke_firm_invitation",
)
async def revoke_firm_invitation(
    firm_id: IdPath,
    invitation_id: BigIdPath,
    viewer: ViewerDep,
    session: SessionDep,
    clock: ClockDep,
) -> Response:
    await service.revoke_invitation(session, viewer, firm_id, invitation_id, clock())
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/invitations/preview",
    response_model=schemas.InvitationPreview,
    operation_id="preview_invitation",
)
async def preview_invitation(
    token: Annotated[str, Query(min_length=1, max_length=200)],
    session: SessionDep,
    clock: ClockDep,
) -> schemas.InvitationPreview:
    """Which firm an invitation link is for (anyone holding the link)."""
    return await service.preview_invitation(session, token, clock())


@router.post(
    "/invitations/accept", response_model=schemas.JoinedOut, operation_id="accept_invitation"
)
async def accept_invitation(
    data: schemas.TokenIn, viewer: ViewerDep, session: SessionDep, clock: ClockDep
) -> schemas.JoinedOut:
    """The signed-in user with the invited address joins the firm with its role."""
    return await service.accept_invitation(session, viewer, data.token, clock())
