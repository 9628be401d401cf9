"""Request and response bodies of reference tariffs and the below-tariff report."""

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from distretto.kit.fields import (
    CalendarDate,
    MoneyIn,
    MoneyOut,
    PhaseCode,
    QuantityOut,
    Unit,
    UnitPriceOut,
)


class TariffIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    phase: PhaseCode
    unit: Unit = Field(description="a unit code, as orders use it (m, kg, pz, paia…)")
    min_price: MoneyIn
    typical_price: MoneyIn
    valid_from: CalendarDate
    valid_until: CalendarDate | None = None
    note: str = Field(default="", max_length=2000)


class TariffVersionOut(BaseModel):
    id: int
    phase: str
    unit: str
    version: int
    min_price: MoneyOut
    typical_price: MoneyOut
    valid_from: date
    valid_until: date | None
    note: str
    created_at: datetime
    superseded_from: date | None = Field(
        description="the valid_from of the next version, from which this one no longer holds"
    )


class TariffOut(TariffVersionOut):
    """The tariff in force for a phase and unit, with the market's observed prices."""

    observed_median: MoneyOut | None = Field(
        description="median awarded unit price over the last 12 months; null under the "
        "observatory's small-cell rule"
    )
    observed_contracts: int | None
    history: list[TariffVersionOut] = Field(description="every version, newest first")


class TariffList(BaseModel):
    """Every tariff in force (all at once: a few per phase); ``next_cursor`` is always null."""

    items: list[TariffOut]
    next_cursor: str | None = None


class BelowTariffPhase(BaseModel):
    phase: str
    awards: int
    total_amount: MoneyOut = Field(description="the contracts' total prices")
    shortfall: MoneyOut = Field(description="sum of (tariff minimum - unit price) * quantity")


class BelowTariffAward(BaseModel):
    contract_id: int
    order_id: int
    phase: str
    unit: str
    quantity: QuantityOut
    unit_price: UnitPriceOut
    min_price: MoneyOut
    total_price: MoneyOut
    client_firm_id: int
    client_firm_name: str
    supplier_firm_id: int
    supplier_firm_name: str
    awarded_at: datetime


class BelowTariffReport(BaseModel):
    phases: list[BelowTariffPhase]
    items: list[BelowTariffAward] = Field(description="newest first, at most 200")
    truncated: bool
