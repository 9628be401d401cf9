from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints, field_validator

from distretto.firms.regions import canonical_region
from distretto.firms.vat import normalize_vat, vat_problem
from distretto.kit.params import INT32_MAX
from distretto.models.firms import FirmRole, SizeClass

Role = FirmRole
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=160)]
PhaseCode = Annotated[str, StringConstraints(min_length=1, max_length=40)]
Province = Annotated[
    str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Z]{2}$")
]


def _region(value: str) -> str:
    region = canonical_region(value)
    if region is None:
        raise ValueError("is not an Italian region")
    return region


class FirmCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    vat_number: str = Field(max_length=16)
    phases: list[PhaseCode] = Field(min_length=1, max_length=20)
    region: str = Field(max_length=60)
    province: Province | None = None
    size_class: SizeClass
    description: str = Field(default="", max_length=4000)

    @field_validator("vat_number")
    @classmethod
    def _vat(cls, value: str) -> str:
        vat = normalize_vat(value)
        problem = vat_problem(vat)
        if problem:
            raise ValueError(f"not a valid Italian VAT number: {problem}")
        return vat

    _check_region = field_validator("region")(_region)


class FirmUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    phases: list[PhaseCode] | None = Field(default=None, min_length=1, max_length=20)
    region: str | None = Field(default=None, max_length=60)
    province: Province | None = None
    size_class: SizeClass | None = None
    description: str | None = Field(default=None, max_length=4000)

    @field_validator("region")
    @classmethod
    def _region_or_none(cls, value: str | None) -> str | None:
        return None if value is None else _region(value)


class ReputationSummaryOut(BaseModel):
    """Overall scores (0 to 100, null before a concluded contract); details at /reputation."""

    supplier_score: float | None
    supplier_contracts: int
    client_score: float | None
    client_contracts: int


class CertificationBadge(BaseModel):
    """A certification on the public profile: its label and expiry, never the file."""

    label: str
    valid_until: date


class FirmOut(BaseModel):
    id: int
    # Bumped by every change of the profile; also the ETag (send it back as If-Match).
    revision: int
    name: str
    vat_number: str
    region: str
    province: str | None
    size_class: str
    description: str
    phases: list[str]
    status: str
    verified: bool
    ownership_group_id: int | None
    created_at: datetime
    # None until the firm has concluded a contract in either role.
    reputation: ReputationSummaryOut | None = None
    # Approved certifications not yet expired (sent and reviewed in distretto.documents).
    certifications: list[CertificationBadge] = []


class MemberIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: EmailStr = Field(max_length=254)
    role: Role


class MemberRoleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Role


class MemberOut(BaseModel):
    user_id: int
    email: str
    full_name: str
    role: str


class PhaseOut(BaseModel):
    code: str
    name: str
    name_it: str
    parent: str | None


class OwnershipGroupIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    firm_ids: list[Annotated[int, Field(ge=1, le=INT32_MAX)]] = Field(min_length=2, max_length=50)


class OwnershipGroupOut(BaseModel):
    id: int
    name: str
    firm_ids: list[int]
