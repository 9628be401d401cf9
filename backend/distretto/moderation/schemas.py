from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from distretto.kit.fields import NotBlank
from distretto.models.firms import FirmStatus as FirmStatus
from distretto.models.moderation import FlagResolution, FlagTarget
from distretto.models.moderation import FlagStatus as FlagStatus

TargetType = FlagTarget
Action = FlagResolution
Reason = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), NotBlank()
]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
RequiredNote = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000), NotBlank()
]
# Ids are 64-bit in the database; anything larger cannot name a row.
TargetId = Annotated[int, Field(ge=1, le=2**63 - 1)]


class FlagIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    target_type: TargetType
    target_id: TargetId
    reason: Reason
    details: Note = ""
    # The firm on whose behalf the user reports; defaults to their only firm.
    firm_id: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = None


class FlagOut(BaseModel):
    id: int
    target_type: str
    target_id: int
    reporter_user_id: int
    reporter_firm_id: int | None
    reason: str
    details: str
    status: str
    resolution: str | None
    resolution_note: str | None
    created_at: datetime
    resolved_at: datetime | None


class QueuedFlagOut(FlagOut):
    # (1 + upheld) / (2 + resolved) over the reporter's earlier flags: 0.5 for a newcomer.
    reporter_credibility: float


class TargetSummary(BaseModel):
    """What staff need to judge a flag, without the confidential parts (bid amounts)."""

    type: str
    id: int
    exists: bool
    label: str
    excerpt: str
    author_firm_id: int | None
    author_firm_name: str | None
    author_firm_status: str | None
    hidden: bool | None


class QueueItemOut(BaseModel):
    target_type: str
    target_id: int
    weight: float
    count: int
    first_flagged_at: datetime
    last_flagged_at: datetime
    # The flag to name when resolving: resolving it resolves every open flag on the target.
    flag_id: int
    target: TargetSummary
    flags: list[QueuedFlagOut]


class FlagResolutionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: Action
    note: Note = ""


class ResolutionOut(BaseModel):
    flag_id: int
    action: str
    note: str
    target_type: str
    target_id: int
    responsible_firm_id: int | None
    resolved_flag_ids: list[int]
    resolved_at: datetime


class SuspendIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: RequiredNote
    # Optional end of the suspension (in the future); without it, until reinstated.
    until: AwareDatetime | None = None


class StaffNoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: Note = ""


class ModeratedFirmOut(BaseModel):
    id: int
    name: str
    vat_number: str
    region: str
    status: str
    verified: bool
    warnings: int
    open_flags: int
    suspended_at: datetime | None
    suspension_reason: str | None
    suspended_until: datetime | None = None
    created_at: datetime


class AuditEntryOut(BaseModel):
    id: int
    at: datetime
    actor_user_id: int | None
    action: str
    target_type: str | None
    target_id: str | None
    reason: str
    ip: str | None
    details: dict[str, Any]
    # Resolved server-side so the log reads as names: the acting person, the firm or the
    # order/contract title the entry is about, and the firms its details name.
    actor_name: str | None = None
    target_name: str | None = None
    firm_names: dict[str, str] = {}


@dataclass(frozen=True)
class AuditFilters:
    """The audit log's filters, as the query string gives them."""

    action: str | None = None
    actor_user_id: int | None = None
    target_type: str | None = None
    target_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None
