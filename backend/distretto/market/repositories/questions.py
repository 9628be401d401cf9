"""Questions on an order."""

from typing import Any

from sqlalchemy import (
    Select,
    and_,
    false,
    or_,
    true,
)
from sqlmodel import col, select

from distretto.auth.viewer import Viewer
from distretto.kit.pagination import PageParams, keyset_page
from distretto.kit.repository import Repository
from distretto.market.repositories.common import (
    _checked_cursor,
    _locked,
)
from distretto.models import (
    Order,
    Question,
)


def readable_questions(viewer: Viewer, order: Order) -> Select[Any]:
    """Questions of an order the viewer may read (the order itself is already readable).

    Answered questions are public to all who see the order; an unanswered one only to
    the asking firm and the client; one hidden by moderation only to staff and the asker.
    """
    stmt = select(Question).where(Question.order_id == order.id)
    if viewer.is_staff:
        return stmt
    firms = viewer.firm_ids
    asked_by_us = col(Question.asker_firm_id).in_(firms)
    we_are_client = order.client_firm_id in viewer.firm_roles
    shown = or_(col(Question.answer).is_not(None), true() if we_are_client else false())
    return stmt.where(or_(asked_by_us, and_(col(Question.hidden).is_(False), shown)))


class QuestionRepository(Repository):
    async def page(
        self, viewer: Viewer, order: Order, params: PageParams
    ) -> tuple[list[Question], str | None]:
        _checked_cursor(params)
        return await keyset_page(
            self.session, readable_questions(viewer, order), [col(Question.id)], params
        )

    async def readable(self, viewer: Viewer, order: Order, question_id: int) -> Question | None:
        stmt = _locked(
            readable_questions(viewer, order).where(Question.id == question_id), "update"
        )
        return (await self.session.scalars(stmt)).first()

    async def save(self, question: Question) -> Question:
        self.session.add(question)
        await self.session.flush()
        return question
