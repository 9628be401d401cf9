from fastapi import APIRouter

from distretto.db import SessionDep
from distretto.kit.params import IdPath
from distretto.reputation import schemas, service

router = APIRouter(tags=["reputation"])


@router.get(
    "/firms/{firm_id}/reputation",
    response_model=schemas.FirmReputationOut,
    operation_id="get_firm_reputation",
)
async def firm_reputation(firm_id: IdPath, session: SessionDep) -> schemas.FirmReputationOut:
    return await service.firm_reputation(session, firm_id)
