"""Bodies of the units catalogue and invoices."""

from pydantic import BaseModel

from distretto.models.trade import UnitKind


class UnitOut(BaseModel):
    code: str
    name_it: str
    name_en: str
    kind: UnitKind
