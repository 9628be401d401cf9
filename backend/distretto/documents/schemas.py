from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from distretto.models.documents import CredentialKind, FileKind
from distretto.models.documents import CredentialStatus as CredentialStatus

ParentType = Literal["order", "bid", "contract"]


class AttachmentOut(BaseModel):
    id: int
    filename: str
    title: str
    content_type: str
    size: int
    sha256: str
    uploaded_by_firm_id: int
    uploaded_by_firm_name: str
    created_at: datetime
    parent_type: ParentType
    parent_id: int
    message_id: int | None = None
    # A preview at /attachments/{id}/thumbnail (PNG, JPEG and WebP pictures).
    has_thumbnail: bool


class OrderCoverOut(BaseModel):
    """The first picture of an order, for the board's cards."""

    order_id: int
    attachment_id: int


class FirmDocumentOut(BaseModel):
    id: int
    firm_id: int
    firm_name: str
    kind: CredentialKind
    label: str
    valid_until: date | None
    status: CredentialStatus
    filename: str
    content_type: str
    size: int
    sha256: str
    created_at: datetime
    reviewed_at: datetime | None
    review_note: str
    # Past ``valid_until`` today (an expired certification is no longer a badge).
    expired: bool


class DocumentReviewIn(BaseModel):
    note: str = Field(default="", max_length=2000)


# A file is served with the type sniffed from its bytes at upload (never from its name):
# the download routes document each type the platform accepts, so a client (and the
# schema's own checks) know a ZIP or a drawing may come back, not only octet-stream.
FILE_CONTENT: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {
            kind.value: {"schema": {"type": "string", "format": "binary"}} for kind in FileKind
        }
    }
}
