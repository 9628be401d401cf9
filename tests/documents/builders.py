"""Uploading and reading files in the tests."""

from typing import Any

import httpx

from tests.documents import samples
from tests.helpers import Actor


async def upload(
    client: httpx.AsyncClient,
    actor: Actor | None,
    url: str,
    data: bytes | None = None,
    filename: str = "scheda-tecnica.pdf",
    content_type: str = "application/pdf",
    **fields: Any,
) -> httpx.Response:
    return await client.post(
        url,
        files={"file": (filename, samples.pdf() if data is None else data, content_type)},
        data={k: str(v) for k, v in fields.items()},
        headers=actor.headers if actor else {},
    )


async def uploaded(
    client: httpx.AsyncClient, actor: Actor, url: str, **kwargs: Any
) -> dict[str, Any]:
    response = await upload(client, actor, url, **kwargs)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def status_of(client: httpx.AsyncClient, actor: Actor | None, url: str) -> int:
    response = await client.get(url, headers=actor.headers if actor else {})
    return response.status_code


async def reads(
    client: httpx.AsyncClient, actor: Actor | None, attachment_id: int
) -> tuple[int, int]:
    """(metadata status, content status) for one attachment."""
    return (
        await status_of(client, actor, f"/attachments/{attachment_id}"),
        await status_of(client, actor, f"/attachments/{attachment_id}/content"),
    )
