"""The contracts' live events: each carries what both parties (and, in a dispute, staff)
may read."""

from typing import ClassVar

from distretto.contracts.schemas import ContractOut, MessageOut
from distretto.kit.events import EventPayload


class ContractUpdated(ContractOut, EventPayload):
    """The contract as both parties read it, after any move of its lifecycle."""

    TYPE: ClassVar[str] = "contract.updated"


class MessageCreated(MessageOut, EventPayload):
    TYPE: ClassVar[str] = "message.created"


class ReviewCreated(EventPayload):
    """No ratings: the reviewee learns of a review only once it is released."""

    TYPE: ClassVar[str] = "review.created"
    id: int
    contract_id: int
    reviewer_firm_id: int
    reviewee_firm_id: int
    released: bool
