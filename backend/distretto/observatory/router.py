from typing import Annotated

from fastapi import APIRouter, Query

from distretto.db import SessionDep
from distretto.observatory import schemas, service

router = APIRouter(tags=["observatory"])


@router.get(
    "/observatory/summary",
    response_model=schemas.ObservatorySummary,
    operation_id="observatory_summary",
    summary="Anonymised district statistics",
    description=(
        "Orders and contracts per phase and month, median unit price per phase and unit, "
        "on-time delivery rate per phase, over the last `months` calendar months (UTC). "
        f"Cells with fewer than {service.MIN_FIRMS} distinct firms behind them are "
        "suppressed (numbers null) so that no firm can be identified. Public."
    ),
)
async def observatory_summary(
    session: SessionDep, months: Annotated[int, Query(ge=1, le=36)] = 12
) -> schemas.ObservatorySummary:
    return await service.summary(session, months)
