"""Documents over HTTP: multipart uploads read as they stream, downloads streamed back."""

from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Depends, Query, Request, Response, status
from fastapi.responses import StreamingResponse
from pydantic import Field

from distretto.auth.viewer import StaffDep, ViewerDep
from distretto.config import Settings
from distretto.db import SessionDep
from distretto.documents import credentials, schemas, service
from distretto.documents.filenames import content_disposition
from distretto.documents.storage import Storage, storage_from_settings
from distretto.kit.clock import ClockDep
from distretto.kit.context import ContextDep
from distretto.kit.params import INT64_MAX, BigIdPath, IdPath

router = APIRouter(tags=["documents"])
MAX_COVERS = 100


async def get_storage(request: Request) -> Storage:
    """One storage client per app, made on first use (tests may set their own)."""
    state = request.app.state
    storage: Storage | None = getattr(state, "documents_storage", None)
    if storage is None:
        settings: Settings = state.ctx.settings
        storage = storage_from_settings(settings)
        state.documents_storage = storage
    return storage


StorageDep = Annotated[Storage, Depends(get_storage)]


def _multipart(
    *fields: tuple[str, dict[str, Any]], required: tuple[str, ...] = ()
) -> dict[str, Any]:
    properties = {"file": {"type": "string", "format": "binary"}} | dict(fields)
    return {
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file", *required],
                        "properties": properties,
                    }
                }
            },
        }
    }


ATTACHMENT_BODY = _multipart(("title", {"type": "string", "maxLength": 200}))
CONTRACT_ATTACHMENT_BODY = _multipart(
    ("title", {"type": "string", "maxLength": 200}),
    ("message_id", {"type": "integer", "description": "a message of your firm on the contract"}),
)
CREDENTIAL_BODY = _multipart(
    ("kind", {"type": "string", "enum": ["chamber_extract", "durc", "certification"]}),
    ("label", {"type": "string", "maxLength": 120}),
    ("valid_until", {"type": "string", "format": "date"}),
    # A credential without its kind is refused (documents.bad_kind).
    required=("kind",),
)
UPLOAD_ERRORS: dict[int | str, dict[str, Any]] = {
    413: {"description": "The file is over the size limit"},
    415: {"description": "Not an accepted type, or the content does not match the name"},
}


def _incoming(request: Request) -> service.IncomingBody:
    return service.IncomingBody(
        stream=request.stream(),
        content_type=request.headers.get("content-type"),
        content_length=request.headers.get("content-length"),
    )


def _stream(download: service.Download, disposition: str = "attachment") -> StreamingResponse:
    # X-Content-Type-Options: nosniff comes with every response (kit.middleware): the
    # browser keeps to the sniffed type we send.
    headers = {
        "Content-Disposition": content_disposition(download.filename, disposition),
        "Cache-Control": "private, no-store",
    }
    if download.size is not None:
        headers["Content-Length"] = str(download.size)
    return StreamingResponse(download.chunks, media_type=download.content_type, headers=headers)


# --- Uploads and lists by parent ------------------------------------------------------------


@router.post(
    "/orders/{order_id}/attachments",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.AttachmentOut,
    operation_id="attach_to_order",
    openapi_extra=ATTACHMENT_BODY,
    responses=UPLOAD_ERRORS,
)
async def attach_to_order(
    order_id: BigIdPath,
    request: Request,
    viewer: ViewerDep,
    session: SessionDep,
    storage: StorageDep,
    ctx: ContextDep,
    clock: ClockDep,
) -> schemas.AttachmentOut:
    return await service.attach_to_order(
        session,
        storage,
        viewer,
        order_id,
        _incoming(request),
        ctx.settings.documents_max_bytes,
        clock(),
    )


@router.get(
    "/orders/{order_id}/attachments",
    response_model=list[schemas.AttachmentOut],
    operation_id="list_order_attachments",
)
async def list_order_attachments(
    order_id: BigIdPath, viewer: ViewerDep, session: SessionDep, clock: ClockDep
) -> list[schemas.AttachmentOut]:
    return await service.order_files(session, viewer, order_id, clock())


@router.post(
    "/bids/{bid_id}/attachments",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.AttachmentOut,
    operation_id="attach_to_bid",
    openapi_extra=ATTACHMENT_BODY,
    responses=UPLOAD_ERRORS,
)
async def attach_to_bid(
    bid_id: BigIdPath,
    request: Request,
    viewer: ViewerDep,
    session: SessionDep,
    storage: StorageDep,
    ctx: ContextDep,
    clock: ClockDep,
) -> schemas.AttachmentOut:
    return await service.attach_to_bid(
        session,
        storage,
        viewer,
        bid_id,
        _incoming(request),
        ctx.settings.documents_max_bytes,
        clock(),
    )


@router.get(
    "/bids/{bid_id}/attachments",
    response_model=list[schemas.AttachmentOut],
    operation_id="list_bid_attachments",
)
async def list_bid_attachments(
    bid_id: BigIdPath, viewer: ViewerDep, session: SessionDep, clock: ClockDep
) -> list[schemas.AttachmentOut]:
    return await service.bid_files(session, viewer, bid_id, clock())


@router.post(
    "/contracts/{contract_id}/attachments",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.AttachmentOut,
    operation_id="attach_to_contract",
    openapi_extra=CONTRACT_ATTACHMENT_BODY,
    responses=UPLOAD_ERRORS,
)
async def attach_to_contract(
    contract_id: BigIdPath,
    request: Request,
    viewer: ViewerDep,
    session: SessionDep,
    storage: StorageDep,
    ctx: ContextDep,
    clock: ClockDep,
) -> schemas.AttachmentOut:
    return await service.attach_to_contract(
        session,
        storage,
        viewer,
        contract_id,
        _incoming(request),
        ctx.settings.documents_max_bytes,
        clock(),
    )


@router.get(
    "/contracts/{contract_id}/attachments",
    response_model=list[schemas.AttachmentOut],
    operation_id="list_contract_attachments",
)
async def list_contract_attachments(
    contract_id: BigIdPath, viewer: ViewerDep, session: SessionDep, clock: ClockDep
) -> list[schemas.AttachmentOut]:
    """The two firms; staff only once the contract was disputed (and audited)."""
    return await service.contract_files(session, viewer, contract_id, clock())


# --- One attachment -------------------------------------------------------------------------


@router.get(
    "/attachments/order-covers",
    response_model=list[schemas.OrderCoverOut],
    operation_id="list_order_covers",
)
async def list_order_covers(
    viewer: ViewerDep,
    session: SessionDep,
    clock: ClockDep,
    order_id: Annotated[
        list[Annotated[int, Field(ge=1, le=INT64_MAX)]], Query(max_length=MAX_COVERS)
    ],
) -> list[schemas.OrderCoverOut]:
    """The first picture of each of these orders that has one (the board's previews)."""
    return await service.order_covers(session, viewer, order_id, clock())


# ":int": only digits name an attachment, so "/attachments/order-covers" (its own route)
# never falls to these two and a DELETE of it is a 405, not a 422 on the id.
@router.get(
    "/attachments/{attachment_id:int}",
    response_model=schemas.AttachmentOut,
    operation_id="get_attachment",
)
async def get_attachment(
    attachment_id: BigIdPath, viewer: ViewerDep, session: SessionDep, clock: ClockDep
) -> schemas.AttachmentOut:
    return await service.get_attachment(session, viewer, attachment_id, clock())


@router.get(
    "/attachments/{attachment_id}/content",
    response_class=StreamingResponse,
    responses=schemas.FILE_CONTENT,
    operation_id="download_attachment",
)
async def download_attachment(
    attachment_id: BigIdPath,
    viewer: ViewerDep,
    session: SessionDep,
    storage: StorageDep,
    clock: ClockDep,
) -> StreamingResponse:
    return _stream(await service.download(session, storage, viewer, attachment_id, clock()))


@router.get(
    "/attachments/{attachment_id}/thumbnail",
    response_class=StreamingResponse,
    responses={200: {"content": {"image/webp": {}}}},
    operation_id="attachment_thumbnail",
)
async def attachment_thumbnail(
    attachment_id: BigIdPath,
    viewer: ViewerDep,
    session: SessionDep,
    storage: StorageDep,
    clock: ClockDep,
) -> StreamingResponse:
    return _stream(
        await service.thumbnail(session, storage, viewer, attachment_id, clock()), "inline"
    )


@router.delete(
    "/attachments/{attachment_id:int}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    operation_id="delete_attachment",
)
async def delete_attachment(
    attachment_id: BigIdPath,
    viewer: ViewerDep,
    session: SessionDep,
    storage: StorageDep,
    clock: ClockDep,
    background: BackgroundTasks,
) -> Response:
    # The bytes go after the response, so after the row's deletion was committed.
    for key in await service.remove(session, viewer, attachment_id, clock()):
        background.add_task(service.discard, storage, key)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# --- Firm credentials -----------------------------------------------------------------------


@router.post(
    "/firms/{firm_id}/documents",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.FirmDocumentOut,
    operation_id="submit_firm_document",
    openapi_extra=CREDENTIAL_BODY,
    responses=UPLOAD_ERRORS,
)
async def submit_firm_document(
    firm_id: IdPath,
    request: Request,
    viewer: ViewerDep,
    session: SessionDep,
    storage: StorageDep,
    ctx: ContextDep,
    clock: ClockDep,
) -> schemas.FirmDocumentOut:
    return await credentials.submit(
        session,
        storage,
        viewer,
        firm_id,
        _incoming(request),
        ctx.settings.documents_max_bytes,
        clock(),
    )


@router.get(
    "/firms/{firm_id}/documents",
    response_model=list[schemas.FirmDocumentOut],
    operation_id="list_firm_documents",
)
async def list_firm_documents(
    firm_id: IdPath, viewer: ViewerDep, session: SessionDep, clock: ClockDep
) -> list[schemas.FirmDocumentOut]:
    return await credentials.list_for_firm(session, viewer, firm_id, clock())


@router.get(
    "/firms/{firm_id}/documents/{document_id}/content",
    response_class=StreamingResponse,
    responses=schemas.FILE_CONTENT,
    operation_id="download_firm_document",
)
async def download_firm_document(
    firm_id: IdPath,
    document_id: BigIdPath,
    viewer: ViewerDep,
    session: SessionDep,
    storage: StorageDep,
    clock: ClockDep,
) -> StreamingResponse:
    return _stream(
        await credentials.download(session, storage, viewer, firm_id, document_id, clock())
    )


@router.get(
    "/moderation/documents",
    response_model=list[schemas.FirmDocumentOut],
    operation_id="list_documents_to_review",
    tags=["moderation"],
)
async def list_documents_to_review(
    viewer: StaffDep,
    session: SessionDep,
    clock: ClockDep,
    status: Annotated[schemas.CredentialStatus, Query()] = schemas.CredentialStatus.PENDING,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[schemas.FirmDocumentOut]:
    """Staff: the review queue (oldest first)."""
    return await credentials.review_queue(session, status, limit, clock())


@router.post(
    "/moderation/documents/{document_id}/approve",
    response_model=schemas.FirmDocumentOut,
    operation_id="approve_firm_document",
    tags=["moderation"],
)
async def approve_firm_document(
    document_id: BigIdPath,
    viewer: StaffDep,
    session: SessionDep,
    clock: ClockDep,
    data: schemas.DocumentReviewIn | None = None,
) -> schemas.FirmDocumentOut:
    return await credentials.review(
        session,
        viewer,
        document_id,
        schemas.CredentialStatus.APPROVED,
        data or schemas.DocumentReviewIn(),
        clock(),
    )


@router.post(
    "/moderation/documents/{document_id}/reject",
    response_model=schemas.FirmDocumentOut,
    operation_id="reject_firm_document",
    tags=["moderation"],
)
async def reject_firm_document(
    document_id: BigIdPath,
    viewer: StaffDep,
    session: SessionDep,
    clock: ClockDep,
    data: schemas.DocumentReviewIn,
) -> schemas.FirmDocumentOut:
    return await credentials.review(
        session, viewer, document_id, schemas.CredentialStatus.REJECTED, data, clock()
    )
