from datetime import datetime
from typing import Any

from pydantic import BaseModel


class PhaseScoreOut(BaseModel):
    score: float | None
    contracts: int


class RoleReputationOut(BaseModel):
    score: float | None
    contracts: int
    by_phase: dict[str, PhaseScoreOut]


class HistoryPointOut(BaseModel):
    at: datetime
    role: str
    score: float | None
    contracts: int


class FirmReputationOut(BaseModel):
    firm_id: int
    formula_version: str
    as_supplier: RoleReputationOut
    as_client: RoleReputationOut
    # The formula's constants and, per role, every signal's value, district mean,
    # shrunk value and points: enough to redo the arithmetic by hand.
    components: dict[str, Any]
    history: list[HistoryPointOut]
