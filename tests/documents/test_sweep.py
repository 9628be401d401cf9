"""Write the file first, commit the row after: a crash in between leaves only an object
that counts nowhere, and the sweep removes it."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
from fastapi import FastAPI

from distretto.auth.viewer import load_viewer
from distretto.documents import service
from distretto.documents.storage import LocalStorage
from distretto.documents.sweep import sweep
from distretto.models import Attachment
from tests.documents import samples
from tests.documents.builders import uploaded
from tests.helpers import firm_owner
from tests.market.builders import count, post_order


class Crash(Exception):
    pass


async def _body(data: bytes) -> service.IncomingBody:
    boundary = "crashtest"
    payload = (
        (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="file"; filename="scheda.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )

    async def stream() -> AsyncIterator[bytes]:
        yield payload

    return service.IncomingBody(stream(), f"multipart/form-data; boundary={boundary}", None)


async def _keys(storage: LocalStorage) -> set[str]:
    return {item.key async for item in storage.list()}


async def test_a_crash_between_storing_and_committing_leaves_a_sweepable_orphan(
    client: httpx.AsyncClient, app: FastAPI, tmp_path: object
) -> None:
    owner = await firm_owner(client, phases=["weaving"])
    order = await post_order(client, owner)
    storage = LocalStorage(str(tmp_path))
    app.state.documents_storage = storage
    try:
        kept = await uploaded(client, owner, f"/orders/{order['id']}/attachments")
        stored_before = await _keys(storage)
        assert len(stored_before) == 1

        sessionmaker = app.state.ctx.sessionmaker
        try:
            async with sessionmaker() as session, session.begin():
                viewer = await load_viewer(session, owner.user_id)
                assert viewer is not None
                await service.attach_to_order(
                    session,
                    storage,
                    viewer,
                    order["id"],
                    await _body(samples.pdf()),
                    1_000_000,
                    datetime.now(UTC),
                )
                # The bytes are stored and the row flushed, but not committed...
                assert len(await _keys(storage)) == 2
                raise Crash  # ...when the process fails.
        except Crash:
            pass

        # The orphan counts nowhere: no row, not in any list.
        assert await count(app, Attachment) == 1
        listed = await client.get(f"/orders/{order['id']}/attachments", headers=owner.headers)
        assert [f["id"] for f in listed.json()] == [kept["id"]]
        orphans = await _keys(storage) - stored_before
        assert len(orphans) == 1

        # Within the grace period nothing is removed (an upload may still be committing).
        young = await sweep(sessionmaker, storage, datetime.now(UTC), timedelta(hours=1))
        assert young.removed == 0 and young.scanned == 2
        later = datetime.now(UTC) + timedelta(hours=2)
        swept = await sweep(sessionmaker, storage, later, timedelta(hours=1))
        assert swept.removed == 1
        assert await _keys(storage) == stored_before
        # The committed file is intact.
        content = await client.get(f"/attachments/{kept['id']}/content", headers=owner.headers)
        assert content.status_code == 200 and content.content == samples.pdf()
    finally:
        del app.state.documents_storage


async def test_a_removed_file_is_swept_with_its_thumbnail(
    client: httpx.AsyncClient, app: FastAPI, tmp_path: object
) -> None:
    owner = await firm_owner(client, phases=["weaving"])
    order = await post_order(client, owner)
    storage = LocalStorage(str(tmp_path))
    app.state.documents_storage = storage
    try:
        photo = await uploaded(
            client,
            owner,
            f"/orders/{order['id']}/attachments",
            data=samples.png(),
            filename="campione.png",
        )
        assert len(await _keys(storage)) == 2  # the picture and its preview
        deleted = await client.delete(f"/attachments/{photo['id']}", headers=owner.headers)
        assert deleted.status_code == 204
        # Removed right after the response; anything left would be swept.
        await sweep(
            app.state.ctx.sessionmaker,
            storage,
            datetime.now(UTC) + timedelta(days=2),
            timedelta(days=1),
        )
        assert await _keys(storage) == set()
    finally:
        del app.state.documents_storage
