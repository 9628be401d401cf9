"""Where document bytes live: one small interface, two backends.

``LocalStorage`` writes under a data directory (the embedded default, one process or a
shared volume); ``S3Storage`` talks to any S3-compatible service (MinIO, AWS, …) so
several app processes on several machines share the files. Keys are always generated
here (random hex, two-level fan-out): no user-supplied name ever becomes a path.
"""

import os
import re
import secrets
from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import anyio
import obstore
from obstore.store import S3Store

from distretto.config import Settings

CHUNK_BYTES = 64 * 1024
_KEY = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{32}$")


class UnknownKey(Exception):
    """The key names no stored object (or is not a key this module could have made)."""


@dataclass(frozen=True)
class StoredObject:
    key: str
    modified_at: datetime


def new_key() -> str:
    token = secrets.token_hex(16)
    return f"{token[:2]}/{token}"


def checked_key(key: str) -> str:
    if not _KEY.match(key):
        raise UnknownKey(key)
    return key


class Storage(Protocol):
    async def put(self, chunks: AsyncIterable[bytes]) -> str:
        """Store the stream under a new key and return the key."""
        ...

    def open(self, key: str) -> AsyncIterator[bytes]:
        """The object's bytes, in chunks (``UnknownKey`` if absent)."""
        ...

    async def delete(self, key: str) -> None:
        """Remove the object; absent already is fine."""
        ...

    def list(self) -> AsyncIterator[StoredObject]:
        """Every stored object (for the sweep of unreferenced ones)."""
        ...


class LocalStorage:
    """Files under ``root``: written to a temporary name, renamed into place when complete,
    so a half-written upload is never an object."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).resolve()

    def _path(self, key: str) -> Path:
        return self.root / checked_key(key)

    async def put(self, chunks: AsyncIterable[bytes]) -> str:
        key = new_key()
        final = self._path(key)
        partial = final.with_name(final.name + ".partial")
        await anyio.to_thread.run_sync(lambda: final.parent.mkdir(parents=True, exist_ok=True))
        try:
            async with await anyio.open_file(partial, "wb") as out:
                async for chunk in chunks:
                    await out.write(chunk)
            await anyio.to_thread.run_sync(os.replace, partial, final)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return key

    async def open(self, key: str) -> AsyncIterator[bytes]:
        path = self._path(key)
        try:
            handle = await anyio.open_file(path, "rb")
        except FileNotFoundError as exc:
            raise UnknownKey(key) from exc
        async with handle:
            while chunk := await handle.read(CHUNK_BYTES):
                yield chunk

    async def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    async def list(self) -> AsyncIterator[StoredObject]:
        if not self.root.is_dir():
            return
        for shard in sorted(self.root.iterdir()):
            if not shard.is_dir():
                continue
            for path in sorted(shard.iterdir()):
                key = f"{shard.name}/{path.name}"
                if _KEY.match(key):
                    modified = datetime.fromtimestamp(path.stat().st_mtime, UTC)
                    yield StoredObject(key, modified)


class S3Storage:
    """Objects in an S3-compatible bucket under ``prefix`` (uploads of any size stream in
    multipart parts; nothing holds a whole file)."""

    def __init__(
        self,
        bucket: str,
        *,
        prefix: str = "",
        endpoint: str | None = None,
        region: str = "us-east-1",
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
    ) -> None:
        self.prefix = prefix
        options: dict[str, Any] = {"region": region}
        if endpoint:
            options["endpoint"] = endpoint
            # MinIO and most self-hosted services address buckets by path.
            options["virtual_hosted_style_request"] = False
        if access_key_id and secret_access_key:
            options["access_key_id"] = access_key_id
            options["secret_access_key"] = secret_access_key
        client_options: Any = (
            {"allow_http": True} if endpoint and endpoint.startswith("http:") else {}
        )
        self.store = S3Store(bucket, client_options=client_options, **options)

    def _path(self, key: str) -> str:
        return self.prefix + checked_key(key)

    async def put(self, chunks: AsyncIterable[bytes]) -> str:
        key = new_key()
        await obstore.put_async(self.store, self._path(key), chunks)
        return key

    async def open(self, key: str) -> AsyncIterator[bytes]:
        try:
            result = await obstore.get_async(self.store, self._path(key))
        except FileNotFoundError as exc:
            raise UnknownKey(key) from exc
        async for chunk in result.stream(min_chunk_size=CHUNK_BYTES):
            yield bytes(chunk)

    async def delete(self, key: str) -> None:
        await obstore.delete_async(self.store, self._path(key))

    async def list(self) -> AsyncIterator[StoredObject]:
        stream = obstore.list(self.store, self.prefix.rstrip("/") or None)
        async for batch in stream:
            for meta in batch:
                key = meta["path"][len(self.prefix) :]
                if _KEY.match(key):
                    yield StoredObject(key, meta["last_modified"])


def storage_from_settings(settings: Settings) -> Storage:
    if settings.documents_storage == "s3":
        if not settings.documents_s3_bucket:
            raise ValueError("DISTRETTO_DOCUMENTS_S3_BUCKET is required with S3 storage")
        return S3Storage(
            settings.documents_s3_bucket,
            prefix=settings.documents_s3_prefix,
            endpoint=settings.documents_s3_endpoint,
            region=settings.documents_s3_region,
            access_key_id=settings.documents_s3_access_key_id,
            secret_access_key=settings.documents_s3_secret_access_key,
        )
    return LocalStorage(settings.documents_dir)
