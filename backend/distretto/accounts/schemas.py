from datetime import datetime

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from distretto.models.firms import FirmRole

Token = Field(min_length=1, max_length=200)


class PasswordResetIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: EmailStr = Field(max_length=254)


class ResetRequested(BaseModel):
    """Says nothing about whether the address has an account."""

    detail: str = "If an account uses this address, a reset link is on its way."


class PasswordResetConfirmIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str = Token
    new_password: str = Field(min_length=10, max_length=128)


class TokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str = Token


class InvitationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: EmailStr = Field(max_length=254)
    role: FirmRole = FirmRole.MEMBER


class InvitationOut(BaseModel):
    id: int
    email: str
    role: FirmRole
    status: str
    expires_at: datetime
    created_at: datetime


class InvitationPreview(BaseModel):
    """What an invitation link shows before anyone signs in."""

    firm_id: int
    firm_name: str
    email: str
    role: FirmRole
    expires_at: datetime


class JoinedOut(BaseModel):
    firm_id: int
    firm_name: str
    role: FirmRole
