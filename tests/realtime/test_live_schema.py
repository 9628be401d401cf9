"""Live events are typed: the OpenAPI schema publishes every payload as a union on ``type``."""

from datetime import UTC, datetime

from fastapi import FastAPI
from pydantic import TypeAdapter

from distretto.kit.events import EVENT_TYPES
from distretto.market.events import BidCreated
from distretto.realtime.live_schema import envelope_models
from tests.architecture.sources import dotted_name, modules


async def test_every_event_type_is_in_the_discriminated_union(app: FastAPI) -> None:
    schemas = app.openapi()["components"]["schemas"]
    live = schemas["LiveEvent"]
    mapping = live["discriminator"]["mapping"]
    assert live["discriminator"]["propertyName"] == "type"
    assert set(mapping) == set(EVENT_TYPES)
    assert len(live["oneOf"]) == len(EVENT_TYPES)
    for type_, ref in mapping.items():
        envelope = schemas[ref.rsplit("/", 1)[1]]
        assert envelope["properties"]["type"]["const"] == type_
        assert set(envelope["required"]) == {"id", "type", "data", "created_at"}
    # The features' events are all registered (a sample from each).
    assert {"order.created", "contract.updated", "flag.created", "membership.requested"} <= set(
        mapping
    )
    assert {"course.created", "seal.granted", "firm.suspended"} <= set(mapping)


def test_a_sealed_bid_event_has_no_amount_keys_at_all() -> None:
    sealed = BidCreated(
        bid_id=1,
        order_id=2,
        firm_id=3,
        status="active",
        delivery_date="2026-05-01",
        order_revision=1,
    )
    assert "unit_price" not in sealed.model_dump(mode="json")
    priced = sealed.model_copy(update={"unit_price": "4.40", "total_price": "440.00"})
    assert priced.model_dump(mode="json")["unit_price"] == "4.40"


def test_an_envelope_validates_its_payload_by_type() -> None:
    (bid_created,) = [m for m in envelope_models() if m.__name__ == "LiveBidCreated"]
    envelope = {
        "id": 1,
        "type": "bid.created",
        "data": {
            "bid_id": 1,
            "order_id": 2,
            "firm_id": 3,
            "status": "active",
            "delivery_date": "2026-05-01",
            "order_revision": 1,
        },
        "created_at": datetime(2026, 5, 1, tzinfo=UTC).isoformat(),
    }
    assert TypeAdapter(bid_created).validate_python(envelope).data == BidCreated(**envelope["data"])


def test_features_emit_typed_payloads_only() -> None:
    """The raw outbox write is the live channel's own; features go through ``emit``."""
    offenders = [
        f"{module.path}:{call.lineno}"
        for module in modules()
        if module.name != "distretto.kit.events"
        for call in module.calls()
        if dotted_name(call.func).endswith("write_outbox_event")
    ]
    assert offenders == []
