from collections.abc import AsyncIterator

import pytest
from fastapi import FastAPI

from tests.realtime.builders import serve


@pytest.fixture(scope="session")
async def live_server(app: FastAPI) -> AsyncIterator[str]:
    """The session's app behind a real uvicorn server; the ws:// base URL."""
    async with serve(app) as base:
        yield base


@pytest.fixture(autouse=True)
async def live_from_here(app: FastAPI) -> None:
    # The harness empties the outbox between tests under the running app, so ids start
    # again from 1: let the dispatcher start from the outbox as it is now.
    await app.state.realtime.dispatcher.anchor()
