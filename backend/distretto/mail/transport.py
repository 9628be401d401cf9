"""Where a finished message goes: an SMTP server (aiosmtplib), or ``.eml`` files in a
folder when no server is configured (development, the demo)."""

import asyncio
import re
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib

from distretto.config import Settings

SMTP_TIMEOUT_SECONDS = 30


class MailTransport(Protocol):
    async def send(self, message: EmailMessage) -> None: ...

    def describe(self) -> str: ...


class SmtpTransport:
    """``smtp://user:pass@host:port`` (``?starttls=true`` to upgrade), ``smtps://`` for
    TLS from the first byte."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("DISTRETTO_SMTP_URL must look like smtp://user:pass@host:port")
        self.hostname = parts.hostname
        self.use_tls = parts.scheme == "smtps"
        self.port = parts.port or (465 if self.use_tls else 25)
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        query = parse_qs(parts.query)
        self.start_tls = query.get("starttls", ["false"])[0].lower() in ("1", "true", "yes")

    async def send(self, message: EmailMessage) -> None:
        await aiosmtplib.send(
            message,
            hostname=self.hostname,
            port=self.port,
            username=self.username,
            password=self.password,
            use_tls=self.use_tls,
            start_tls=self.start_tls,
            timeout=SMTP_TIMEOUT_SECONDS,
        )

    def describe(self) -> str:
        return f"SMTP server {self.hostname}:{self.port}"


class FileTransport:
    def __init__(self, folder: str) -> None:
        self.folder = Path(folder).resolve()

    async def send(self, message: EmailMessage) -> None:
        await asyncio.to_thread(self._write, message)

    def _write(self, message: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        # The Message-ID is unique per queued email: writing it again replaces the file.
        name = re.sub(r"[^A-Za-z0-9.-]", "_", str(message["Message-ID"]).strip("<>"))
        (self.folder / f"{name}.eml").write_bytes(bytes(message))

    def describe(self) -> str:
        return f".eml files in {self.folder}"


def transport_for(settings: Settings) -> MailTransport:
    if settings.smtp_url:
        return SmtpTransport(settings.smtp_url)
    return FileTransport(settings.mail_dir)
