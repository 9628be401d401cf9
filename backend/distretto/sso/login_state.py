"""What the callback must check, kept in the user's browser between the two legs.

The ``state`` (against cross-site request forgery), the ``nonce`` (ties the ID token to
this sign-in) and the PKCE ``code_verifier`` travel in a short-lived cookie signed with
our secret, so no server-side session is needed and any app process can finish the
sign-in. The token type and audience differ from access tokens, so neither can be
passed off as the other.
"""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import OctKey

from distretto.config import Settings
from distretto.kit import clock

COOKIE_NAME = "distretto_oidc"
LIFETIME = timedelta(minutes=10)
ALGORITHM = "HS256"
TOKEN_TYPE = "oidc_login"
AUDIENCE = "distretto-oidc-callback"


@dataclass(frozen=True)
class LoginState:
    provider: str
    state: str
    nonce: str
    code_verifier: str

    @classmethod
    def fresh(cls, provider: str) -> "LoginState":
        return cls(
            provider=provider,
            state=secrets.token_urlsafe(32),
            nonce=secrets.token_urlsafe(32),
            # RFC 7636: 43-128 characters from the unreserved set.
            code_verifier=secrets.token_urlsafe(64),
        )


def _key(settings: Settings) -> OctKey:
    return OctKey.import_key(settings.secret_key.encode())


def seal(settings: Settings, login: LoginState) -> str:
    now = clock.now()
    claims = {
        "typ": TOKEN_TYPE,
        "iss": settings.jwt_issuer,
        "aud": AUDIENCE,
        "iat": int(now.timestamp()),
        "exp": int((now + LIFETIME).timestamp()),
        "provider": login.provider,
        "state": login.state,
        "nonce": login.nonce,
        "code_verifier": login.code_verifier,
    }
    return jwt.encode({"alg": ALGORITHM}, claims, _key(settings), algorithms=[ALGORITHM])


def unseal(settings: Settings, value: str | None) -> LoginState | None:
    """The login state if the cookie is ours, unexpired and complete; None otherwise."""
    if not value:
        return None
    try:
        token = jwt.decode(value, _key(settings), algorithms=[ALGORITHM])
        jwt.JWTClaimsRegistry(
            typ={"essential": True, "value": TOKEN_TYPE},
            iss={"essential": True, "value": settings.jwt_issuer},
            aud={"essential": True, "value": AUDIENCE},
            exp={"essential": True},
        ).validate(token.claims)
        claims = token.claims
        return LoginState(
            provider=str(claims["provider"]),
            state=str(claims["state"]),
            nonce=str(claims["nonce"]),
            code_verifier=str(claims["code_verifier"]),
        )
    except (JoseError, ValueError, TypeError, KeyError):
        return None
