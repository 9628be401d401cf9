"""The documents of the authorization world: a file on each kind of parent (with its
bytes in the app's storage) and a credential of the home firm waiting for review."""

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

from fastapi import FastAPI

from distretto.documents.storage import storage_from_settings
from distretto.models import Attachment, FirmDocument
from tests.documents import samples


async def _once(data: bytes) -> AsyncIterator[bytes]:
    yield data


async def add_documents(app: FastAPI, b: Any) -> None:
    storage = getattr(app.state, "documents_storage", None) or storage_from_settings(
        app.state.ctx.settings
    )
    home = b.ids["firm_home"]

    async def attachment(name: str, data: bytes, filename: str, **parent: int) -> None:
        key = await storage.put(_once(data))
        thumbnail = await storage.put(_once(samples.webp())) if filename.endswith(".png") else None
        await b.add(
            name,
            Attachment(
                **parent,
                uploaded_by_firm_id=home,
                filename=filename,
                content_type="image/png" if filename.endswith(".png") else "application/pdf",
                size=len(data),
                sha256="0" * 64,
                storage_key=key,
                thumbnail_key=thumbnail,
            ),
        )

    await attachment(
        "attachment_order", samples.png(), "campione.png", order_id=b.ids["order_home_open"]
    )
    await attachment(
        "attachment_bid", samples.pdf(), "offerta.pdf", bid_id=b.ids["bid_home_on_partner"]
    )
    await attachment(
        "attachment_contract", samples.pdf(), "ddt.pdf", contract_id=b.ids["contract_active"]
    )
    await b.add(
        "firm_document",
        FirmDocument(
            firm_id=home,
            kind="certification",
            label="GOTS",
            valid_until=(b.now + timedelta(days=200)).date(),
            filename="gots.pdf",
            content_type="application/pdf",
            size=len(samples.pdf()),
            sha256="0" * 64,
            storage_key=await storage.put(_once(samples.pdf())),
        ),
    )
