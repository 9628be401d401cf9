"""Which events are mailed, under which of the user's kinds.

An event type missing here is never mailed (it stays an in-app notification): board-wide
announcements such as ``order.created`` for a whole phase would flood every firm of the
phase, so public new orders reach people by mail only through their saved searches.
"""

MAIL_KINDS = (
    "order_matching",
    "bids",
    "awards",
    "contracts",
    "messages",
    "consortium",
    "moderation",
)

KIND_OF: dict[str, str] = {
    "saved_search.matched": "order_matching",
    # Only invitation-only and consortium orders (see ``kind_for``).
    "order.created": "order_matching",
    "bid.created": "bids",
    "bid.updated": "bids",
    "bid.withdrawn": "bids",
    "bid.needs_confirmation": "bids",
    "question.created": "bids",
    "question.answered": "bids",
    "order.cancelled": "bids",
    "reminder.bid_deadline": "bids",
    "order.awarded": "awards",
    "bid.rejected": "awards",
    "contract.created": "contracts",
    "contract.updated": "contracts",
    "contract.file_added": "contracts",
    "review.created": "contracts",
    "reminder.delivery_due": "contracts",
    "reminder.review_pending": "contracts",
    "message.created": "messages",
    "membership.requested": "consortium",
    "membership.approved": "consortium",
    "membership.rejected": "consortium",
    "campaign.created": "consortium",
    "trade_fair.created": "consortium",
    "course.created": "consortium",
    "enrolment.promoted": "consortium",
    "seal.granted": "consortium",
    "seal.revoked": "consortium",
    "consultation.opened": "consortium",
    "firm.suspended": "moderation",
    "firm.reinstated": "moderation",
    "firm.verified": "moderation",
    "firm.warned": "moderation",
    "flag.created": "moderation",
    "firm_document.reviewed": "moderation",
    "firm_document.expiring": "moderation",
}


def kind_for(event_type: str, data: dict[str, object]) -> str | None:
    if event_type == "order.created" and data.get("visibility") == "public":
        return None
    return KIND_OF.get(event_type)


def wanted(kinds: dict[str, bool], kind: str) -> bool:
    return kinds.get(kind, True)
