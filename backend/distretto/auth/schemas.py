from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints

from distretto.kit.fields import NotBlank

FullName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120), NotBlank()
]


class RegisterIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: EmailStr = Field(max_length=254)
    password: str = Field(min_length=10, max_length=128)
    full_name: FullName
    # From an invitation link: the new account joins the inviting firm (accounts feature).
    invitation_token: str | None = Field(default=None, min_length=1, max_length=200)


class UserOut(BaseModel):
    id: int
    email: str
    full_name: str
    is_staff: bool
    created_at: datetime


class TokenPair(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
    refresh_token: str


class RefreshIn(BaseModel):
    refresh_token: str = Field(min_length=1, max_length=200)


class LogoutIn(BaseModel):
    refresh_token: str | None = Field(default=None, max_length=200)


class MembershipOut(BaseModel):
    firm_id: int
    firm_name: str
    role: str
    # "suspended": the screens show why the firm cannot post, bid or award.
    firm_status: str = "active"


class ConsortiumRoleOut(BaseModel):
    consortium_id: int
    role: str


class MeOut(BaseModel):
    id: int
    email: str
    full_name: str
    is_staff: bool
    email_verified: bool = False
    memberships: list[MembershipOut]
    consortia: list[ConsortiumRoleOut]
