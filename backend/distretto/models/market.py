"""The community market: orders, invitations, bids, questions, idempotency records."""

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    text,
)
from sqlmodel import Field, SQLModel

from distretto.kit import clock
from distretto.models.base import (
    BigId,
    EnumText,
    Money,
    Percent,
    Quantity,
    UnitPrice,
    UTCDateTime,
    one_of,
)
from distretto.models.trade import PaymentMethod, VatNature


class OrderStatus(StrEnum):
    """The life of a production order."""

    DRAFT = "draft"
    OPEN = "open"
    AWARDED = "awarded"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class OrderVisibility(StrEnum):
    """Who may see an order."""

    PUBLIC = "public"
    INVITED = "invited"
    CONSORTIUM = "consortium"


class BidStatus(StrEnum):
    """The life of a bid."""

    ACTIVE = "active"
    NEEDS_CONFIRMATION = "needs_confirmation"
    WITHDRAWN = "withdrawn"
    REJECTED = "rejected"
    AWARDED = "awarded"


# Statuses in which a bid still counts as the firm's one live bid on the order.
LIVE_BID_STATUSES = (BidStatus.ACTIVE, BidStatus.NEEDS_CONFIRMATION, BidStatus.AWARDED)
# The text the board's full-text search reads on PostgreSQL, written exactly as
# PostgreSQL prints it back so alembic sees the GIN index below as unchanged. Queries
# must use the same expression (``market.repository``) for the planner to pick the index.
ORDER_SEARCH_DOCUMENT = (
    "to_tsvector('simple'::regconfig, (title::text || ' '::text) || description::text)"
)


class Order(SQLModel, table=True):
    __tablename__ = "orders"
    __table_args__ = (
        one_of("status", OrderStatus),
        one_of("visibility", OrderVisibility),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        one_of("payment_method", PaymentMethod),
        one_of("vat_nature", VatNature, nullable=True),
        CheckConstraint("payment_days BETWEEN 30 AND 120", name="payment_days"),
        Index("ix_orders_status_id", "status", "id"),
        Index("ix_orders_phase_id", "phase", "id"),
        Index("ix_orders_client_id", "client_firm_id", "id"),
        # PostgreSQL only (migrations 0002b, 0002d); SQLite searches with LIKE.
        Index("ix_orders_search", text(ORDER_SEARCH_DOCUMENT), postgresql_using="gin").ddl_if(
            dialect="postgresql"
        ),
        # The open board's searches: only the open orders' entries.
        Index(
            "ix_orders_open_search",
            text(ORDER_SEARCH_DOCUMENT),
            postgresql_using="gin",
            postgresql_where=text("status::text = 'open'::text"),
        ).ddl_if(dialect="postgresql"),
    )

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    client_firm_id: int = Field(sa_column=Column(ForeignKey("firms.id"), nullable=False))
    created_by_user_id: int | None = Field(
        default=None, sa_column=Column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    )
    title: str = Field(max_length=200)
    description: str = Field(default="", max_length=8000)
    phase: str = Field(sa_column=Column(String(40), ForeignKey("phases.code"), nullable=False))
    quantity: Decimal = Field(sa_type=Quantity)
    unit: str = Field(max_length=20)
    target_unit_price: Decimal | None = Field(default=None, sa_type=UnitPrice)
    # The trade terms the client proposes (issue 13): VAT, payment terms, delivery tolerance.
    vat_rate: Decimal = Field(default=Decimal("22.00"), sa_type=Percent)
    vat_nature: VatNature | None = Field(default=None, sa_type=EnumText(VatNature, 6))
    payment_method: PaymentMethod = Field(
        default=PaymentMethod.BONIFICO, sa_type=EnumText(PaymentMethod, 10)
    )
    payment_days: int = Field(default=30)
    payment_end_of_month: bool = Field(default=False)
    delivery_tolerance_percent: Decimal = Field(default=Decimal("0.00"), sa_type=Percent)
    bid_deadline: datetime = Field(sa_type=UTCDateTime)
    delivery_due: date = Field(sa_type=Date)
    visibility: OrderVisibility = Field(
        default=OrderVisibility.PUBLIC, sa_type=EnumText(OrderVisibility, 12)
    )
    consortium_id: int | None = Field(
        default=None, sa_column=Column(ForeignKey("consortia.id"), nullable=True, index=True)
    )
    sealed: bool = Field(default=False)
    parent_contract_id: int | None = Field(
        default=None,
        sa_column=Column(
            BigId, ForeignKey("contracts.id", use_alter=True), nullable=True, index=True
        ),
    )
    region: str = Field(max_length=60, index=True)
    status: OrderStatus = Field(default=OrderStatus.OPEN, sa_type=EnumText(OrderStatus, 12))
    revision: int = Field(default=1)
    hidden: bool = Field(default=False)
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)


class OrderInvitation(SQLModel, table=True):
    __tablename__ = "order_invitations"

    order_id: int = Field(
        sa_column=Column(BigId, ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True)
    )
    firm_id: int = Field(
        sa_column=Column(ForeignKey("firms.id", ondelete="CASCADE"), primary_key=True, index=True)
    )


class Bid(SQLModel, table=True):
    __tablename__ = "bids"
    __table_args__ = (
        one_of("status", BidStatus),
        CheckConstraint("unit_price > 0", name="unit_price_positive"),
        one_of("payment_method", PaymentMethod),
        CheckConstraint("payment_days BETWEEN 30 AND 120", name="payment_days"),
        # One live bid per firm per order, enforced by the database itself.
        Index(
            "uq_bids_one_live_per_firm",
            "order_id",
            "firm_id",
            unique=True,
            sqlite_where=text("status IN ('active','needs_confirmation','awarded')"),
            postgresql_where=text("status IN ('active','needs_confirmation','awarded')"),
        ),
        Index("ix_bids_order_id", "order_id", "id"),
        Index("ix_bids_firm_id", "firm_id", "id"),
    )

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    order_id: int = Field(
        sa_column=Column(BigId, ForeignKey("orders.id", ondelete="CASCADE"), nullable=False)
    )
    firm_id: int = Field(sa_column=Column(ForeignKey("firms.id"), nullable=False))
    created_by_user_id: int | None = Field(
        default=None, sa_column=Column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    )
    unit_price: Decimal = Field(sa_type=UnitPrice)
    total_price: Decimal = Field(sa_type=Money)
    delivery_date: date = Field(sa_type=Date)
    notes: str = Field(default="", max_length=2000)
    # The payment terms the bidder confirms (the order's unless it proposes others).
    payment_method: PaymentMethod = Field(
        default=PaymentMethod.BONIFICO, sa_type=EnumText(PaymentMethod, 10)
    )
    payment_days: int = Field(default=30)
    payment_end_of_month: bool = Field(default=False)
    status: BidStatus = Field(default=BidStatus.ACTIVE, sa_type=EnumText(BidStatus, 20))
    order_revision: int = Field(default=1)
    hidden: bool = Field(default=False)
    # The reference tariff in force for the order's phase and unit when the bid was made
    # (or last revised or confirmed), and whether its unit price was below the minimum.
    tariff_id: int | None = Field(
        default=None,
        sa_column=Column(
            BigId, ForeignKey("reference_tariffs.id", ondelete="SET NULL"), nullable=True
        ),
    )
    below_tariff: bool = Field(default=False)
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)


class Question(SQLModel, table=True):
    __tablename__ = "order_questions"

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    order_id: int = Field(
        sa_column=Column(
            BigId, ForeignKey("orders.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    asker_firm_id: int = Field(sa_column=Column(ForeignKey("firms.id"), nullable=False))
    asked_by_user_id: int | None = Field(
        default=None, sa_column=Column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    )
    text: str = Field(max_length=2000)
    answer: str | None = Field(default=None, max_length=4000)
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    hidden: bool = Field(default=False)
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)


class IdempotencyRecord(SQLModel, table=True):
    """The stored response of a create request, replayed when its key is sent again."""

    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("user_id", "scope", "key"),)

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    user_id: int = Field(
        sa_column=Column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    )
    scope: str = Field(max_length=120)
    key: str = Field(max_length=100)
    request_hash: str = Field(max_length=64)
    status_code: int
    body: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
