"""Concurrent publications of one tariff: every version number is taken once."""

import asyncio

import httpx
import pytest
from fastapi import FastAPI

from tests.helpers import make_staff, register
from tests.tariffs.builders import tariff_body, tariffs


@pytest.mark.postgres_only
async def test_concurrent_publications_never_share_a_version(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    staff = await make_staff(app, await register(client))
    responses = await asyncio.gather(
        *(
            client.post(
                "/tariffs",
                json=tariff_body(min_price=f"3.{i:02d}", typical_price="4.00"),
                headers=staff.headers,
            )
            for i in range(20)
        )
    )
    codes = [r.status_code for r in responses]
    assert set(codes) <= {201, 409}, codes
    versions = sorted(r.json()["version"] for r in responses if r.status_code == 201)
    assert versions == list(range(1, len(versions) + 1))
    [current] = await tariffs(client)
    assert len(current["history"]) == len(versions)
