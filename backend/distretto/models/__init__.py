"""Every table, imported once so alembic and the tests see the whole metadata."""

from distretto.models.audit import AuditEntry
from distretto.models.base import metadata
from distretto.models.consortia import Consortium, ConsortiumManager, ConsortiumMember
from distretto.models.contracts import (
    Contract,
    ContractMessage,
    ReputationScore,
    ReputationSnapshot,
    Review,
)
from distretto.models.events import Event, EventAudience
from distretto.models.firms import Firm, FirmPhase, Membership, OwnershipGroup, Phase
from distretto.models.identity import RefreshToken, User
from distretto.models.market import Bid, IdempotencyRecord, Order, OrderInvitation, Question

__all__ = [
    "AuditEntry",
    "Bid",
    "Consortium",
    "ConsortiumManager",
    "ConsortiumMember",
    "Contract",
    "ContractMessage",
    "Event",
    "EventAudience",
    "Firm",
    "FirmPhase",
    "IdempotencyRecord",
    "Membership",
    "Order",
    "OrderInvitation",
    "OwnershipGroup",
    "Phase",
    "Question",
    "RefreshToken",
    "ReputationScore",
    "ReputationSnapshot",
    "Review",
    "User",
    "metadata",
]
