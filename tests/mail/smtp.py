"""A real SMTP server for the tests (aiosmtpd on a port from the OS), and the mail
pipeline driven step by step: notifications, queue, send."""

import re
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any, cast

from aiosmtpd.controller import Controller
from fastapi import FastAPI
from sqlalchemy import select

from distretto.mail.sender import MailSender
from distretto.mail.transport import MailTransport, SmtpTransport
from distretto.models import Email
from distretto.realtime.relay import materialise_pending


@dataclass
class Received:
    rcpt: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    def part(self, subtype: str) -> str:
        body = self.message.get_body(preferencelist=(subtype,))
        assert body is not None, f"no text/{subtype} part"
        return str(cast(EmailMessage, body).get_content())

    @property
    def text(self) -> str:
        return self.part("plain")

    @property
    def html(self) -> str:
        return self.part("html")

    def link(self, path: str) -> str:
        """The token of the first link to ``path`` in the text part."""
        found = re.search(rf"/{path}\?token=([A-Za-z0-9_.\-]+)", self.text)
        assert found, f"no /{path} link in:\n{self.text}"
        return found.group(1)


@dataclass
class Mailbox:
    """What the server accepted; ``refuse`` makes it answer 550 to these recipients."""

    received: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.received.append(Received(list(envelope.rcpt_tos), cast(EmailMessage, message)))
        return "250 OK"

    def to(self, address: str) -> list[Received]:
        """News (event and digest mail: they carry List-Unsubscribe) sent to ``address``."""
        return [r for r in self.received if address in r.rcpt and r.message["List-Unsubscribe"]]

    def account_mail(self, address: str) -> list[Received]:
        """Verification, reset and invitation mail sent to ``address``."""
        return [r for r in self.received if address in r.rcpt and not r.message["List-Unsubscribe"]]

    def message_ids(self) -> list[str]:
        return [str(r.message["Message-ID"]) for r in self.received]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def smtp_server() -> Iterator[tuple[Mailbox, str]]:
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield mailbox, f"smtp://127.0.0.1:{port}"
    finally:
        controller.stop()


def sender(app: FastAPI, url: str | MailTransport) -> MailSender:
    ctx = app.state.ctx
    transport = SmtpTransport(url) if isinstance(url, str) else url
    return MailSender(ctx.sessionmaker, transport, ctx.settings)


async def notify(app: FastAPI) -> None:
    """What the notification relay does in the background, now."""
    async with app.state.ctx.sessionmaker() as session:
        await materialise_pending(session)
        await session.commit()


async def deliver(app: FastAPI, url: str | MailTransport) -> int:
    """Notifications, then (twice, so saved-search matches get their own turn) queue
    and send; how many the server accepted."""
    sent = 0
    mail = sender(app, url)
    for _ in range(2):
        await notify(app)
        sent += await mail.run_once()
    return sent


async def emails(app: FastAPI) -> list[Email]:
    async with app.state.ctx.sessionmaker() as session:
        return list((await session.scalars(select(Email).order_by(Email.id))).all())
