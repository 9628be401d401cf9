"""Files: technical attachments of orders, bids and contracts, and firm credentials.

The bytes live in object storage (``distretto.documents.storage``) under a key we
generate; a row here is what makes an object count. An object without a row (a failed
transaction after the upload was stored) is swept by ``distretto documents sweep``.
"""

import enum
from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Column, Date, ForeignKey, Index, String
from sqlmodel import Field, SQLModel

from distretto.kit import clock
from distretto.models.base import BigId, EnumText, UTCDateTime, one_of


class FileKind(enum.StrEnum):
    """What the bytes are, as sniffed from them (never from the name)."""

    PDF = "application/pdf"
    PNG = "image/png"
    JPEG = "image/jpeg"
    WEBP = "image/webp"
    XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    DXF = "image/vnd.dxf"
    ZIP = "application/zip"


class CredentialKind(enum.StrEnum):
    CHAMBER_EXTRACT = "chamber_extract"
    DURC = "durc"
    CERTIFICATION = "certification"


class CredentialStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class Attachment(SQLModel, table=True):
    """A file on exactly one parent: an order, a bid or a contract (optionally one of the
    contract's messages). Whoever reads the parent reads the file."""

    __tablename__ = "attachments"
    __table_args__ = (
        one_of("content_type", FileKind),
        CheckConstraint(
            "(CASE WHEN order_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN bid_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN contract_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_parent",
        ),
        CheckConstraint(
            "message_id IS NULL OR contract_id IS NOT NULL", name="message_of_contract"
        ),
        CheckConstraint("size >= 0", name="size_not_negative"),
        Index("ix_attachments_order", "order_id", "id"),
        Index("ix_attachments_bid", "bid_id", "id"),
        Index("ix_attachments_contract", "contract_id", "id"),
    )

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    order_id: int | None = Field(
        default=None,
        sa_column=Column(BigId, ForeignKey("orders.id", ondelete="CASCADE"), nullable=True),
    )
    bid_id: int | None = Field(
        default=None,
        sa_column=Column(BigId, ForeignKey("bids.id", ondelete="CASCADE"), nullable=True),
    )
    contract_id: int | None = Field(
        default=None,
        sa_column=Column(BigId, ForeignKey("contracts.id", ondelete="CASCADE"), nullable=True),
    )
    message_id: int | None = Field(
        default=None,
        sa_column=Column(
            BigId, ForeignKey("contract_messages.id", ondelete="CASCADE"), nullable=True
        ),
    )
    uploaded_by_firm_id: int = Field(sa_column=Column(ForeignKey("firms.id"), nullable=False))
    uploaded_by_user_id: int | None = Field(
        default=None, sa_column=Column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    )
    filename: str = Field(max_length=255)
    title: str = Field(default="", max_length=200)
    content_type: str = Field(max_length=100)
    size: int = Field(sa_column=Column(BigInteger, nullable=False))
    sha256: str = Field(max_length=64)
    storage_key: str = Field(sa_column=Column(String(200), nullable=False, unique=True))
    thumbnail_key: str | None = Field(
        default=None, sa_column=Column(String(200), nullable=True, unique=True)
    )
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)


class FirmDocument(SQLModel, table=True):
    """A credential a firm shows the association: chamber extract, DURC, certification.

    Staff approve or reject it; an approved certification that has not expired is a
    badge on the public profile (label and expiry only: the file stays private)."""

    __tablename__ = "firm_documents"
    __table_args__ = (
        one_of("kind", CredentialKind),
        one_of("status", CredentialStatus),
        one_of("content_type", FileKind),
        Index("ix_firm_documents_firm", "firm_id", "id"),
        Index("ix_firm_documents_status", "status", "id"),
        Index("ix_firm_documents_valid_until", "valid_until"),
    )

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    firm_id: int = Field(
        sa_column=Column(ForeignKey("firms.id", ondelete="CASCADE"), nullable=False)
    )
    kind: CredentialKind = Field(sa_type=EnumText(CredentialKind, 20))
    label: str = Field(max_length=120)
    valid_until: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    status: CredentialStatus = Field(
        default=CredentialStatus.PENDING, sa_type=EnumText(CredentialStatus, 12)
    )
    uploaded_by_user_id: int | None = Field(
        default=None, sa_column=Column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    )
    filename: str = Field(max_length=255)
    content_type: str = Field(max_length=100)
    size: int = Field(sa_column=Column(BigInteger, nullable=False))
    sha256: str = Field(max_length=64)
    storage_key: str = Field(sa_column=Column(String(200), nullable=False, unique=True))
    reviewed_by_user_id: int | None = Field(
        default=None, sa_column=Column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    )
    reviewed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    review_note: str = Field(default="", max_length=2000)
    # Set when the firm was told the document expires soon, so it is told once.
    expiry_notified_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
