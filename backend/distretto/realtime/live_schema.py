"""Every live event published in the OpenAPI schema, so the web app types them.

``LiveEvent`` is a union discriminated on ``type``: one envelope ``{id, type, data,
created_at}`` per registered :class:`~distretto.kit.events.EventPayload`, whose ``data``
is that payload. Built when the schema is first asked for, once every feature's
``events.py`` has registered its payloads (the app imports them all through its routers).
"""

from datetime import datetime
from typing import Annotated, Any, Literal, Union

from fastapi import FastAPI
from pydantic import BaseModel, Field, TypeAdapter, create_model

from distretto.kit.events import EVENT_TYPES

REF_TEMPLATE = "#/components/schemas/{model}"


def envelope_models() -> list[type[BaseModel]]:
    envelopes = []
    for type_, payload in sorted(EVENT_TYPES.items()):
        wire_type: Any = Literal[type_]  # a literal built at run time: typed as Any
        envelopes.append(
            create_model(
                f"Live{payload.__name__}",
                id=(int, ...),
                type=(wire_type, ...),
                data=(payload, ...),
                created_at=(datetime, ...),
            )
        )
    return envelopes


def live_event_schema() -> tuple[dict[str, Any], dict[str, Any]]:
    """The ``LiveEvent`` schema and the component schemas it refers to."""
    envelopes = tuple(envelope_models())
    union = Annotated[Union[envelopes], Field(discriminator="type")]  # type: ignore[valid-type]  # noqa: UP007
    schema = TypeAdapter(union).json_schema(ref_template=REF_TEMPLATE, mode="validation")
    return schema, schema.pop("$defs", {})


def install_live_event_schema(app: FastAPI) -> None:
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = build()
        components = document.setdefault("components", {}).setdefault("schemas", {})
        union, definitions = live_event_schema()
        for name, definition in definitions.items():
            components.setdefault(name, definition)
        components["LiveEvent"] = union
        app.openapi_schema = document
        return document

    app.openapi = openapi  # type: ignore[method-assign]
