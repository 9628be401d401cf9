"""Contract, message and review queries, each starting from what the viewer may read.

``readable_contracts``, ``readable_messages`` and ``readable_reviews`` are the scoped
statements every read begins with (moderation resolves flag targets through them too).
"""

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, exists, false, or_, update
from sqlalchemy.orm import aliased
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from distretto.auth.viewer import Viewer
from distretto.contracts.rules import REVIEW_BLIND_PERIOD
from distretto.kit.pagination import PageParams, keyset_page
from distretto.kit.repository import Repository
from distretto.models import Contract, ContractMessage, DeliveryLot, Firm, Order, Review, User
from distretto.models.contracts import ContractStatus
from distretto.models.moderation import Flag, FlagTarget


def readable_contracts(viewer: Viewer) -> SelectOfScalar[Contract]:
    """The two firms of a contract see it; staff only a contract that has been disputed
    (they settle disputes; prices and talks between two firms are otherwise theirs)."""
    firms = viewer.firm_ids
    party = or_(col(Contract.client_firm_id).in_(firms), col(Contract.supplier_firm_id).in_(firms))
    if viewer.is_staff:
        return select(Contract).where(or_(party, _disputed()))
    return select(Contract).where(party)


def _disputed() -> Any:
    """Under dispute now, or settled after one (the record of the decision)."""
    return or_(Contract.status == ContractStatus.DISPUTED, col(Contract.disputed_at).is_not(None))


def _flagged(target: FlagTarget, target_id: Any) -> Any:
    """Reported content: staff read it to moderate it, wherever it is."""
    return exists().where(Flag.target_type == target, Flag.target_id == target_id)


def party_contracts(
    viewer: Viewer,
    *,
    role: str | None = None,
    status: str | None = None,
    firm_id: int | None = None,
) -> SelectOfScalar[Contract]:
    """The contracts of the viewer's own firms (staff included: only their firms)."""
    firms = [f for f in viewer.firm_ids if firm_id is None or f == firm_id]
    as_client = col(Contract.client_firm_id).in_(firms)
    as_supplier = col(Contract.supplier_firm_id).in_(firms)
    sides = {"client": as_client, "supplier": as_supplier}
    stmt = select(Contract).where(sides[role] if role else or_(as_client, as_supplier))
    if status:
        stmt = stmt.where(Contract.status == status)
    return stmt


def readable_messages(viewer: Viewer) -> SelectOfScalar[ContractMessage]:
    """Messages of readable contracts; hidden ones only for staff and the author firm."""
    in_readable = col(ContractMessage.contract_id).in_(
        readable_contracts(viewer).with_only_columns(Contract.id)
    )
    if viewer.is_staff:
        return select(ContractMessage).where(
            or_(in_readable, _flagged(FlagTarget.MESSAGE, ContractMessage.id))
        )
    stmt = select(ContractMessage).where(in_readable)
    return stmt.where(
        or_(
            ContractMessage.hidden == false(),
            col(ContractMessage.firm_id).in_(viewer.firm_ids),
        )
    )


def readable_reviews(viewer: Viewer, now: datetime) -> SelectOfScalar[Review]:
    """Double-blind: a firm reads its own reviews, and the other side's once released.

    Released = both sides have reviewed, or 14 days have passed since completion.
    Hidden reviews stay visible to staff and their author firm only.
    """
    stmt = select(Review)
    if viewer.is_staff:
        # Unreleased reviews too, but only through a dispute or a report.
        disputed = (
            select(Contract.id)
            .where(Contract.id == Review.contract_id, _disputed())
            .correlate(Review)
            .exists()
        )
        return stmt.where(or_(disputed, _flagged(FlagTarget.REVIEW, Review.id)))
    firms = viewer.firm_ids
    counterpart = aliased(Review)
    both_in = (
        select(counterpart.id)
        .where(counterpart.contract_id == Review.contract_id, counterpart.id != Review.id)
        .correlate(Review)
        .exists()
    )
    blind_over = (
        select(Contract.id)
        .where(
            Contract.id == Review.contract_id,
            col(Contract.completed_at) <= now - REVIEW_BLIND_PERIOD,
        )
        .correlate(Review)
        .exists()
    )
    return stmt.where(
        or_(
            col(Review.reviewer_firm_id).in_(firms),
            and_(
                col(Review.reviewee_firm_id).in_(firms),
                Review.hidden == false(),
                or_(both_in, blind_over),
            ),
        )
    )


class ContractRepository(Repository):
    async def readable(self, viewer: Viewer, contract_id: int) -> Contract | None:
        return (
            await self.session.scalars(readable_contracts(viewer).where(Contract.id == contract_id))
        ).first()

    async def page(
        self, stmt: SelectOfScalar[Contract], params: PageParams
    ) -> tuple[list[Contract], str | None]:
        return await keyset_page(self.session, stmt, [Contract.id], params)

    def disputes(self, state: str) -> SelectOfScalar[Contract]:
        if state == "open":
            return select(Contract).where(Contract.status == ContractStatus.DISPUTED)
        return select(Contract).where(col(Contract.dispute_outcome).is_not(None))

    async def transition(
        self, contract: Contract, from_statuses: Iterable[str], values: dict[str, Any]
    ) -> bool:
        """Move the contract only if it is still in one of ``from_statuses``.

        One conditional UPDATE: of two concurrent requests exactly one changes the row,
        the other finds the status moved on. The moved row comes back from the UPDATE
        itself (RETURNING) into the instance; only a refused move reads the row again,
        for the status it is now in.
        """
        moved = (
            await self.session.execute(
                update(Contract)
                .where(Contract.id == contract.id, col(Contract.status).in_(list(from_statuses)))
                .values(**values)
                .returning(Contract),
                execution_options={"populate_existing": True, "synchronize_session": False},
            )
        ).scalar_one_or_none()
        if moved is None:
            await self.session.refresh(contract)
        return moved is not None

    async def firm_names(self, firm_ids: Iterable[int]) -> dict[int, str]:
        rows = await self.session.execute(
            select(Firm.id, Firm.name).where(col(Firm.id).in_(set(firm_ids)))
        )
        return {firm_id: name for firm_id, name in rows.all()}

    async def order_titles(self, order_ids: Iterable[int]) -> dict[int, str]:
        rows = await self.session.execute(
            select(Order.id, Order.title).where(col(Order.id).in_(set(order_ids)))
        )
        return {order_id: title for order_id, title in rows.all()}


class MessageRepository(Repository):
    async def page(
        self, viewer: Viewer, contract_id: int, params: PageParams
    ) -> tuple[list[ContractMessage], str | None]:
        stmt = readable_messages(viewer).where(ContractMessage.contract_id == contract_id)
        return await keyset_page(self.session, stmt, [ContractMessage.id], params)

    async def add(self, message: ContractMessage) -> ContractMessage:
        self.session.add(message)
        await self.session.flush()
        return message

    async def author_names(self, user_ids: Iterable[int | None]) -> dict[int, str]:
        ids = {u for u in user_ids if u is not None}
        rows = await self.session.execute(
            select(User.id, User.full_name).where(col(User.id).in_(ids))
        )
        return {user_id: name for user_id, name in rows.all()}


class ReviewRepository(Repository):
    async def readable_for(self, viewer: Viewer, contract_id: int, now: datetime) -> list[Review]:
        return list(
            (
                await self.session.scalars(
                    readable_reviews(viewer, now)
                    .where(Review.contract_id == contract_id)
                    .order_by(Review.id)
                )
            ).all()
        )

    async def written_at(self, contract_id: int) -> list[datetime]:
        """When each side's review was written (whoever may read them)."""
        return list(
            (
                await self.session.scalars(
                    select(Review.created_at).where(Review.contract_id == contract_id)
                )
            ).all()
        )

    async def by_reviewer(self, contract_id: int, firm_id: int) -> Review | None:
        return (
            await self.session.scalars(
                select(Review).where(
                    Review.contract_id == contract_id, Review.reviewer_firm_id == firm_id
                )
            )
        ).first()

    async def add(self, review: Review) -> Review:
        self.session.add(review)
        await self.session.flush()
        return review


class LotRepository(Repository):
    """Delivery lots. Every write locks the contract row first, so lots of one contract
    are recorded and checked one at a time (SQLite: BEGIN IMMEDIATE does the same)."""

    async def lock_contract(self, contract_id: int) -> Contract:
        stmt = (
            select(Contract)
            .where(Contract.id == contract_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return (await self.session.scalars(stmt)).one()

    async def for_contract(self, contract_id: int) -> list[DeliveryLot]:
        stmt = (
            select(DeliveryLot)
            .where(DeliveryLot.contract_id == contract_id)
            .order_by(col(DeliveryLot.id))
            .execution_options(populate_existing=True)
        )
        return list((await self.session.scalars(stmt)).all())

    async def accepted_by_contract(self, contract_ids: Iterable[int]) -> dict[int, Decimal]:
        """Accepted quantity per contract, summed exactly (Decimal, never SQL floats)."""
        rows = await self.session.execute(
            select(DeliveryLot.contract_id, DeliveryLot.accepted_quantity).where(
                col(DeliveryLot.contract_id).in_(set(contract_ids))
            )
        )
        totals: dict[int, Decimal] = {}
        for contract_id, accepted in rows.all():
            totals[contract_id] = totals.get(contract_id, Decimal(0)) + accepted
        return totals

    async def add(self, lot: DeliveryLot) -> DeliveryLot:
        self.session.add(lot)
        await self.session.flush()
        return lot

    async def save(self, lot: DeliveryLot) -> None:
        self.session.add(lot)
        await self.session.flush()
