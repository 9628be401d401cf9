"""The certifications a public firm profile shows (called by ``firms.service``)."""

from collections.abc import Sequence
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from distretto.documents.repository import FirmDocumentRepository
from distretto.documents.schemas import CertificationBadge


async def certification_badges(
    session: AsyncSession, firm_ids: Sequence[int], today: date
) -> dict[int, list[CertificationBadge]]:
    """Approved certifications not expired on ``today``: label and expiry, never the file."""
    found = await FirmDocumentRepository(session).badges(firm_ids, today)
    return {
        firm_id: [
            CertificationBadge(label=d.label, valid_until=d.valid_until)
            for d in documents
            if d.valid_until is not None
        ]
        for firm_id, documents in found.items()
    }
