"""Keep access tokens out of the server logs.

Browsers cannot set headers on a websocket, so the token travels in ``/ws?token=``, and
uvicorn logs every handshake and request with its query string.
"""

import logging
import re

_TOKEN = re.compile(r"((?:^|[?&])token=)[^&\s\"]+")
SERVER_LOGGERS = ("uvicorn.error", "uvicorn.access")


def redact(text: str) -> str:
    return _TOKEN.sub(r"\1[redacted]", text)


class RedactTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def redact_tokens_in_server_logs() -> None:
    """Idempotent: several apps in one process (the tests) install it once."""
    for name in SERVER_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactTokens) for f in logger.filters):
            logger.addFilter(RedactTokens())
