"""One readable line per event type, stored with each notification.

A template only uses fields the event's data is known to carry; when one is missing
(an older event, a feature that changed its payload) or the data is not an object at all
(a writer's bug), the title falls back to the type itself in words, so a notification is
never lost for want of a field, and one malformed event cannot stop the relay, which would
otherwise retry it, and every event after it, forever.
"""

from typing import Any

TITLE_MAX = 200

TEMPLATES: dict[str, str] = {
    "order.created": "New order for {phase}: {title}",
    "order.updated": "Order #{order_id} was changed",
    "order.cancelled": "Order #{order_id} was cancelled",
    "order.awarded": "Order #{order_id} was awarded",
    "bid.created": "New bid on order #{order_id}",
    "bid.updated": "A bid on order #{order_id} was revised",
    "bid.withdrawn": "A bid on order #{order_id} was withdrawn",
    "bid.rejected": "Your bid on order #{order_id} was not chosen",
    "bid.needs_confirmation": "Order #{order_id} changed: please confirm your bid",
    "question.created": "New question on order #{order_id}",
    "question.answered": "A question on order #{order_id} was answered",
    "contract.created": "Contract #{contract_id} starts",
    "contract.updated": "Contract #{contract_id} is now {status}",
    "message.created": "New message on contract #{contract_id}",
    "contract.file_added": "New file on contract #{contract_id}: {filename}",
    "firm_document.submitted": "A firm sent a document to check: {label}",
    "firm_document.reviewed": "Your document {label} was {status}",
    "firm_document.expiring": "Your document {label} expires on {valid_until}",
    "review.created": "New review on contract #{contract_id}",
    "flag.created": "New report to moderate: {target_type} #{target_id}",
    "firm.suspended": "Your firm was suspended by the association",
    "firm.reinstated": "Your firm was reinstated",
    "firm.verified": "Your firm is now verified",
    "firm.warned": "The association sent your firm a warning",
    "membership.requested": "{firm_name} asks to join the consortium",
    "membership.approved": "Your firm was admitted to the consortium",
    "membership.rejected": "Your firm's request to join the consortium was declined",
    "membership.ended": "Your firm left the consortium",
    "campaign.created": "New campaign: {title}",
    "trade_fair.created": "New trade fair: {name}",
    "course.created": "New training course: {title}",
    "enrolment.promoted": "A place opened up: your enrolment is confirmed",
    "seal.granted": "Your firm was granted the {seal_name} seal",
    "seal.revoked": "The {seal_name} seal was withdrawn from your firm",
    "tariff.published": "New reference tariff for {phase}: minimum {min_price} EUR per {unit}",
    "capacity.overbooked": "Contract #{contract_id} overbooks your {phase} capacity",
    "consultation.opened": "New consultation: {title}",
    "guarantee.requested": "{firm_name} asks for a guarantee of {amount} EUR",
    "guarantee.decided": "Your guarantee request #{guarantee_id} is now {status}",
    "saved_search.matched": "New order for your saved search: {title}",
    "reminder.bid_deadline": "Bidding on {title} closes tomorrow",
    "reminder.delivery_due": "Delivery for contract #{contract_id} is due on {due_date}",
    "reminder.review_pending": "Leave a review of contract #{contract_id}",
}


def title_for(event_type: str, data: dict[str, Any]) -> str:
    template = TEMPLATES.get(event_type)
    if template is not None:
        try:
            return _clip(template.format_map(data))
        except (KeyError, IndexError, ValueError, AttributeError, TypeError):
            pass
    return _clip(_in_words(event_type))


def _in_words(event_type: str) -> str:
    # "trade_fair.created" -> "Trade fair created"
    text = event_type.replace(".", " ").replace("_", " ").strip()
    return text[:1].upper() + text[1:] if text else "Update"


def _clip(text: str) -> str:
    return text if len(text) <= TITLE_MAX else text[: TITLE_MAX - 1] + "…"
