"""Account mail: address verification, password reset, firm invitations.

Every link carries a random secret of which only the SHA-256 is stored; a link works
once (a conditional UPDATE spends it, so two clicks at once cannot both pass) and not
after it expires. Asking for a reset answers the same whether or not the address has an
account, so the endpoint cannot be used to find out who is registered.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from distretto.accounts import schemas
from distretto.accounts.repository import (
    AccountTokenRepository,
    InvitationRepository,
    PeopleRepository,
)
from distretto.auth import service as auth_service
from distretto.auth.schemas import RegisterIn
from distretto.auth.viewer import Viewer
from distretto.kit.context import AppContext
from distretto.kit.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from distretto.mail.service import language_of, queue_account_mail, start_settings
from distretto.models import AccountToken, FirmInvitation, User
from distretto.models.mail import AccountTokenPurpose, InvitationStatus

RESET_TTL = timedelta(hours=1)
VERIFY_TTL = timedelta(days=7)
INVITATION_TTL = timedelta(days=7)
# Reset mails one address may trigger per hour (beyond them the answer is the same 202,
# and no mail goes out: nobody can flood a mailbox through us).
RESETS_PER_HOUR = 5
# Pending invitations a firm may have at once: enough for any real team, too few to use
# the district's mail server for spam.
MAX_PENDING_INVITATIONS = 30


class BadLink(DomainError):
    status, title, slug = 400, "Bad request", "bad-request"


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _link(ctx: AppContext, page: str, secret: str) -> str:
    return f"{ctx.settings.public_base_url.rstrip('/')}/{page}?token={secret}"


async def _new_token(
    session: AsyncSession, user: User, purpose: AccountTokenPurpose, expires_at: datetime
) -> tuple[AccountToken, str]:
    secret = secrets.token_urlsafe(32)
    assert user.id is not None
    row = AccountToken(
        user_id=user.id,
        purpose=purpose,
        token_hash=_digest(secret),
        email=user.email,
        expires_at=expires_at,
    )
    return await AccountTokenRepository(session).add_and_flush(row), secret


async def _spend(
    session: AsyncSession, secret: str, purpose: AccountTokenPurpose, now: datetime
) -> AccountToken:
    tokens = AccountTokenRepository(session)
    row = await tokens.by_hash(_digest(secret), purpose)
    if row is None or row.id is None or not await tokens.use(row.id, now):
        raise BadLink(
            "This link is not valid, was already used or has expired", code="account.bad_link"
        )
    return row


# --- verification -----------------------------------------------------------------------


async def send_verification(
    session: AsyncSession, ctx: AppContext, user: User, now: datetime
) -> None:
    token, secret = await _new_token(
        session, user, AccountTokenPurpose.VERIFY_EMAIL, now + VERIFY_TTL
    )
    await queue_account_mail(
        session,
        key=f"verify:{token.id}",
        to=user.email,
        user_id=user.id,
        template="verify_email",
        context={
            "url": _link(ctx, "verify-email", secret),
            "name": user.full_name,
            "language": await language_of(session, user.id),
        },
        now=now,
    )


async def verify_email(session: AsyncSession, secret: str, now: datetime) -> None:
    token = await _spend(session, secret, AccountTokenPurpose.VERIFY_EMAIL, now)
    await PeopleRepository(session).mark_verified(token.user_id, token.email, now)


# --- registration -----------------------------------------------------------------------


async def register(
    session: AsyncSession, ctx: AppContext, data: RegisterIn, language: str, now: datetime
) -> User:
    """A new account; with an invitation token it joins the inviting firm at once (the
    link proved the address, so it counts as verified), otherwise a verification mail
    goes out. Signing in never waits for verification."""
    invitation = None
    if data.invitation_token is not None:
        invitation = await _live_invitation(session, data.invitation_token, now)
        if invitation.email != data.email.lower():
            raise Invalid(
                "email",
                "register with the address the invitation was sent to",
                code="invitation.email_mismatch",
            )
    user = await auth_service.register(session, ctx, data)
    assert user.id is not None
    await start_settings(session, user.id, language, now)
    if invitation is None:
        await send_verification(session, ctx, user, now)
    else:
        await _join(session, invitation, user, now)
    return user


# --- password reset -------------------------------------------------------------------------


async def request_password_reset(
    session: AsyncSession, ctx: AppContext, email: str, language: str, now: datetime
) -> None:
    address = email.lower()
    key = f"reset:{address}"
    if await ctx.limiter.count(key, 3600) >= RESETS_PER_HOUR:
        return
    await ctx.limiter.hit(key, 3600)
    user = await PeopleRepository(session).usable_by_email(address)
    if user is None:
        return
    token, secret = await _new_token(
        session, user, AccountTokenPurpose.PASSWORD_RESET, now + RESET_TTL
    )
    await queue_account_mail(
        session,
        key=f"reset:{token.id}",
        to=user.email,
        user_id=user.id,
        template="password_reset",
        context={
            "url": _link(ctx, "reset-password", secret),
            "name": user.full_name,
            "language": await language_of(session, user.id, fallback=language),
        },
        now=now,
    )


async def confirm_password_reset(
    session: AsyncSession, ctx: AppContext, data: schemas.PasswordResetConfirmIn, now: datetime
) -> None:
    token = await _spend(session, data.token, AccountTokenPurpose.PASSWORD_RESET, now)
    people = PeopleRepository(session)
    user = await people.user(token.user_id)
    if user is None or user.id is None or not user.is_active or user.deleted_at is not None:
        raise BadLink(
            "This link is not valid, was already used or has expired", code="account.bad_link"
        )
    await people.set_password(user.id, await auth_service.new_password_hash(ctx, data.new_password))
    await AccountTokenRepository(session).spend_all(
        user.id, AccountTokenPurpose.PASSWORD_RESET, now
    )
    # Whoever knew the old password is signed out everywhere.
    await auth_service.revoke_refresh_tokens(session, user.id, now)
    # The mail reached the person: the address is theirs.
    await people.mark_verified(user.id, token.email, now)


# --- invitations -------------------------------------------------------------------------------


def _invitation_out(row: FirmInvitation) -> schemas.InvitationOut:
    assert row.id is not None
    return schemas.InvitationOut(
        id=row.id,
        email=row.email,
        role=row.role,
        status=str(row.status),
        expires_at=row.expires_at,
        created_at=row.created_at,
    )


async def invite(
    session: AsyncSession,
    ctx: AppContext,
    viewer: Viewer,
    firm_id: int,
    data: schemas.InvitationIn,
    now: datetime,
) -> schemas.InvitationOut:
    viewer.require_role(firm_id, "owner")
    people, invitations = PeopleRepository(session), InvitationRepository(session)
    address = data.email.lower()
    if address in await people.member_emails(firm_id):
        raise Conflict("This person is already a member of the firm", code="firm.already_member")
    if len(await invitations.pending(firm_id, now)) >= MAX_PENDING_INVITATIONS:
        raise Conflict(
            f"At most {MAX_PENDING_INVITATIONS} invitations may be pending at once",
            code="invitation.too_many",
            params={"max": MAX_PENDING_INVITATIONS},
        )
    if await invitations.pending_for(firm_id, address, now) is not None:
        raise Conflict(
            "An invitation to this address is already pending", code="invitation.already_pending"
        )
    firm, inviter = await people.firm(firm_id), await people.user(viewer.user_id)
    assert firm is not None and inviter is not None
    secret = secrets.token_urlsafe(32)
    row = await invitations.add_and_flush(
        FirmInvitation(
            firm_id=firm_id,
            email=address,
            role=data.role,
            token_hash=_digest(secret),
            invited_by_user_id=viewer.user_id,
            expires_at=now + INVITATION_TTL,
            created_at=now,
        )
    )
    await queue_account_mail(
        session,
        key=f"invitation:{row.id}",
        to=address,
        user_id=None,
        template="invitation",
        context={
            "url": _link(ctx, "invitation", secret),
            "firm_name": firm.name,
            "inviter": inviter.full_name,
            "role": str(data.role),
            "expires_on": row.expires_at.isoformat(),
            # The invitee has no settings yet: the inviter's language is the firm's.
            "language": await language_of(session, viewer.user_id),
        },
        now=now,
    )
    return _invitation_out(row)


async def pending_invitations(
    session: AsyncSession, viewer: Viewer, firm_id: int, now: datetime
) -> list[schemas.InvitationOut]:
    viewer.require_role(firm_id, "owner")
    return [_invitation_out(r) for r in await InvitationRepository(session).pending(firm_id, now)]


async def revoke_invitation(
    session: AsyncSession, viewer: Viewer, firm_id: int, invitation_id: int, now: datetime
) -> None:
    viewer.require_role(firm_id, "owner")
    if not await InvitationRepository(session).decide(
        invitation_id, InvitationStatus.REVOKED, now, firm_id=firm_id
    ):
        raise NotFound(f"No pending invitation {invitation_id}", code="invitation.not_found")


async def _live_invitation(session: AsyncSession, secret: str, now: datetime) -> FirmInvitation:
    row = await InvitationRepository(session).by_hash(_digest(secret))
    if row is None or row.status != InvitationStatus.PENDING:
        raise BadLink("This invitation is not valid any more", code="invitation.invalid")
    if row.expires_at <= now:
        raise BadLink("This invitation has expired", code="invitation.expired")
    return row


async def preview_invitation(
    session: AsyncSession, secret: str, now: datetime
) -> schemas.InvitationPreview:
    row = await _live_invitation(session, secret, now)
    firm = await PeopleRepository(session).firm(row.firm_id)
    assert firm is not None
    return schemas.InvitationPreview(
        firm_id=row.firm_id,
        firm_name=firm.name,
        email=row.email,
        role=row.role,
        expires_at=row.expires_at,
    )


async def _join(
    session: AsyncSession, invitation: FirmInvitation, user: User, now: datetime
) -> None:
    assert invitation.id is not None and user.id is not None
    people = PeopleRepository(session)
    if await people.is_member(invitation.firm_id, user.id):
        raise Conflict("You are already a member of this firm", code="firm.already_member")
    if not await InvitationRepository(session).decide(
        invitation.id, InvitationStatus.ACCEPTED, now, user_id=user.id
    ):
        raise BadLink("This invitation is not valid any more", code="invitation.invalid")
    await people.join(invitation.firm_id, user.id, invitation.role, now)
    await people.mark_verified(user.id, invitation.email, now)


async def accept_invitation(
    session: AsyncSession, viewer: Viewer, secret: str, now: datetime
) -> schemas.JoinedOut:
    invitation = await _live_invitation(session, secret, now)
    if viewer.email.lower() != invitation.email:
        raise Forbidden(
            "This invitation was sent to another address", code="invitation.wrong_account"
        )
    user = await PeopleRepository(session).user(viewer.user_id)
    assert user is not None
    await _join(session, invitation, user, now)
    firm = await PeopleRepository(session).firm(invitation.firm_id)
    assert firm is not None and firm.id is not None
    return schemas.JoinedOut(firm_id=firm.id, firm_name=firm.name, role=invitation.role)
