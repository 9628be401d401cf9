"""Every table, imported once so alembic and the tests see the whole metadata."""

from distretto.models.audit import AuditEntry
from distretto.models.base import metadata
from distretto.models.consortia import (
    Campaign,
    CampaignParticipation,
    Consortium,
    ConsortiumManager,
    ConsortiumMember,
    QualitySeal,
    SealGrant,
    TradeFair,
    TradeFairParticipation,
)
from distretto.models.contracts import (
    Contract,
    ContractMessage,
    Review,
)
from distretto.models.events import Event, EventAudience
from distretto.models.firms import Firm, FirmPhase, Membership, OwnershipGroup, Phase
from distretto.models.identity import OidcIdentity, RefreshToken, User
from distretto.models.market import Bid, IdempotencyRecord, Order, OrderInvitation, Question
from distretto.models.moderation import FirmWarning, Flag
from distretto.models.notifications import Notification, OutboxCursor
from distretto.models.reputation import ReputationDistrictMean, ReputationScore, ReputationSnapshot
from distretto.models.training import Course, CourseSession, Enrolment, SessionAttendance

__all__ = [
    "AuditEntry",
    "Bid",
    "Campaign",
    "CampaignParticipation",
    "Consortium",
    "ConsortiumManager",
    "ConsortiumMember",
    "Contract",
    "ContractMessage",
    "Course",
    "CourseSession",
    "Enrolment",
    "Event",
    "EventAudience",
    "Firm",
    "FirmPhase",
    "FirmWarning",
    "Flag",
    "IdempotencyRecord",
    "Membership",
    "Notification",
    "OidcIdentity",
    "Order",
    "OrderInvitation",
    "OutboxCursor",
    "OwnershipGroup",
    "Phase",
    "QualitySeal",
    "Question",
    "RefreshToken",
    "ReputationDistrictMean",
    "ReputationScore",
    "ReputationSnapshot",
    "Review",
    "SealGrant",
    "SessionAttendance",
    "TradeFair",
    "TradeFairParticipation",
    "User",
    "metadata",
]
