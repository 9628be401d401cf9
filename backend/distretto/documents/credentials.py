"""Firm credentials: chamber extracts, DURC, certifications, checked by staff.

A firm's managers send one (status ``pending``); staff approve or reject it with a note
(audited). An approved certification is a badge on the public profile, label and expiry
only, until the day it expires: that is read against the clock, so no job has to take
badges down. ``notify_expiring`` tells a firm, once, 30 days before a credential expires.
"""

from datetime import date, datetime, timedelta

from pydantic import TypeAdapter, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from distretto.auth.viewer import Viewer
from distretto.documents import events, policies, schemas
from distretto.documents.receiving import receive_upload
from distretto.documents.repository import AttachmentRepository, FirmDocumentRepository
from distretto.documents.service import (
    Download,
    IncomingBody,
    discard,
    open_stored,
    store_received,
)
from distretto.documents.storage import Storage
from distretto.kit import audit
from distretto.kit.clock import district_date
from distretto.kit.errors import Conflict, Invalid, NotFound
from distretto.kit.events import STAFF, emit, firm_key
from distretto.models import FirmDocument
from distretto.models.documents import CredentialKind, CredentialStatus

EXPIRY_NOTICE_DAYS = 30
MAX_LABEL_CHARS = 120
_DATE = TypeAdapter(date)


def document_out(document: FirmDocument, firm_name: str, today: date) -> schemas.FirmDocumentOut:
    assert document.id is not None
    return schemas.FirmDocumentOut(
        id=document.id,
        firm_id=document.firm_id,
        firm_name=firm_name,
        kind=CredentialKind(document.kind),
        label=document.label,
        valid_until=document.valid_until,
        status=CredentialStatus(document.status),
        filename=document.filename,
        content_type=document.content_type,
        size=document.size,
        sha256=document.sha256,
        created_at=document.created_at,
        reviewed_at=document.reviewed_at,
        review_note=document.review_note,
        expired=document.valid_until is not None and document.valid_until < today,
    )


def _kind(fields: dict[str, str]) -> CredentialKind:
    try:
        return CredentialKind(fields.get("kind", "").strip())
    except ValueError as exc:
        raise Invalid(
            "kind",
            "must be one of chamber_extract, durc, certification",
            code="documents.bad_kind",
        ) from exc


def _label(fields: dict[str, str], kind: CredentialKind) -> str:
    label = " ".join(fields.get("label", "").split())
    if len(label) > MAX_LABEL_CHARS:
        raise Invalid(
            "label",
            f"at most {MAX_LABEL_CHARS} characters",
            code="documents.label_too_long",
            params={"max_length": MAX_LABEL_CHARS},
        )
    if not label:
        if kind is CredentialKind.CERTIFICATION:
            raise Invalid(
                "label", "name the certification (GOTS, OEKO-TEX…)", code="documents.label_required"
            )
        label = {CredentialKind.CHAMBER_EXTRACT: "Visura camerale", CredentialKind.DURC: "DURC"}[
            kind
        ]
    return label


def _valid_until(fields: dict[str, str], kind: CredentialKind, today: date) -> date | None:
    raw = fields.get("valid_until", "").strip()
    if not raw:
        if kind is CredentialKind.CERTIFICATION:
            raise Invalid(
                "valid_until", "is required for a certification", code="documents.expiry_required"
            )
        return None
    try:
        value = _DATE.validate_python(raw)
    except ValidationError as exc:
        raise Invalid(
            "valid_until", "is not a date (YYYY-MM-DD)", code="documents.bad_date"
        ) from exc
    if value < today:
        raise Invalid("valid_until", "is already past", code="documents.already_expired")
    return value


async def _firm_name(session: AsyncSession, firm_id: int) -> str:
    firm = await FirmDocumentRepository(session).firm(firm_id)
    if firm is None:
        raise NotFound(f"Firm {firm_id} not found", code="firm.not_found")
    return firm.name


async def submit(
    session: AsyncSession,
    storage: Storage,
    viewer: Viewer,
    firm_id: int,
    body: IncomingBody,
    max_bytes: int,
    now: datetime,
) -> schemas.FirmDocumentOut:
    policies.require_credential_manager(viewer, firm_id)
    firm_name = await _firm_name(session, firm_id)
    async with receive_upload(
        body.stream, body.content_type, body.content_length, max_bytes
    ) as received:
        kind = _kind(received.fields)
        label = _label(received.fields, kind)
        valid_until = _valid_until(received.fields, kind, district_date(now))
        stored = await store_received(storage, received, thumbnail=False)
    document = FirmDocument(
        firm_id=firm_id,
        kind=kind,
        label=label,
        valid_until=valid_until,
        uploaded_by_user_id=viewer.user_id,
        filename=received.filename,
        content_type=stored.kind.value,
        size=received.size,
        sha256=received.sha256,
        storage_key=stored.storage_key,
        created_at=now,
    )
    try:
        await FirmDocumentRepository(session).add(document)
    except BaseException:
        await discard(storage, stored.storage_key)
        raise
    assert document.id is not None
    await emit(
        session,
        events.FirmDocumentSubmitted(
            document_id=document.id, firm_id=firm_id, kind=kind, label=label
        ),
        [STAFF],
    )
    return document_out(document, firm_name, district_date(now))


async def list_for_firm(
    session: AsyncSession, viewer: Viewer, firm_id: int, now: datetime
) -> list[schemas.FirmDocumentOut]:
    policies.require_credential_reader(viewer, firm_id)
    firm_name = await _firm_name(session, firm_id)
    rows = await FirmDocumentRepository(session).of_firm(firm_id)
    return [document_out(d, firm_name, district_date(now)) for d in rows]


async def download(
    session: AsyncSession,
    storage: Storage,
    viewer: Viewer,
    firm_id: int,
    document_id: int,
    now: datetime,
) -> Download:
    policies.require_credential_reader(viewer, firm_id)
    document = await FirmDocumentRepository(session).of_firm_by_id(firm_id, document_id)
    if document is None:
        raise NotFound(f"Document {document_id} not found", code="documents.not_found")
    chunks = await open_stored(storage, document.storage_key)
    return Download(chunks, document.filename, document.content_type, document.size)


async def review_queue(
    session: AsyncSession, status: CredentialStatus, limit: int, now: datetime
) -> list[schemas.FirmDocumentOut]:
    rows = await FirmDocumentRepository(session).queue(status, limit)
    names = await AttachmentRepository(session).firm_names(d.firm_id for d in rows)
    return [document_out(d, names.get(d.firm_id, ""), district_date(now)) for d in rows]


async def review(
    session: AsyncSession,
    viewer: Viewer,
    document_id: int,
    decision: CredentialStatus,
    data: schemas.DocumentReviewIn,
    now: datetime,
) -> schemas.FirmDocumentOut:
    repo = FirmDocumentRepository(session)
    document = await repo.get(document_id)
    if document is None:
        raise NotFound(f"Document {document_id} not found", code="documents.not_found")
    note = data.note.strip()
    if decision is CredentialStatus.REJECTED and not note:
        raise Invalid("note", "say why the document is rejected", code="documents.note_required")
    expired = document.valid_until is not None and document.valid_until < district_date(now)
    if decision is CredentialStatus.APPROVED and expired:
        raise Conflict("The document has expired", code="documents.expired")
    reviewed = await repo.review(
        document_id,
        {
            "status": decision,
            "review_note": note,
            "reviewed_by_user_id": viewer.user_id,
            "reviewed_at": now,
        },
    )
    if not reviewed:
        raise Conflict(
            f"The document was already {document.status}",
            code="documents.already_reviewed",
            params={"status": document.status},
        )
    document = await repo.get(document_id)
    assert document is not None
    await audit.record(
        session,
        f"documents.{decision.value}",
        actor_user_id=viewer.user_id,
        target_type="firm_document",
        target_id=document_id,
        reason=note,
        firm_id=document.firm_id,
        kind=document.kind,
        label=document.label,
    )
    await emit(
        session,
        events.FirmDocumentReviewed(
            document_id=document_id,
            firm_id=document.firm_id,
            kind=document.kind,
            label=document.label,
            status=decision,
            note=note,
        ),
        [firm_key(document.firm_id), STAFF],
    )
    return document_out(document, await _firm_name(session, document.firm_id), district_date(now))


async def notify_expiring(session: AsyncSession, now: datetime) -> int:
    """Tell each firm once about every approved credential expiring within 30 days; the
    scheduler (or ``distretto documents notify-expiring``) calls it daily. Returns how
    many notices were sent."""
    repo = FirmDocumentRepository(session)
    today = district_date(now)
    sent = 0
    for document in await repo.expiring_unnotified(
        today, today + timedelta(days=EXPIRY_NOTICE_DAYS)
    ):
        assert document.id is not None and document.valid_until is not None
        if not await repo.mark_notified(document.id, now):
            continue
        await emit(
            session,
            events.FirmDocumentExpiring(
                document_id=document.id,
                firm_id=document.firm_id,
                kind=document.kind,
                label=document.label,
                valid_until=document.valid_until,
            ),
            [firm_key(document.firm_id)],
        )
        sent += 1
    return sent
