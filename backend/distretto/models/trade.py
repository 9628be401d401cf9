"""Trade conventions: the units catalogue and the lots a contract is delivered in."""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, Date, ForeignKey, Index, String
from sqlmodel import Field, SQLModel

from distretto.kit import clock
from distretto.models.base import BigId, EnumText, Quantity, UTCDateTime, one_of


class UnitKind(StrEnum):
    """What a unit of measure measures."""

    COUNT = "count"
    LENGTH = "length"
    MASS = "mass"
    AREA = "area"


class PaymentMethod(StrEnum):
    """How the client pays: bank transfer, Ri.Ba. (bank receipt), RID/SDD (direct debit)."""

    BONIFICO = "bonifico"
    RIBA = "riba"
    RID = "rid"


class VatNature(StrEnum):
    """FatturaPA ``Natura`` codes of a 0% line the sector uses: reverse charge between
    subcontractors (N6.x), intra-EU (N3.2) and export (N3.1) supplies."""

    N3_1 = "N3.1"
    N3_2 = "N3.2"
    N6_1 = "N6.1"
    N6_2 = "N6.2"
    N6_9 = "N6.9"


class LotStatus(StrEnum):
    """A delivered lot: waiting for the client, or checked by it."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    DISPUTED = "disputed"


class UnitOfMeasure(SQLModel, table=True):
    """The units catalogue (reference data loaded by migration 0080)."""

    __tablename__ = "units"
    __table_args__ = (one_of("kind", UnitKind),)

    code: str = Field(sa_column=Column(String(10), primary_key=True))
    name_it: str = Field(max_length=60)
    name_en: str = Field(max_length=60)
    kind: UnitKind = Field(sa_type=EnumText(UnitKind, 10))


class DeliveryLot(SQLModel, table=True):
    """One delivery of part of a contract, with its transport document (DDT)."""

    __tablename__ = "delivery_lots"
    __table_args__ = (
        one_of("status", LotStatus),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("accepted_quantity >= 0", name="accepted_not_negative"),
        CheckConstraint("rejected_quantity >= 0", name="rejected_not_negative"),
        Index("ix_delivery_lots_contract", "contract_id", "id"),
    )

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    contract_id: int = Field(
        sa_column=Column(BigId, ForeignKey("contracts.id", ondelete="CASCADE"), nullable=False)
    )
    quantity: Decimal = Field(sa_type=Quantity)
    ddt_number: str = Field(max_length=40)
    ddt_date: date = Field(sa_type=Date)
    status: LotStatus = Field(default=LotStatus.PENDING, sa_type=EnumText(LotStatus, 10))
    accepted_quantity: Decimal = Field(default=Decimal(0), sa_type=Quantity)
    rejected_quantity: Decimal = Field(default=Decimal(0), sa_type=Quantity)
    note: str = Field(default="", max_length=2000)
    # Delivered on or before the contract's due date (a signal for reputation).
    on_time: bool = Field(default=True)
    recorded_by_user_id: int | None = Field(
        default=None, sa_column=Column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    )
    checked_by_user_id: int | None = Field(
        default=None, sa_column=Column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    )
    delivered_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    checked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
