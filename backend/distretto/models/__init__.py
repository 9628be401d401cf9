"""Every table, imported once so alembic and the tests see the whole metadata."""

from distretto.models.audit import AuditEntry
from distretto.models.base import metadata
from distretto.models.consortia import Consortium, ConsortiumManager, ConsortiumMember
from distretto.models.events import Event, EventAudience
from distretto.models.firms import Firm, FirmPhase, Membership, OwnershipGroup, Phase
from distretto.models.identity import RefreshToken, User

__all__ = [
    "AuditEntry",
    "Consortium",
    "ConsortiumManager",
    "ConsortiumMember",
    "Event",
    "EventAudience",
    "Firm",
    "FirmPhase",
    "Membership",
    "OwnershipGroup",
    "Phase",
    "RefreshToken",
    "User",
    "metadata",
]
