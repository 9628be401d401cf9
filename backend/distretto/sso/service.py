"""Sign-in through an external OpenID Connect provider.

Accounts are matched first by the provider's stable subject id. A new subject is linked
to an existing account only through an email address the provider has VERIFIED; with an
unverified address the sign-in is refused (no account is created either), because
that address may belong to someone else and a new account would squat it.
"""

from urllib.parse import urlencode

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from distretto.auth.service import add_user, issue_tokens, user_by_email, user_by_id
from distretto.config import Settings
from distretto.kit import clock
from distretto.kit.audit import record
from distretto.kit.context import AppContext
from distretto.kit.errors import NotFound
from distretto.models import OidcIdentity, User
from distretto.sso import login_state
from distretto.sso.discovery import ProviderUnavailable, provider_metadata
from distretto.sso.relying_party import (
    OIDC_ROUTE_BASE,
    Identity,
    SignInRefused,
    authorization_url,
    verified_identity,
)
from distretto.sso.repository import IdentityRepository
from distretto.sso.schemas import CallbackParams, LoginStart, ProviderOut

NAME_MAX = 120
EMAIL_MAX = 254
SUBJECT_MAX = 255


def providers(settings: Settings) -> list[ProviderOut]:
    if not settings.oidc_enabled:
        return []
    name = settings.oidc_provider_name
    base = settings.public_base_url.rstrip("/")
    return [ProviderOut(name=name, login_url=f"{base}{OIDC_ROUTE_BASE}/{name}/login")]


def _require_provider(settings: Settings, provider: str) -> str:
    if not settings.oidc_enabled or provider != settings.oidc_provider_name:
        raise NotFound(
            f"No sign-in provider called {provider!r} is configured",
            code="sso.unknown_provider",
            params={"provider": provider},
        )
    assert settings.oidc_issuer is not None
    return settings.oidc_issuer


def web_app_location(settings: Settings, values: dict[str, str | int]) -> str:
    """The web app's ``/sso`` page; values travel in the fragment, which browsers never
    send to a server (nor in a Referer)."""
    return f"{settings.public_base_url.rstrip('/')}/sso#{urlencode(values)}"


async def begin(settings: Settings, provider: str) -> LoginStart:
    issuer = _require_provider(settings, provider)
    try:
        metadata = await provider_metadata(issuer)
    except ProviderUnavailable:
        return LoginStart(
            web_app_location(
                settings,
                {
                    "error": "provider_unavailable",
                    "error_description": "The identity provider cannot be reached; "
                    "please try again later.",
                },
            ),
            None,
        )
    login = login_state.LoginState.fresh(provider)
    return LoginStart(
        await authorization_url(settings, metadata, login), login_state.seal(settings, login)
    )


async def finish(
    session: AsyncSession,
    ctx: AppContext,
    provider: str,
    params: CallbackParams,
    login_cookie: str | None,
    ip: str,
) -> str:
    settings = ctx.settings
    issuer = _require_provider(settings, provider)
    identity: Identity | None = None
    try:
        login = login_state.unseal(settings, login_cookie)
        if login is None or login.provider != provider:
            raise SignInRefused(
                "login_expired",
                "The sign-in took too long or began in another browser; please start again.",
            )
        if params.state != login.state:
            raise SignInRefused("state_mismatch", "The sign-in could not be matched; start again.")
        if params.error or not params.code:
            raise SignInRefused(
                params.error or "access_denied",
                params.error_description or "The identity provider did not sign you in.",
            )
        try:
            metadata = await provider_metadata(issuer)
            identity = await verified_identity(settings, metadata, params.code, login)
        except ProviderUnavailable as exc:
            raise SignInRefused(
                "provider_unavailable", "The identity provider cannot be reached right now."
            ) from exc
        user, how = await _account(session, provider, identity)
    except SignInRefused as refused:
        await record(
            session,
            "auth.sso_failed",
            actor_user_id=None,
            ip=ip,
            reason=refused.code,
            provider=provider,
            email=identity.email if identity else None,
        )
        return web_app_location(
            settings, {"error": refused.code, "error_description": refused.description}
        )
    assert user.id is not None
    await record(
        session,
        "auth.sso_login",
        actor_user_id=user.id,
        target_type="user",
        target_id=user.id,
        ip=ip,
        provider=provider,
        account=how,
    )
    tokens = await issue_tokens(session, ctx, user.id)
    return web_app_location(settings, tokens.model_dump())


def _usable(user: User | None) -> bool:
    return user is not None and user.is_active and user.deleted_at is None


async def _account(session: AsyncSession, provider: str, identity: Identity) -> tuple[User, str]:
    """The user this identity signs in: already linked, linked now, or registered now."""
    links = IdentityRepository(session)
    now = clock.now()
    linked = await links.find(provider, identity.subject)
    if linked is not None and linked.id is not None:
        user = await user_by_id(session, linked.user_id)
        if user is None or not _usable(user):
            raise SignInRefused("account_closed", "This Distretto account has been closed.")
        await links.touch(linked.id, identity.email or linked.email, now)
        return user, "returning"
    email = identity.email
    if not email or len(email) > EMAIL_MAX or len(identity.subject) > SUBJECT_MAX:
        raise SignInRefused(
            "email_missing",
            "The identity provider did not share a usable email address with Distretto.",
        )
    if not identity.email_verified:
        raise SignInRefused(
            "email_not_verified",
            "Your identity provider has not verified your email address, so it cannot "
            "sign you in here. Verify it there, or sign in with your password.",
        )
    try:
        async with links.savepoint():
            existing = await user_by_email(session, email)
            if existing is not None and not _usable(existing):
                raise SignInRefused("account_closed", "This Distretto account has been closed.")
            how = "linked" if existing is not None else "registered"
            user = existing or await add_user(
                session,
                User(
                    email=email,
                    full_name=(identity.name or email.split("@")[0])[:NAME_MAX],
                    password_hash=None,
                ),
            )
            assert user.id is not None
            await links.add(
                OidcIdentity(
                    provider=provider, subject=identity.subject, user_id=user.id, email=email
                )
            )
    except IntegrityError as exc:  # the same person finishing two sign-ins at once
        raise SignInRefused("try_again", "Please sign in again.") from exc
    return user, how


async def unlink_identities(session: AsyncSession, user_id: int) -> None:
    """Forget every external identity of the user (account deletion)."""
    await IdentityRepository(session).unlink_all(user_id)
