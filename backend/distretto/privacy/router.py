from fastapi import APIRouter, Request, Response, status

from distretto.auth.viewer import ViewerDep
from distretto.db import SessionDep
from distretto.kit.context import client_ip
from distretto.kit.params import IdPath
from distretto.privacy import service
from distretto.privacy.schemas import FirmExport

router = APIRouter(tags=["privacy"])


@router.get("/firms/{firm_id}/export", response_model=FirmExport, operation_id="export_firm")
async def export_firm(
    firm_id: IdPath, viewer: ViewerDep, session: SessionDep, request: Request, response: Response
) -> FirmExport:
    response.headers["Content-Disposition"] = (
        f'attachment; filename="distretto-firm-{firm_id}-export.json"'
    )
    response.headers["Cache-Control"] = "no-store"
    return await service.export_firm(session, viewer, firm_id, client_ip(request))


@router.delete("/me", status_code=status.HTTP_204_NO_CONTENT, operation_id="delete_account")
async def delete_account(viewer: ViewerDep, session: SessionDep, request: Request) -> Response:
    await service.delete_account(session, viewer, client_ip(request))
    return Response(status_code=status.HTTP_204_NO_CONTENT)
