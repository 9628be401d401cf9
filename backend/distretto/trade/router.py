from fastapi import APIRouter, Response
from fastapi.responses import HTMLResponse

from distretto.auth.viewer import ViewerDep
from distretto.db import SessionDep
from distretto.kit.clock import ClockDep
from distretto.kit.params import BigIdPath
from distretto.trade import schemas, service

router = APIRouter(tags=["trade"])


@router.get("/units", response_model=list[schemas.UnitOut], operation_id="list_units")
async def list_units(session: SessionDep) -> list[schemas.UnitOut]:
    """The units of measure orders, tariffs and capacity calendars take (by ``code``)."""
    return await service.units(session)


@router.get(
    "/contracts/{contract_id}/invoice.xml",
    response_class=Response,
    responses={200: {"content": {"application/xml": {}}}},
    operation_id="contract_invoice_xml",
)
async def invoice_xml(
    contract_id: BigIdPath, viewer: ViewerDep, session: SessionDep, clock: ClockDep
) -> Response:
    """The FatturaPA 1.2 XML invoice draft (TD01) from the supplier to the client of a
    completed contract (the two firms); 409 while not completed or billing data is missing."""
    name, xml = await service.invoice_xml(session, viewer, contract_id, clock())
    return Response(
        xml,
        media_type="application/xml",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get(
    "/contracts/{contract_id}/invoice.html",
    response_class=HTMLResponse,
    operation_id="contract_invoice_html",
)
async def invoice_html(
    contract_id: BigIdPath, viewer: ViewerDep, session: SessionDep, clock: ClockDep
) -> HTMLResponse:
    """The invoice draft's courtesy copy, for people to read and print."""
    return HTMLResponse(await service.invoice_html(session, viewer, contract_id, clock()))
