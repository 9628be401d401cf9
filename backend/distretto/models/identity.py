"""Users, their refresh tokens and the external (OpenID Connect) identities linked to them."""

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from distretto.kit import clock
from distretto.models.base import BigId, UTCDateTime


class User(SQLModel, table=True):
    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(sa_column=Column(String(254), nullable=False, unique=True))
    full_name: str = Field(max_length=120)
    password_hash: str | None = Field(default=None, max_length=255)
    is_staff: bool = Field(default=False)
    is_active: bool = Field(default=True)
    # Set when the person opened the verification link; never needed to sign in.
    email_verified_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    deleted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class RefreshToken(SQLModel, table=True):
    """One row per issued refresh token; a family links the rotations of one sign-in.

    A token presented twice means it was stolen: the whole family is revoked.
    """

    __tablename__ = "refresh_tokens"
    __table_args__ = (Index("ix_refresh_tokens_family", "family_id"),)

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    user_id: int = Field(
        sa_column=Column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    token_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    family_id: str = Field(max_length=36)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class OidcIdentity(SQLModel, table=True):
    """A user's account at an external OpenID Connect provider, linked to ours."""

    __tablename__ = "oidc_identities"
    __table_args__ = (UniqueConstraint("provider", "subject"),)

    id: int | None = Field(default=None, primary_key=True)
    provider: str = Field(sa_column=Column(String(40), nullable=False))
    subject: str = Field(sa_column=Column(String(255), nullable=False))
    user_id: int = Field(
        sa_column=Column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    email: str = Field(max_length=254)
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    last_login_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
