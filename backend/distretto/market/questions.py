"""Questions on an order: firms that see it ask while it is open, the client answers."""

from sqlalchemy.ext.asyncio import AsyncSession

from distretto.auth.viewer import Viewer
from distretto.kit import clock
from distretto.kit.errors import Conflict, Forbidden, NotFound
from distretto.kit.pagination import Page, PageParams
from distretto.market import events, lifecycle, policies, schemas
from distretto.market.repository import OrderRepository, QuestionRepository
from distretto.market.service import readable_order
from distretto.models import Order, Question


def to_out(question: Question, viewer: Viewer, order: Order) -> schemas.QuestionOut:
    assert question.id is not None
    # Who asked tells a competitor who is interested: only the asker, the client who
    # answers and staff learn it; everybody else reads the question anonymously.
    knows_asker = (
        viewer.is_staff
        or question.asker_firm_id in viewer.firm_roles
        or order.client_firm_id in viewer.firm_roles
    )
    return schemas.QuestionOut(
        id=question.id,
        order_id=question.order_id,
        asker_firm_id=question.asker_firm_id if knows_asker else None,
        text=question.text,
        answer=question.answer,
        answered_at=question.answered_at,
        created_at=question.created_at,
    )


async def ask(
    session: AsyncSession, viewer: Viewer, order_id: int, data: schemas.QuestionCreate
) -> schemas.QuestionOut:
    now = clock.now()
    order = await readable_order(session, viewer, order_id)
    firm_id = policies.asking_firm(viewer, order, data.firm_id)
    if firm_id == order.client_firm_id:
        raise Forbidden(
            "The client firm answers questions on its order; it does not ask them",
            code="question.client_cannot_ask",
        )
    policies.require_acting_firm(viewer, firm_id)
    if not await OrderRepository(session).visible_to_firm(order_id, firm_id):
        raise Forbidden(
            f"Firm {firm_id} is not among the firms this order is offered to",
            code="order.not_offered",
            params={"firm_id": firm_id},
        )
    if not lifecycle.accepting_bids(order, now):
        raise Conflict(
            "Questions can be asked only while the order is open for bids",
            code="question.order_not_open",
        )
    question = await QuestionRepository(session).save(
        Question(
            order_id=order_id,
            asker_firm_id=firm_id,
            asked_by_user_id=viewer.user_id,
            text=data.text,
            created_at=now,
        )
    )
    await events.question_asked(session, question, order)
    return to_out(question, viewer, order)


async def list_questions(
    session: AsyncSession, viewer: Viewer, order_id: int, params: PageParams
) -> Page[schemas.QuestionOut]:
    order = await readable_order(session, viewer, order_id)
    rows, cursor = await QuestionRepository(session).page(viewer, order, params)
    return Page(items=[to_out(q, viewer, order) for q in rows], next_cursor=cursor)


async def answer(
    session: AsyncSession,
    viewer: Viewer,
    order_id: int,
    question_id: int,
    data: schemas.AnswerIn,
) -> schemas.QuestionOut:
    order = await readable_order(session, viewer, order_id)
    repo = QuestionRepository(session)
    question = await repo.readable(viewer, order, question_id)
    if question is None:
        raise NotFound(
            f"Question {question_id} not found on order {order_id}",
            code="question.not_found",
            params={"id": question_id},
        )
    policies.require_client(viewer, order, "answer its questions")
    if question.answer is not None:
        raise Conflict("This question is already answered", code="question.already_answered")
    question.answer = data.text
    question.answered_at = clock.now()
    await repo.save(question)
    await events.question_answered(session, question, order)
    return to_out(question, viewer, order)
