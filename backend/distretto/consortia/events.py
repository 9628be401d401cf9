"""Consortia's live events: managers hear of requests, members of new activities."""

from datetime import date, datetime
from typing import ClassVar

from distretto.kit.events import EventPayload
from distretto.models.consortia import MemberStatus


class MembershipRequested(EventPayload):
    TYPE: ClassVar[str] = "membership.requested"
    consortium_id: int
    firm_id: int
    firm_name: str


class MembershipDecision(EventPayload):
    consortium_id: int
    firm_id: int
    status: MemberStatus


class MembershipApproved(MembershipDecision):
    TYPE: ClassVar[str] = "membership.approved"


class MembershipRejected(MembershipDecision):
    TYPE: ClassVar[str] = "membership.rejected"


class MembershipEnded(MembershipDecision):
    TYPE: ClassVar[str] = "membership.ended"


class CampaignCreated(EventPayload):
    TYPE: ClassVar[str] = "campaign.created"
    campaign_id: int
    consortium_id: int
    consortium_name: str
    title: str
    starts_on: date


class TradeFairCreated(EventPayload):
    TYPE: ClassVar[str] = "trade_fair.created"
    trade_fair_id: int
    consortium_id: int
    consortium_name: str
    name: str
    city: str
    starts_on: date
    signup_deadline: datetime


class SealGranted(EventPayload):
    TYPE: ClassVar[str] = "seal.granted"
    seal_id: int
    seal_name: str
    firm_id: int


class SealRevoked(EventPayload):
    TYPE: ClassVar[str] = "seal.revoked"
    seal_id: int
    seal_name: str
    firm_id: int
