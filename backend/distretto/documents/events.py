"""What documents tell whom. Payloads carry names and labels, never the files."""

from datetime import date
from typing import ClassVar

from distretto.kit.events import EventPayload
from distretto.models.documents import CredentialKind, CredentialStatus


class ContractFileAdded(EventPayload):
    """To both firms of the contract."""

    TYPE: ClassVar[str] = "contract.file_added"
    contract_id: int
    attachment_id: int
    filename: str
    uploaded_by_firm_id: int


class FirmDocumentSubmitted(EventPayload):
    """To staff: a credential waits in the review queue."""

    TYPE: ClassVar[str] = "firm_document.submitted"
    document_id: int
    firm_id: int
    kind: CredentialKind
    label: str


class FirmDocumentReviewed(EventPayload):
    """To the firm: its credential was approved or rejected."""

    TYPE: ClassVar[str] = "firm_document.reviewed"
    document_id: int
    firm_id: int
    kind: CredentialKind
    label: str
    status: CredentialStatus
    note: str


class FirmDocumentExpiring(EventPayload):
    """To the firm, once, 30 days (or less) before an approved credential expires."""

    TYPE: ClassVar[str] = "firm_document.expiring"
    document_id: int
    firm_id: int
    kind: CredentialKind
    label: str
    valid_until: date
