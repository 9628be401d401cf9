from datetime import datetime
from typing import Any

from pydantic import BaseModel

Rows = list[dict[str, Any]]


class FirmExport(BaseModel):
    """Everything the firm owns or is party to, as the firm itself may read it."""

    format_version: str
    exported_at: datetime
    exported_by_user_id: int
    firm: dict[str, Any]
    members: Rows
    orders: Rows
    order_invitations: Rows
    bids: Rows
    contracts: Rows
    messages: Rows
    reviews_given: Rows
    reviews_received: Rows
    consortium_memberships: Rows
    trade_fair_participations: Rows
    campaign_participations: Rows
    quality_seals: Rows
    training_enrolments: Rows
    reputation: Rows
    warnings: Rows
    flags_raised: Rows
