"""Every table, imported once so alembic and the tests see the whole metadata."""

from distretto.models.audit import AuditEntry
from distretto.models.base import metadata
from distretto.models.capacity import CapacityBooking, CapacityWeek
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
from distretto.models.documents import Attachment, FirmDocument
from distretto.models.events import Event, EventAudience
from distretto.models.firms import Firm, FirmPhase, Membership, OwnershipGroup, Phase
from distretto.models.forum import (
    ConsultationVote,
    ForumCategory,
    ForumPost,
    ForumRevision,
    ForumTopic,
)
from distretto.models.guarantees import Guarantee, GuaranteeCap
from distretto.models.identity import OidcIdentity, RefreshToken, User
from distretto.models.mail import (
    AccountToken,
    Email,
    FirmInvitation,
    MailSettings,
    SavedSearch,
    ScheduledRun,
)
from distretto.models.market import Bid, IdempotencyRecord, Order, OrderInvitation, Question
from distretto.models.moderation import FirmWarning, Flag
from distretto.models.notifications import Notification, OutboxCursor
from distretto.models.reputation import ReputationDistrictMean, ReputationScore, ReputationSnapshot
from distretto.models.tariffs import ReferenceTariff
from distretto.models.trade import DeliveryLot, UnitOfMeasure
from distretto.models.training import Course, CourseSession, Enrolment, SessionAttendance

__all__ = [
    "AccountToken",
    "Attachment",
    "AuditEntry",
    "Bid",
    "Campaign",
    "CampaignParticipation",
    "CapacityBooking",
    "CapacityWeek",
    "Consortium",
    "ConsortiumManager",
    "ConsortiumMember",
    "ConsultationVote",
    "Contract",
    "ContractMessage",
    "Course",
    "CourseSession",
    "DeliveryLot",
    "Email",
    "Enrolment",
    "Event",
    "EventAudience",
    "Firm",
    "FirmDocument",
    "FirmInvitation",
    "FirmPhase",
    "FirmWarning",
    "Flag",
    "ForumCategory",
    "ForumPost",
    "ForumRevision",
    "ForumTopic",
    "Guarantee",
    "GuaranteeCap",
    "IdempotencyRecord",
    "MailSettings",
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
    "ReferenceTariff",
    "RefreshToken",
    "ReputationDistrictMean",
    "ReputationScore",
    "ReputationSnapshot",
    "Review",
    "SavedSearch",
    "ScheduledRun",
    "SealGrant",
    "SessionAttendance",
    "TradeFair",
    "TradeFairParticipation",
    "UnitOfMeasure",
    "User",
    "metadata",
]
