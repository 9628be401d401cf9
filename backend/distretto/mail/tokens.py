"""Signed one-click unsubscribe tokens: they work without signing in, so the signature
(HMAC-SHA256 with the app's secret) is all that stands between a forged link and someone
else's settings."""

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from distretto.mail.kinds import MAIL_KINDS

# Long enough for a mail read weeks later; a stale link just asks the user to sign in.
UNSUBSCRIBE_TTL = timedelta(days=180)
ALL = "all"


@dataclass(frozen=True)
class Unsubscribe:
    user_id: int
    kind: str | None  # None: all email


def _sign(secret: str, body: str) -> str:
    mac = hmac.new(secret.encode(), f"unsubscribe|{body}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:20]).decode().rstrip("=")


def make_token(secret: str, user_id: int, kind: str | None, now: datetime) -> str:
    expires = int((now + UNSUBSCRIBE_TTL).timestamp())
    body = f"{user_id}.{kind or ALL}.{expires}"
    return f"{body}.{_sign(secret, body)}"


def read_token(secret: str, token: str, now: datetime) -> Unsubscribe | None:
    """The request a token carries, or None if it is forged, malformed or expired."""
    body, _, signature = token.rpartition(".")
    if not body or not hmac.compare_digest(signature, _sign(secret, body)):
        return None
    parts = body.split(".")
    if len(parts) != 3 or not parts[0].isdigit() or not parts[2].isdigit():
        return None
    user, kind, expires = parts
    if int(expires) < now.timestamp() or (kind != ALL and kind not in MAIL_KINDS):
        return None
    return Unsubscribe(int(user), None if kind == ALL else kind)
