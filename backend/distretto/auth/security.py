"""Password hashing and token minting/verification."""

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

import anyio
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import OctKey

from distretto.config import Settings
from distretto.kit import clock

ALGORITHM = "HS256"
ACCESS_TYPE = "access"


def make_hasher(settings: Settings) -> PasswordHasher:
    if settings.environment == "test":
        # Tests create hundreds of users; full-strength argon2 would dominate the run.
        return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    return PasswordHasher()


async def hash_password(hasher: PasswordHasher, password: str) -> str:
    return await anyio.to_thread.run_sync(hasher.hash, password)


@lru_cache(maxsize=4)
def _dummy_hash(hasher: PasswordHasher) -> str:
    """A hash with the hasher's own parameters, verified in place of a missing one."""
    return hasher.hash(secrets.token_urlsafe(16))


async def verify_password(hasher: PasswordHasher, stored: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored``; with no stored hash (an unknown account,
    an SSO-only one) the same argon2 work is done on a dummy hash, and the answer is no."""

    def _verify() -> bool:
        try:
            return hasher.verify(stored or _dummy_hash(hasher), password) and stored is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    return await anyio.to_thread.run_sync(_verify)


@dataclass(frozen=True)
class AccessClaims:
    user_id: int
    expires_at: datetime
    jti: str | None = None
    # The refresh-token family the token was minted for (revoked with it).
    family: str | None = None


class TokenService:
    def __init__(self, settings: Settings) -> None:
        self._key = OctKey.import_key(settings.secret_key.encode())
        self._issuer = settings.jwt_issuer
        self._audience = settings.jwt_audience
        self.access_ttl = timedelta(minutes=settings.access_token_minutes)
        self.refresh_ttl = timedelta(days=settings.refresh_token_days)

    def mint_access(
        self, user_id: int, now: datetime | None = None, family: str | None = None
    ) -> str:
        now = now or clock.now()
        claims: dict[str, object] = {
            "sub": str(user_id),
            "iss": self._issuer,
            "aud": self._audience,
            "iat": int(now.timestamp()),
            "nbf": int(now.timestamp()),
            "exp": int((now + self.access_ttl).timestamp()),
            "typ": ACCESS_TYPE,
            "jti": uuid.uuid4().hex,
        }
        if family is not None:
            claims["fam"] = family
        return jwt.encode(
            {"alg": ALGORITHM, "typ": "JWT"}, claims, self._key, algorithms=[ALGORITHM]
        )

    def verify_access(self, token: str) -> AccessClaims | None:
        """Checks signature, algorithm allowlist, exp/nbf, issuer, audience and type."""
        try:
            decoded = jwt.decode(token, self._key, algorithms=[ALGORITHM])
            registry = jwt.JWTClaimsRegistry(
                iss={"essential": True, "value": self._issuer},
                aud={"essential": True, "value": self._audience},
                exp={"essential": True},
                nbf={"essential": True},
                sub={"essential": True},
                typ={"essential": True, "value": ACCESS_TYPE},
            )
            registry.validate(decoded.claims)
            jti, family = decoded.claims.get("jti"), decoded.claims.get("fam")
            return AccessClaims(
                int(decoded.claims["sub"]),
                datetime.fromtimestamp(decoded.claims["exp"], UTC),
                jti=jti if isinstance(jti, str) else None,
                family=family if isinstance(family, str) else None,
            )
        except (JoseError, ValueError, TypeError, KeyError):
            return None


def new_refresh_token() -> str:
    return secrets.token_urlsafe(48)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
