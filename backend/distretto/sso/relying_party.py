"""Our side of the OpenID Connect authorization code flow (with PKCE), via authlib."""

import warnings
from dataclasses import dataclass

from authlib.deprecate import AuthlibDeprecationWarning
from authlib.oidc.core import CodeIDToken
from httpx import HTTPError
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jws import JWSRegistry

from distretto.config import Settings
from distretto.sso.discovery import HTTP_TIMEOUT, ProviderMetadata, signing_keys
from distretto.sso.login_state import LoginState

with warnings.catch_warnings():
    # authlib would rather run on the "httpx2" fork and warns when it uses httpx, which
    # it still supports fully; httpx is the HTTP client of the whole project.
    warnings.simplefilter("ignore", AuthlibDeprecationWarning)
    from authlib.integrations.httpx_client import AsyncOAuth2Client, OAuthError

# Where ``sso.router`` is mounted (under the app's /api/v1); the cookie path and the
# redirect URI registered at the provider both derive from it.
OIDC_ROUTE_BASE = "/api/v1/auth/oidc"
SCOPES = "openid email profile"
# Asymmetric signatures only: "none" and HMAC (keyed with our client secret) are refused.
ACCEPTED_ID_TOKEN_ALGORITHMS = (
    "RS256",
    "RS384",
    "RS512",
    "PS256",
    "PS384",
    "PS512",
    "ES256",
    "ES384",
    "ES512",
    "EdDSA",
)
CLOCK_SKEW_SECONDS = 60


class SignInRefused(Exception):
    """The provider's answer cannot sign anyone in; ``code`` goes back to the web app."""

    def __init__(self, code: str, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


@dataclass(frozen=True)
class Identity:
    subject: str
    email: str | None
    email_verified: bool
    name: str | None


def callback_url(settings: Settings, provider: str) -> str:
    return f"{settings.public_base_url.rstrip('/')}{OIDC_ROUTE_BASE}/{provider}/callback"


def _client(settings: Settings, provider: str) -> AsyncOAuth2Client:
    return AsyncOAuth2Client(
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret,
        scope=SCOPES,
        redirect_uri=callback_url(settings, provider),
        code_challenge_method="S256",
        timeout=HTTP_TIMEOUT,
    )


async def authorization_url(
    settings: Settings, metadata: ProviderMetadata, login: LoginState
) -> str:
    async with _client(settings, login.provider) as client:
        url, _ = client.create_authorization_url(
            metadata.authorization_endpoint,
            state=login.state,
            code_verifier=login.code_verifier,
            nonce=login.nonce,
        )
    return str(url)


async def _exchange(
    settings: Settings, metadata: ProviderMetadata, code: str, login: LoginState
) -> dict[str, str]:
    async with _client(settings, login.provider) as client:
        try:
            token = await client.fetch_token(
                metadata.token_endpoint,
                grant_type="authorization_code",
                code=code,
                code_verifier=login.code_verifier,
            )
        except (OAuthError, HTTPError, ValueError) as exc:
            raise SignInRefused(
                "token_exchange_failed", "The identity provider did not confirm the sign-in."
            ) from exc
    if not isinstance(token, dict) or not token.get("id_token"):
        raise SignInRefused("token_exchange_failed", "The identity provider sent no ID token.")
    return token


async def _decode(metadata: ProviderMetadata, id_token: str) -> jwt.Token:
    algorithms = [a for a in metadata.id_token_algorithms if a in ACCEPTED_ID_TOKEN_ALGORITHMS]
    registry = JWSRegistry(algorithms=algorithms)
    try:
        return jwt.decode(id_token, await signing_keys(metadata), registry=registry)
    except InvalidKeyIdError:
        keys = await signing_keys(metadata, refresh=True)
        return jwt.decode(id_token, keys, registry=registry)


async def verified_identity(
    settings: Settings, metadata: ProviderMetadata, code: str, login: LoginState
) -> Identity:
    """Exchange the code (proving PKCE) and validate the ID token: signature against the
    provider's JWKS, issuer, audience, expiry and our nonce."""
    token = await _exchange(settings, metadata, code, login)
    try:
        decoded = await _decode(metadata, token["id_token"])
        claims = CodeIDToken(
            decoded.claims,
            decoded.header,
            options={
                "iss": {"essential": True, "value": metadata.issuer},
                "aud": {"essential": True, "value": settings.oidc_client_id},
                "exp": {"essential": True},
                "sub": {"essential": True},
            },
            params={
                "nonce": login.nonce,
                "client_id": settings.oidc_client_id,
                "access_token": token.get("access_token"),
            },
        )
        claims.validate(leeway=CLOCK_SKEW_SECONDS)
    except (JoseError, ValueError, TypeError, KeyError) as exc:
        raise SignInRefused(
            "invalid_id_token", "The identity provider's answer could not be verified."
        ) from exc
    email = claims.get("email")
    return Identity(
        subject=str(claims["sub"]),
        email=str(email).lower() if email else None,
        # Some providers send the JSON string "true" instead of the boolean.
        email_verified=claims.get("email_verified") in (True, "true"),
        name=str(claims["name"]) if claims.get("name") else None,
    )
