"""Reading a multipart upload as it arrives, without ever holding the file in memory.

The request body is fed chunk by chunk to python-multipart's push parser; the ``file``
part goes to a temporary file on disk while its SHA-256 and size are computed, and the
upload is cut off with a 413 the moment it passes the limit. Only then, with the whole
file on disk, is its kind sniffed (XLSX and DOCX need to look inside the archive).
"""

import hashlib
import os
import re
import tempfile
from collections.abc import AsyncIterable, AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

from distretto.documents.filenames import clean_filename
from distretto.documents.storage import CHUNK_BYTES
from distretto.kit.errors import DomainError, Invalid

FILE_FIELD = "file"
# Text parts (title, kind, label, …) are short; a few of them at most.
MAX_TEXT_BYTES = 4096
MAX_PARTS = 12
# What a multipart body may add around the file: boundaries, part headers, text parts.
MULTIPART_OVERHEAD_BYTES = MAX_PARTS * (MAX_TEXT_BYTES + 1024)
# Routes whose multipart bodies are documents: the app's general body limit (and the
# buffering NUL guard) give way to the streaming limit here.
UPLOAD_PATHS = re.compile(
    r"^/api/v1/(?:(?:orders|bids|contracts)/\d+/attachments|firms/\d+/documents)$"
)


class PayloadTooLarge(DomainError):
    status, title, slug = 413, "Payload too large", "payload-too-large"


class UnsupportedMediaType(DomainError):
    status, title, slug = 415, "Unsupported media type", "unsupported-media-type"


@dataclass
class ReceivedFile:
    path: Path
    filename: str
    size: int
    sha256: str
    fields: dict[str, str] = field(default_factory=dict)

    async def chunks(self) -> AsyncIterator[bytes]:
        with self.path.open("rb") as handle:
            while chunk := handle.read(CHUNK_BYTES):
                yield chunk


class _Collector:
    """The parser's callbacks: text parts into ``fields``, the file part to disk."""

    def __init__(self, spool: IO[bytes], max_bytes: int) -> None:
        self.spool = spool
        self.max_bytes = max_bytes
        self.fields: dict[str, str] = {}
        self.filename: str | None = None
        self.size = 0
        self.digest = hashlib.sha256()
        self.parts = 0
        self._header_name = b""
        self._header_value = b""
        self._disposition = b""
        self._name = ""
        self._is_file = False
        self._text = bytearray()

    def callbacks(self) -> dict[str, object]:
        return {
            "on_part_begin": self.on_part_begin,
            "on_part_data": self.on_part_data,
            "on_part_end": self.on_part_end,
            "on_header_field": self.on_header_field,
            "on_header_value": self.on_header_value,
            "on_header_end": self.on_header_end,
            "on_headers_finished": self.on_headers_finished,
        }

    def on_part_begin(self) -> None:
        self.parts += 1
        if self.parts > MAX_PARTS:
            raise Invalid("body", "too many parts", code="documents.too_many_parts")
        self._disposition = b""
        self._text = bytearray()

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def on_header_end(self) -> None:
        if self._header_name.lower() == b"content-disposition":
            self._disposition = self._header_value
        self._header_name = b""
        self._header_value = b""

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self._disposition)
        self._name = options.get(b"name", b"").decode("utf-8", "replace")
        self._is_file = self._name == FILE_FIELD
        if self._is_file:
            if self.filename is not None:
                raise Invalid(FILE_FIELD, "send one file", code="documents.one_file")
            self.filename = clean_filename(options.get(b"filename", b"").decode("utf-8", "replace"))

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        if self._is_file:
            self.size += len(chunk)
            if self.size > self.max_bytes:
                raise PayloadTooLarge(
                    f"Files are limited to {self.max_bytes} bytes",
                    code="documents.too_large",
                    params={"max_bytes": self.max_bytes},
                )
            self.digest.update(chunk)
            self.spool.write(chunk)
            return
        self._text += chunk
        if len(self._text) > MAX_TEXT_BYTES:
            raise Invalid(self._name or "body", "is too long", code="documents.field_too_long")

    def on_part_end(self) -> None:
        if self._is_file or not self._name:
            return
        text = bytes(self._text).decode("utf-8", "replace")
        if "\x00" in text:
            raise Invalid(
                self._name, "must not contain NUL characters", code="documents.nul_character"
            )
        self.fields[self._name] = text


def _boundary(content_type: str | None) -> bytes:
    kind, options = parse_options_header(content_type or "")
    boundary = options.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise Invalid(
            FILE_FIELD,
            "send the file as multipart/form-data in a part named 'file'",
            code="documents.multipart_required",
        )
    return boundary


@asynccontextmanager
async def receive_upload(
    body: AsyncIterable[bytes],
    content_type: str | None,
    content_length: str | None,
    max_bytes: int,
) -> AsyncIterator[ReceivedFile]:
    """The upload on disk for the duration of the ``with`` block, then gone."""
    boundary = _boundary(content_type)
    declared = int(content_length) if content_length and content_length.isdigit() else 0
    if declared > max_bytes + MULTIPART_OVERHEAD_BYTES:
        raise PayloadTooLarge(
            f"Files are limited to {max_bytes} bytes",
            code="documents.too_large",
            params={"max_bytes": max_bytes},
        )
    descriptor, name = tempfile.mkstemp(prefix="distretto-upload-")
    path = Path(name)
    try:
        with os.fdopen(descriptor, "wb") as spool:
            collector = _Collector(spool, max_bytes)
            parser = MultipartParser(boundary, collector.callbacks())  # type: ignore[arg-type]
            try:
                async for chunk in body:
                    parser.write(chunk)
                parser.finalize()
            except MultipartParseError as exc:
                raise Invalid(
                    "body", "is not a well-formed multipart body", code="documents.bad_multipart"
                ) from exc
        if collector.filename is None:
            raise Invalid(FILE_FIELD, "is required", code="documents.file_required")
        yield ReceivedFile(
            path=path,
            filename=collector.filename,
            size=collector.size,
            sha256=collector.digest.hexdigest(),
            fields=collector.fields,
        )
    finally:
        with suppress(FileNotFoundError):
            os.unlink(path)
