"""Every query of documents, starting from what the viewer may see.

A file is visible exactly when its parent is: ``readable_attachments`` is built from the
parents' own scoped statements (``market.service.readable_orders`` and
``readable_bids``, ``contracts.service.readable_contracts`` and ``readable_messages``),
so there is no second copy of any visibility rule here. Two narrowings only:

- a bid's files follow the bid's amounts: hidden from the client of a sealed order until
  its deadline (``readable_bids`` already computes that as ``amounts_hidden``);
- staff, who may read every contract, read its files only once it was disputed.
"""

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, and_, not_, or_, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from distretto.auth.viewer import Viewer
from distretto.contracts.service import readable_contracts, readable_messages
from distretto.market.service import readable_bids, readable_orders
from distretto.models import (
    Attachment,
    Bid,
    Contract,
    ContractMessage,
    Firm,
    FirmDocument,
    Order,
)
from distretto.models.documents import CredentialStatus


def _party(viewer: Viewer) -> Any:
    firms = viewer.firm_ids
    return or_(col(Contract.client_firm_id).in_(firms), col(Contract.supplier_firm_id).in_(firms))


def file_readable_contracts(viewer: Viewer) -> SelectOfScalar[Contract]:
    """``readable_contracts``, less the undisputed ones for staff (who are not a party)."""
    stmt = readable_contracts(viewer)
    if viewer.is_staff:
        stmt = stmt.where(or_(_party(viewer), col(Contract.disputed_at).is_not(None)))
    return stmt


def _readable_order_ids(viewer: Viewer) -> Any:
    return readable_orders(viewer).with_only_columns(Order.id)


def _readable_bid_ids(viewer: Viewer, now: datetime) -> Any:
    bids = readable_bids(viewer, now).subquery()
    return select(bids.c.id).where(not_(bids.c.amounts_hidden))


def _readable_contract_files(viewer: Viewer) -> Any:
    contracts = file_readable_contracts(viewer).with_only_columns(Contract.id)
    messages = readable_messages(viewer).with_only_columns(ContractMessage.id)
    return and_(
        col(Attachment.contract_id).in_(contracts),
        or_(col(Attachment.message_id).is_(None), col(Attachment.message_id).in_(messages)),
    )


def readable_attachments(viewer: Viewer, now: datetime) -> SelectOfScalar[Attachment]:
    return select(Attachment).where(
        or_(
            col(Attachment.order_id).in_(_readable_order_ids(viewer)),
            col(Attachment.bid_id).in_(_readable_bid_ids(viewer, now)),
            _readable_contract_files(viewer),
        )
    )


class AttachmentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def readable(
        self, viewer: Viewer, attachment_id: int, now: datetime
    ) -> Attachment | None:
        stmt = readable_attachments(viewer, now).where(Attachment.id == attachment_id)
        return (await self.session.scalars(stmt)).first()

    async def of_parent(
        self, viewer: Viewer, now: datetime, *, column: Any, parent_id: int
    ) -> list[Attachment]:
        stmt = readable_attachments(viewer, now).where(column == parent_id).order_by(Attachment.id)
        return list((await self.session.scalars(stmt)).all())

    async def first_images_of_orders(
        self, viewer: Viewer, now: datetime, order_ids: Sequence[int]
    ) -> dict[int, int]:
        """The first attachment with a preview of each readable order (the board's cards)."""
        stmt = (
            readable_attachments(viewer, now)
            .where(
                col(Attachment.order_id).in_(order_ids), col(Attachment.thumbnail_key).is_not(None)
            )
            .order_by(Attachment.id)
        )
        covers: dict[int, int] = {}
        for attachment in (await self.session.scalars(stmt)).all():
            assert attachment.order_id is not None and attachment.id is not None
            covers.setdefault(attachment.order_id, attachment.id)
        return covers

    async def add(self, attachment: Attachment) -> Attachment:
        self.session.add(attachment)
        await self.session.flush()
        return attachment

    async def remove(self, attachment: Attachment) -> None:
        await self.session.delete(attachment)
        await self.session.flush()

    async def readable_order(self, viewer: Viewer, order_id: int) -> Order | None:
        stmt = readable_orders(viewer).where(Order.id == order_id)
        return (await self.session.scalars(stmt)).first()

    async def readable_bid(self, viewer: Viewer, bid_id: int, now: datetime) -> Row[Any] | None:
        return (
            await self.session.execute(readable_bids(viewer, now).where(Bid.id == bid_id))
        ).first()

    async def contract(self, viewer: Viewer, contract_id: int) -> Contract | None:
        stmt = file_readable_contracts(viewer).where(Contract.id == contract_id)
        return (await self.session.scalars(stmt)).first()

    async def contract_of(self, contract_id: int) -> Contract:
        return (
            await self.session.scalars(select(Contract).where(Contract.id == contract_id))
        ).one()

    async def message(
        self, viewer: Viewer, contract_id: int, message_id: int
    ) -> ContractMessage | None:
        stmt = readable_messages(viewer).where(
            ContractMessage.id == message_id, ContractMessage.contract_id == contract_id
        )
        return (await self.session.scalars(stmt)).first()

    async def order(self, order_id: int) -> Order:
        return (await self.session.scalars(select(Order).where(Order.id == order_id))).one()

    async def firm_names(self, firm_ids: Iterable[int]) -> dict[int, str]:
        rows = await self.session.execute(
            select(Firm.id, Firm.name).where(col(Firm.id).in_(set(firm_ids)))
        )
        return {firm_id: name for firm_id, name in rows.all()}


def firm_documents(firm_id: int) -> SelectOfScalar[FirmDocument]:
    return select(FirmDocument).where(FirmDocument.firm_id == firm_id)


class FirmDocumentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def firm(self, firm_id: int) -> Firm | None:
        return await self.session.get(Firm, firm_id)

    async def of_firm(self, firm_id: int) -> list[FirmDocument]:
        stmt = firm_documents(firm_id).order_by(col(FirmDocument.id).desc())
        return list((await self.session.scalars(stmt)).all())

    async def of_firm_by_id(self, firm_id: int, document_id: int) -> FirmDocument | None:
        stmt = firm_documents(firm_id).where(FirmDocument.id == document_id)
        return (await self.session.scalars(stmt)).first()

    async def get(self, document_id: int) -> FirmDocument | None:
        stmt = (
            select(FirmDocument)
            .where(FirmDocument.id == document_id)
            .execution_options(populate_existing=True)
        )
        return (await self.session.scalars(stmt)).first()

    async def queue(self, status: CredentialStatus, limit: int) -> list[FirmDocument]:
        stmt = (
            select(FirmDocument)
            .where(FirmDocument.status == status)
            .order_by(FirmDocument.id)
            .limit(limit)
        )
        return list((await self.session.scalars(stmt)).all())

    async def add(self, document: FirmDocument) -> FirmDocument:
        self.session.add(document)
        await self.session.flush()
        return document

    async def review(self, document_id: int, values: dict[str, Any]) -> bool:
        """Pending → approved/rejected, once: of racing reviews exactly one wins."""
        result = await self.session.execute(
            update(FirmDocument)
            .where(FirmDocument.id == document_id, FirmDocument.status == CredentialStatus.PENDING)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount == 1)

    async def expiring_unnotified(self, today: date, horizon: date) -> list[FirmDocument]:
        stmt = select(FirmDocument).where(
            FirmDocument.status == CredentialStatus.APPROVED,
            col(FirmDocument.valid_until) >= today,
            col(FirmDocument.valid_until) <= horizon,
            col(FirmDocument.expiry_notified_at).is_(None),
        )
        return list((await self.session.scalars(stmt.order_by(FirmDocument.id))).all())

    async def mark_notified(self, document_id: int, now: datetime) -> bool:
        """Claim the expiry notice: only one of any number of concurrent runs sends it."""
        result = await self.session.execute(
            update(FirmDocument)
            .where(FirmDocument.id == document_id, col(FirmDocument.expiry_notified_at).is_(None))
            .values(expiry_notified_at=now)
            .execution_options(synchronize_session=False)
        )
        return bool(result.rowcount == 1)


class StoredKeys:
    """Which storage keys rows still refer to (the sweep keeps exactly those)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def referenced(self, keys: Sequence[str]) -> set[str]:
        if not keys:
            return set()
        found: set[str] = set()
        for column in (Attachment.storage_key, Attachment.thumbnail_key, FirmDocument.storage_key):
            rows = await self.session.scalars(select(column).where(col(column).in_(keys)))
            found |= {key for key in rows.all() if key is not None}
        return found
