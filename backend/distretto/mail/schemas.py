from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints

from distretto.kit.fields import WholeNumber
from distretto.models.mail import MailLanguage, MailMode

Trimmed = StringConstraints(strip_whitespace=True)


class MailKinds(BaseModel):
    """Which kinds of news a user wants by email (all of them by default)."""

    model_config = ConfigDict(extra="forbid")

    # Strict: a 0 or "no" is a mistake to refuse, not a False to guess.
    order_matching: StrictBool = True
    bids: StrictBool = True
    awards: StrictBool = True
    contracts: StrictBool = True
    messages: StrictBool = True
    consortium: StrictBool = True
    moderation: StrictBool = True


class NotificationSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: MailMode = MailMode.IMMEDIATE
    language: MailLanguage = MailLanguage.IT
    kinds: MailKinds = Field(default_factory=MailKinds)


class SavedSearchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Trimmed, Field(min_length=1, max_length=80)]
    phase: Annotated[str, Trimmed, Field(min_length=1, max_length=40)] | None = None
    region: Annotated[str, Trimmed, Field(min_length=1, max_length=60)] | None = None
    province: Annotated[str, Trimmed, Field(min_length=2, max_length=4)] | None = None
    q: Annotated[str, Trimmed, Field(min_length=1, max_length=200)] | None = None
    min_quantity: Annotated[int, Field(ge=1, le=1_000_000_000), WholeNumber] | None = None


class SavedSearchOut(BaseModel):
    id: int
    name: str
    phase: str | None
    region: str | None
    province: str | None
    q: str | None
    min_quantity: int | None
    created_at: datetime


class UnsubscribeOut(BaseModel):
    """What the link turned off: one kind, or all email (``kind`` null)."""

    kind: str | None
    email: MailMode
