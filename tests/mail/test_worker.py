"""``distretto worker``: the background work of app processes that serve requests only
(``DISTRETTO_BACKGROUND_JOBS=false``, as the test app runs): the mail of what they commit
goes out from the worker, with nothing pushed to it by hand."""

import asyncio

import httpx
import pytest
from fastapi import FastAPI

from distretto.app import run_worker
from distretto.config import Settings
from tests.mail.smtp import smtp_server
from tests.market.builders import district, place_bid, post_order

PATIENCE_SECONDS = 20


# The worker is for app processes sharing PostgreSQL (`distretto worker` refuses SQLite,
# whose one process does its background work itself).
pytestmark = pytest.mark.postgres_only


async def test_the_worker_mails_what_the_app_processes_commit(
    client: httpx.AsyncClient, app: FastAPI, settings: Settings
) -> None:
    d = await district(client, app)
    posted = await post_order(client, d.client_owner)
    with smtp_server() as (box, url):
        stop = asyncio.Event()
        worker = asyncio.create_task(
            run_worker(settings.model_copy(update={"smtp_url": url}), stop)
        )
        try:
            # Committed by a request while the worker runs: no one wakes it by hand.
            await place_bid(client, d.bidder, posted["id"])

            async with asyncio.timeout(PATIENCE_SECONDS):
                while True:
                    if box.to(d.client_owner.email):
                        break
                    await asyncio.sleep(0.05)
        finally:
            stop.set()
            await worker
    [mail] = box.to(d.client_owner.email)
    assert f"/orders/{posted['id']}" in mail.text
    assert box.to(d.outsider.email) == []
