from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, EmailStr, Field, StringConstraints
from pydantic.json_schema import SkipJsonSchema

from distretto.kit.fields import NotBlank
from distretto.kit.params import INT32_MAX
from distretto.models.firms import FirmRole, SizeClass

Role = FirmRole
Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=2, max_length=160), NotBlank()
]
PhaseCode = Annotated[str, StringConstraints(min_length=1, max_length=40)]
# A province by its code ("PO") or its name ("Prato"); checked against the region.
Province = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=2, max_length=40), NotBlank()
]
Country = Annotated[
    str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Za-z]{2}$")
]
Line = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), NotBlank()
]
PostalCode = Annotated[
    str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Za-z0-9 -]{3,10}$")
]
City = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80), NotBlank()
]
# SdI recipient code: 7 characters for firms, 6 for public bodies; "0000000" with a PEC.
SdiCode = Annotated[
    str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Za-z0-9]{6,7}$")
]
FiscalCode = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_upper=True, min_length=11, max_length=16),
    NotBlank(),
]
# REA: the chamber of commerce's register number, "PO-512345".
Rea = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Za-z]{2}-?[0-9]{1,8}$"),
]


class BillingIn(BaseModel):
    """Billing data an invoice needs (optional until the first invoice)."""

    address: Line | None = None
    postal_code: PostalCode | None = None
    city: City | None = None
    sdi_code: SdiCode | None = None
    pec: EmailStr | None = Field(default=None, max_length=254)
    fiscal_code: FiscalCode | None = None
    rea: Rea | None = None


class FirmCreate(BillingIn):
    model_config = ConfigDict(extra="forbid")

    name: Name
    # Validated for ``country`` (every EU country's rules); see ``firms.vat``.
    vat_number: str = Field(min_length=2, max_length=20)
    country: Country = "IT"
    phases: list[PhaseCode] = Field(min_length=1, max_length=20)
    # An Italian region for Italian firms; abroad, the firm's region or state as written.
    region: str = Field(min_length=1, max_length=60)
    province: Province | None = None
    size_class: SizeClass
    description: str = Field(default="", max_length=4000)


class FirmUpdate(BillingIn):
    """Only the fields sent change. null is no name, region, size class or description:
    the schema says so (``SkipJsonSchema``) and the service refuses it (422
    ``validation.not_null``)."""

    model_config = ConfigDict(extra="forbid")

    name: Name | SkipJsonSchema[None] = None
    phases: list[PhaseCode] | None = Field(default=None, min_length=1, max_length=20)
    region: Annotated[str, Field(min_length=1, max_length=60)] | SkipJsonSchema[None] = None
    province: Province | None = None
    size_class: SizeClass | SkipJsonSchema[None] = None
    description: Annotated[str, Field(max_length=4000)] | SkipJsonSchema[None] = None


class BillingOut(BaseModel):
    """The firm's billing data (its members and staff; the parties' invoices use it)."""

    firm_id: int
    name: str
    vat_number: str
    country: str
    region: str
    province: str | None
    address: str | None
    postal_code: str | None
    city: str | None
    sdi_code: str | None
    pec: str | None
    fiscal_code: str | None
    rea: str | None


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
    country: str = "IT"
    region: str
    province: str | None
    city: str | None = None
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
    # Two different firms at least: the schema says so (uniqueItems), the service checks it.
    firm_ids: list[Annotated[int, Field(ge=1, le=INT32_MAX)]] = Field(
        min_length=2, max_length=50, json_schema_extra={"uniqueItems": True}
    )


class OwnershipGroupOut(BaseModel):
    id: int
    name: str
    firm_ids: list[int]
