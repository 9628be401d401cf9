"""Payment terms (issue 13) and the due date they give.

Terms are a method (bonifico, Ri.Ba., RID), a number of days (30 to 120) and whether the
payment falls at the end of the month ("60 gg fine mese"). The rule, as Italian
accounting software applies it: the due date is the invoice date plus the days; with end
of month, the last day of the month that date falls in (15 January + 60 days = 16 March
→ 31 March; 31 December + 60 days = 1 March → 31 March). Leap years follow the calendar.
"""

import calendar
from datetime import date, timedelta

from pydantic import BaseModel, ConfigDict, Field

from distretto.models.trade import PaymentMethod

MIN_DAYS, MAX_DAYS = 30, 120


def due_date(invoice_date: date, days: int, end_of_month: bool) -> date:
    due = invoice_date + timedelta(days=days)
    if end_of_month:
        due = due.replace(day=calendar.monthrange(due.year, due.month)[1])
    return due


class PaymentTerms(BaseModel):
    """``{method, days, end_of_month}`` as orders propose, bids confirm, contracts fix."""

    model_config = ConfigDict(extra="forbid")

    method: PaymentMethod = PaymentMethod.BONIFICO
    days: int = Field(default=MIN_DAYS, ge=MIN_DAYS, le=MAX_DAYS)
    end_of_month: bool = False
