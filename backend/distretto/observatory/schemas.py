from datetime import datetime

from pydantic import BaseModel, Field

from distretto.kit.fields import UnitPriceOut


class MonthCell(BaseModel):
    """How many orders (or contracts) of one phase in one calendar month (UTC).

    ``phase`` "*" pools the month's phases too small to show on their own. ``count`` is
    null when fewer than ``min_firms`` firms are behind the cell.
    """

    phase: str = Field(description='phase code, or "*" for the pooled small phases')
    month: str = Field(description="YYYY-MM")
    count: int | None
    suppressed: bool


class PriceCell(BaseModel):
    phase: str
    unit: str
    median_unit_price: UnitPriceOut | None
    contracts: int | None
    suppressed: bool


class OnTimeCell(BaseModel):
    phase: str
    on_time_rate: float | None = Field(description="share of deliveries on or before the due date")
    deliveries: int | None
    suppressed: bool


class ObservatorySummary(BaseModel):
    generated_at: datetime
    since: datetime
    months: list[str]
    min_firms: int
    total_orders: int | None = Field(description="null when fewer than min_firms firms")
    total_contracts: int | None
    orders: list[MonthCell]
    contracts: list[MonthCell]
    prices: list[PriceCell]
    on_time: list[OnTimeCell]
