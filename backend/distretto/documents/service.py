"""Attachments on orders, bids and contracts: upload, list, read, download, remove.

An upload is authorised before its body is read, then received to disk (streamed,
limited, hashed), sniffed, written to storage and only then recorded: the row is the last
thing, so a transaction that fails after the write leaves an object no row refers to,
which counts nowhere and which ``distretto documents sweep`` removes.
"""

import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import anyio
from sqlalchemy.ext.asyncio import AsyncSession

from distretto.auth.viewer import Viewer
from distretto.contracts import service as contracts
from distretto.documents import events, policies, schemas
from distretto.documents.receiving import (
    ReceivedFile,
    UnsupportedMediaType,
    receive_upload,
)
from distretto.documents.repository import AttachmentRepository
from distretto.documents.sniffing import EXTENSIONS, IMAGES, name_agrees, sniff
from distretto.documents.storage import Storage, UnknownKey
from distretto.documents.thumbnails import render_thumbnail
from distretto.kit import audit
from distretto.kit.errors import Invalid, NotFound
from distretto.kit.events import emit, firm_key
from distretto.market import service as market
from distretto.models import Attachment, Contract, Order
from distretto.models.documents import FileKind

MAX_TITLE_CHARS = 200


@dataclass(frozen=True)
class IncomingBody:
    """A request body as it arrives (the router hands it over unread)."""

    stream: AsyncIterator[bytes]
    content_type: str | None
    content_length: str | None


@dataclass(frozen=True)
class Download:
    chunks: AsyncIterator[bytes]
    filename: str
    content_type: str
    size: int | None


@dataclass(frozen=True)
class StoredUpload:
    """A received file, sniffed and written to storage (not yet recorded)."""

    received: ReceivedFile
    kind: FileKind
    storage_key: str
    thumbnail_key: str | None


async def _one_chunk(data: bytes) -> AsyncIterator[bytes]:
    yield data


def refuse_type(filename: str) -> UnsupportedMediaType:
    allowed = sorted({ext for exts in EXTENSIONS.values() for ext in exts})
    return UnsupportedMediaType(
        f"{filename}: only PDF, PNG, JPEG, WebP, XLSX, DOCX, DXF and ZIP files are accepted, "
        "and the name must match the content",
        code="documents.unsupported_type",
        params={"filename": filename, "allowed": allowed},
    )


async def sniffed_kind(received: ReceivedFile) -> FileKind:
    kind = await anyio.to_thread.run_sync(sniff, received.path)
    if kind is None or not name_agrees(kind, received.filename):
        raise refuse_type(received.filename)
    return kind


async def discard(storage: Storage, *keys: str | None) -> None:
    """Best effort: what cannot be removed now, the sweep removes later."""
    for key in keys:
        if key is not None:
            with contextlib.suppress(Exception):
                await storage.delete(key)


async def store_received(
    storage: Storage, received: ReceivedFile, *, thumbnail: bool
) -> StoredUpload:
    kind = await sniffed_kind(received)
    key = await storage.put(received.chunks())
    thumbnail_key = None
    if thumbnail and kind in IMAGES:
        preview = await render_thumbnail(received.path)
        if preview is not None:
            thumbnail_key = await storage.put(_one_chunk(preview))
    return StoredUpload(received, kind, key, thumbnail_key)


def _title(fields: dict[str, str]) -> str:
    title = " ".join(fields.get("title", "").split())
    if len(title) > MAX_TITLE_CHARS:
        raise Invalid(
            "title",
            f"at most {MAX_TITLE_CHARS} characters",
            code="documents.title_too_long",
            params={"max_length": MAX_TITLE_CHARS},
        )
    return title


async def _out(session: AsyncSession, rows: list[Attachment]) -> list[schemas.AttachmentOut]:
    names = await AttachmentRepository(session).firm_names(r.uploaded_by_firm_id for r in rows)
    return [attachment_out(r, names.get(r.uploaded_by_firm_id, "")) for r in rows]


def _parent(attachment: Attachment) -> tuple[str, int]:
    for kind, value in (
        ("order", attachment.order_id),
        ("bid", attachment.bid_id),
        ("contract", attachment.contract_id),
    ):
        if value is not None:
            return kind, value
    raise AssertionError("an attachment always has one parent")


def attachment_out(attachment: Attachment, firm_name: str) -> schemas.AttachmentOut:
    assert attachment.id is not None
    parent_type, parent_id = _parent(attachment)
    return schemas.AttachmentOut(
        id=attachment.id,
        filename=attachment.filename,
        title=attachment.title,
        content_type=attachment.content_type,
        size=attachment.size,
        sha256=attachment.sha256,
        uploaded_by_firm_id=attachment.uploaded_by_firm_id,
        uploaded_by_firm_name=firm_name,
        created_at=attachment.created_at,
        parent_type=parent_type,
        parent_id=parent_id,
        message_id=attachment.message_id,
        has_thumbnail=attachment.thumbnail_key is not None,
    )


async def _record(
    session: AsyncSession,
    storage: Storage,
    body: IncomingBody,
    max_bytes: int,
    build: Callable[[StoredUpload, str], Attachment],
) -> Attachment:
    async with receive_upload(
        body.stream, body.content_type, body.content_length, max_bytes
    ) as received:
        title = _title(received.fields)
        stored = await store_received(storage, received, thumbnail=True)
    try:
        return await AttachmentRepository(session).add(build(stored, title))
    except BaseException:
        await discard(storage, stored.storage_key, stored.thumbnail_key)
        raise


def _row(
    stored: StoredUpload, title: str, viewer: Viewer, firm_id: int, now: datetime, **parent: Any
) -> Attachment:
    received = stored.received
    return Attachment(
        **parent,
        uploaded_by_firm_id=firm_id,
        uploaded_by_user_id=viewer.user_id,
        filename=received.filename,
        title=title,
        content_type=stored.kind.value,
        size=received.size,
        sha256=received.sha256,
        storage_key=stored.storage_key,
        thumbnail_key=stored.thumbnail_key,
        created_at=now,
    )


# --- Orders ---------------------------------------------------------------------------------


async def _readable_order(session: AsyncSession, viewer: Viewer, order_id: int) -> Order:
    order = await AttachmentRepository(session).readable_order(viewer, order_id)
    if order is None:
        raise NotFound(f"Order {order_id} not found", code="order.not_found")
    return order


async def attach_to_order(
    session: AsyncSession,
    storage: Storage,
    viewer: Viewer,
    order_id: int,
    body: IncomingBody,
    max_bytes: int,
    now: datetime,
) -> schemas.AttachmentOut:
    order = await _readable_order(session, viewer, order_id)
    market.require_client(viewer, order, "attach files to it")
    policies.require_order_editable(order)
    row = await _record(
        session,
        storage,
        body,
        max_bytes,
        lambda stored, title: _row(
            stored, title, viewer, order.client_firm_id, now, order_id=order_id
        ),
    )
    return (await _out(session, [row]))[0]


async def order_files(
    session: AsyncSession, viewer: Viewer, order_id: int, now: datetime
) -> list[schemas.AttachmentOut]:
    await _readable_order(session, viewer, order_id)
    rows = await AttachmentRepository(session).of_parent(
        viewer, now, column=Attachment.order_id, parent_id=order_id
    )
    return await _out(session, rows)


async def order_covers(
    session: AsyncSession, viewer: Viewer, order_ids: list[int], now: datetime
) -> list[schemas.OrderCoverOut]:
    covers = await AttachmentRepository(session).first_images_of_orders(viewer, now, order_ids)
    return [
        schemas.OrderCoverOut(order_id=order_id, attachment_id=attachment_id)
        for order_id, attachment_id in sorted(covers.items())
    ]


# --- Bids -----------------------------------------------------------------------------------


async def _readable_bid(session: AsyncSession, viewer: Viewer, bid_id: int, now: datetime) -> Any:
    """The bid if the viewer may read its files (not the client of a sealed order before
    its deadline): else 404, as for any bid one may not read."""
    row = await AttachmentRepository(session).readable_bid(viewer, bid_id, now)
    if row is None or row.amounts_hidden:
        raise NotFound(f"Bid {bid_id} not found", code="bid.not_found")
    return row


async def attach_to_bid(
    session: AsyncSession,
    storage: Storage,
    viewer: Viewer,
    bid_id: int,
    body: IncomingBody,
    max_bytes: int,
    now: datetime,
) -> schemas.AttachmentOut:
    bid = await _readable_bid(session, viewer, bid_id, now)
    market.require_bidder(viewer, bid.firm_id, "attach files to it")
    policies.require_bid_editable(bid.status)
    row = await _record(
        session,
        storage,
        body,
        max_bytes,
        lambda stored, title: _row(stored, title, viewer, bid.firm_id, now, bid_id=bid_id),
    )
    return (await _out(session, [row]))[0]


async def bid_files(
    session: AsyncSession, viewer: Viewer, bid_id: int, now: datetime
) -> list[schemas.AttachmentOut]:
    await _readable_bid(session, viewer, bid_id, now)
    rows = await AttachmentRepository(session).of_parent(
        viewer, now, column=Attachment.bid_id, parent_id=bid_id
    )
    return await _out(session, rows)


# --- Contracts ------------------------------------------------------------------------------


async def _readable_contract(session: AsyncSession, viewer: Viewer, contract_id: int) -> Contract:
    contract = await AttachmentRepository(session).contract(viewer, contract_id)
    if contract is None:
        raise NotFound(f"Contract {contract_id} not found", code="contract.not_found")
    return contract


async def _audit_staff_read(
    session: AsyncSession, viewer: Viewer, contract: Contract, what: str, target_id: int
) -> None:
    if policies.staff_outside_parties(viewer, contract):
        await audit.record(
            session,
            "documents.dispute_read",
            actor_user_id=viewer.user_id,
            target_type=what,
            target_id=target_id,
            reason=f"contract {contract.id} in dispute",
            contract_id=contract.id,
        )


def _message_id(fields: dict[str, str]) -> int | None:
    raw = fields.get("message_id", "").strip()
    if not raw:
        return None
    if not raw.isdigit() or not 0 < int(raw) < 2**63:
        raise Invalid("message_id", "is not a message id", code="documents.bad_message_id")
    return int(raw)


async def attach_to_contract(
    session: AsyncSession,
    storage: Storage,
    viewer: Viewer,
    contract_id: int,
    body: IncomingBody,
    max_bytes: int,
    now: datetime,
) -> schemas.AttachmentOut:
    contract = await _readable_contract(session, viewer, contract_id)
    firm_id = contracts.acting_firm(viewer, contract, ("client", "supplier"), "member")
    policies.require_contract_editable(contract)
    repo = AttachmentRepository(session)
    async with receive_upload(
        body.stream, body.content_type, body.content_length, max_bytes
    ) as received:
        title = _title(received.fields)
        message_id = _message_id(received.fields)
        if message_id is not None:
            message = await repo.message(viewer, contract_id, message_id)
            if message is None or message.firm_id != firm_id:
                raise Invalid(
                    "message_id",
                    "is not a message your firm wrote on this contract",
                    code="documents.not_your_message",
                )
        stored = await store_received(storage, received, thumbnail=True)
    try:
        row = await repo.add(
            _row(
                stored,
                title,
                viewer,
                firm_id,
                now,
                contract_id=contract_id,
                message_id=message_id,
            )
        )
    except BaseException:
        await discard(storage, stored.storage_key, stored.thumbnail_key)
        raise
    assert row.id is not None
    await emit(
        session,
        events.ContractFileAdded(
            contract_id=contract_id,
            attachment_id=row.id,
            filename=row.filename,
            uploaded_by_firm_id=firm_id,
        ),
        [firm_key(contract.client_firm_id), firm_key(contract.supplier_firm_id)],
    )
    return (await _out(session, [row]))[0]


async def contract_files(
    session: AsyncSession, viewer: Viewer, contract_id: int, now: datetime
) -> list[schemas.AttachmentOut]:
    contract = await _readable_contract(session, viewer, contract_id)
    await _audit_staff_read(session, viewer, contract, "contract", contract_id)
    rows = await AttachmentRepository(session).of_parent(
        viewer, now, column=Attachment.contract_id, parent_id=contract_id
    )
    return await _out(session, rows)


# --- Any attachment -------------------------------------------------------------------------


async def _readable(
    session: AsyncSession, viewer: Viewer, attachment_id: int, now: datetime
) -> Attachment:
    repo = AttachmentRepository(session)
    attachment = await repo.readable(viewer, attachment_id, now)
    if attachment is None:
        raise NotFound(f"File {attachment_id} not found", code="documents.not_found")
    if attachment.contract_id is not None:
        contract = await repo.contract_of(attachment.contract_id)
        await _audit_staff_read(session, viewer, contract, "attachment", attachment_id)
    return attachment


async def get_attachment(
    session: AsyncSession, viewer: Viewer, attachment_id: int, now: datetime
) -> schemas.AttachmentOut:
    return (await _out(session, [await _readable(session, viewer, attachment_id, now)]))[0]


async def open_stored(storage: Storage, key: str) -> AsyncIterator[bytes]:
    """The object's stream, with its first chunk already read: a missing object is then
    a 404 before the response starts, not a broken download."""
    stream = storage.open(key)
    try:
        first = await anext(stream)
    except StopAsyncIteration:
        first = b""
    except UnknownKey as exc:
        raise NotFound("The file's content is missing", code="documents.content_missing") from exc

    async def chained() -> AsyncIterator[bytes]:
        yield first
        async for chunk in stream:
            yield chunk

    return chained()


async def download(
    session: AsyncSession, storage: Storage, viewer: Viewer, attachment_id: int, now: datetime
) -> Download:
    attachment = await _readable(session, viewer, attachment_id, now)
    chunks = await open_stored(storage, attachment.storage_key)
    return Download(chunks, attachment.filename, attachment.content_type, attachment.size)


async def thumbnail(
    session: AsyncSession, storage: Storage, viewer: Viewer, attachment_id: int, now: datetime
) -> Download:
    attachment = await _readable(session, viewer, attachment_id, now)
    if attachment.thumbnail_key is None:
        raise NotFound("This file has no preview", code="documents.no_thumbnail")
    chunks = await open_stored(storage, attachment.thumbnail_key)
    return Download(chunks, f"{attachment.filename}.webp", "image/webp", None)


async def _require_parent_editable(
    session: AsyncSession, viewer: Viewer, attachment: Attachment, now: datetime
) -> None:
    repo = AttachmentRepository(session)
    if attachment.order_id is not None:
        policies.require_order_editable(await repo.order(attachment.order_id))
    elif attachment.bid_id is not None:
        bid = await _readable_bid(session, viewer, attachment.bid_id, now)
        policies.require_bid_editable(bid.status)
    elif attachment.contract_id is not None:
        policies.require_contract_editable(await repo.contract_of(attachment.contract_id))


async def remove(
    session: AsyncSession, viewer: Viewer, attachment_id: int, now: datetime
) -> list[str]:
    """Delete the row; returns the storage keys to remove once the deletion is committed
    (if that never happens, the sweep removes them)."""
    attachment = await _readable(session, viewer, attachment_id, now)
    policies.require_uploader(viewer, attachment)
    await _require_parent_editable(session, viewer, attachment, now)
    keys = [k for k in (attachment.storage_key, attachment.thumbnail_key) if k is not None]
    await AttachmentRepository(session).remove(attachment)
    return keys
