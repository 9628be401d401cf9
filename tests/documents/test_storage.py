"""Both storage backends pass the same suite: local files, and S3 over the wire (moto)."""

import hashlib
import os
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from distretto.documents.storage import LocalStorage, S3Storage, Storage, UnknownKey, new_key
from tests.documents.conftest import BUCKET


async def _chunks(data: bytes, size: int = 100_000) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


async def _read(storage: Storage, key: str) -> bytes:
    return b"".join([chunk async for chunk in storage.open(key)])


@pytest.fixture(params=["local", "s3"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Storage:
    if request.param == "local":
        return LocalStorage(tmp_path / "documents")
    endpoint = request.getfixturevalue("s3_endpoint")
    return S3Storage(
        BUCKET,
        # A prefix of its own per test: the bucket outlives each test.
        prefix=f"run-{uuid.uuid4().hex[:8]}/",
        endpoint=endpoint,
        access_key_id="test",
        secret_access_key="test",
    )


async def test_put_then_open_returns_the_same_bytes(storage: Storage) -> None:
    data = os.urandom(3 * 1024 * 1024 + 17)  # several chunks, not a multiple of any
    key = await storage.put(_chunks(data))
    assert hashlib.sha256(await _read(storage, key)).digest() == hashlib.sha256(data).digest()


async def test_empty_object(storage: Storage) -> None:
    key = await storage.put(_chunks(b""))
    assert await _read(storage, key) == b""


async def test_keys_are_ours_and_unique(storage: Storage) -> None:
    first = await storage.put(_chunks(b"a"))
    second = await storage.put(_chunks(b"a"))
    assert first != second
    for key in (first, second):
        shard, name = key.split("/")
        assert name.startswith(shard) and len(name) == 32 and int(name, 16) >= 0


async def test_unknown_key_and_forged_key_are_refused(storage: Storage) -> None:
    with pytest.raises(UnknownKey):
        await _read(storage, new_key())
    for forged in ("../../etc/passwd", "ab/../../x", "/etc/passwd", "AB/" + "0" * 32):
        with pytest.raises(UnknownKey):
            await _read(storage, forged)


async def test_delete_removes_and_tolerates_absence(storage: Storage) -> None:
    key = await storage.put(_chunks(b"bytes"))
    await storage.delete(key)
    with pytest.raises(UnknownKey):
        await _read(storage, key)
    await storage.delete(key)  # already gone: fine


async def test_list_shows_every_object_with_its_time(storage: Storage) -> None:
    before = datetime.now(UTC) - timedelta(minutes=1)
    keys = {await storage.put(_chunks(f"object {i}".encode())) for i in range(3)}
    listed = {item.key: item.modified_at async for item in storage.list()}
    assert keys <= set(listed)
    assert all(listed[key] >= before for key in keys)
    for key in keys:
        await storage.delete(key)
    remaining = {item.key async for item in storage.list()}
    assert not keys & remaining


async def test_failed_stream_leaves_no_object(storage: Storage) -> None:
    async def broken() -> AsyncIterator[bytes]:
        yield b"x" * 1000
        raise ConnectionResetError("client went away")

    before = {item.key async for item in storage.list()}
    with pytest.raises(ConnectionResetError):
        await storage.put(broken())
    after = {item.key async for item in storage.list()}
    assert after == before


def test_local_storage_writes_only_under_its_root(tmp_path: Path) -> None:
    storage = LocalStorage(tmp_path / "root")
    path = storage._path(new_key())
    assert path.is_relative_to(tmp_path / "root")
