"""The message thread of a contract, between its two firms (staff read it for disputes)."""

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from distretto.auth.viewer import Viewer
from distretto.contracts import events, policies, schemas
from distretto.contracts.repository import ContractRepository, MessageRepository
from distretto.contracts.service import read_details, readable_contract
from distretto.kit.events import emit, firm_key
from distretto.kit.pagination import Page, PageParams
from distretto.models import ContractMessage


async def _out(
    session: AsyncSession, messages: Sequence[ContractMessage]
) -> list[schemas.MessageOut]:
    firms = await ContractRepository(session).firm_names(m.firm_id for m in messages)
    authors = await MessageRepository(session).author_names(m.user_id for m in messages)
    return [
        schemas.MessageOut(
            **m.model_dump(),
            firm_name=firms.get(m.firm_id, ""),
            author_name=authors.get(m.user_id) if m.user_id is not None else None,
        )
        for m in messages
    ]


async def thread(
    session: AsyncSession, viewer: Viewer, contract_id: int, params: PageParams
) -> Page[schemas.MessageOut]:
    """Newest first; follow ``next_cursor`` for older messages."""
    await read_details(session, viewer, contract_id)
    rows, cursor = await MessageRepository(session).page(viewer, contract_id, params)
    return Page(items=await _out(session, rows), next_cursor=cursor)


async def post(
    session: AsyncSession,
    viewer: Viewer,
    contract_id: int,
    data: schemas.MessageIn,
    now: datetime,
) -> schemas.MessageOut:
    contract = await readable_contract(session, viewer, contract_id)
    # The design's plain members read: writing on the contract needs manager or owner.
    firm_id = policies.acting_firm(
        viewer, contract, ("client", "supplier"), "manager", data.firm_id
    )
    message = await MessageRepository(session).add(
        ContractMessage(
            contract_id=contract_id,
            firm_id=firm_id,
            user_id=viewer.user_id,
            text=data.text,
            created_at=now,
        )
    )
    out = (await _out(session, [message]))[0]
    await emit(
        session,
        events.MessageCreated(**out.model_dump()),
        [firm_key(contract.client_firm_id), firm_key(contract.supplier_firm_id)],
    )
    return out
