"""Logging for the Telegram bot: the token never reaches a log line.

The token is part of every Bot API URL, so anything that logs a URL (httpx at
INFO, python-telegram-bot at DEBUG, an exception's message) would leak it. A
filter on the handlers redacts it from every record, whoever logged it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from urllib.parse import quote

REDACTED = "<redacted>"
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class RedactSecrets(logging.Filter):
    """Replaces each secret (and its URL-encoded form) in the message and traceback of a record."""

    def __init__(self, secrets: Iterable[str]):
        super().__init__()
        plain = [s for s in secrets if s]
        self.secrets = sorted({*plain, *(quote(s, safe="") for s in plain)}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed call; let the handler report it as usual
            return True
        redacted = self.redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def configure_logging(level: str, secrets: Iterable[str]) -> None:
    """Log to stderr at `level` (ValueError if it is not a level name), secrets redacted, httpx quiet."""
    numeric = logging.getLevelName(level.strip().upper())
    if not isinstance(numeric, int):
        raise ValueError(f"unknown log level {level!r}")
    logging.basicConfig(format=FORMAT, level=numeric)
    redact = RedactSecrets(secrets)
    for handler in logging.getLogger().handlers:
        handler.addFilter(redact)
    # httpx logs every request URL at INFO, and every URL holds the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # jieba sets its own logger to DEBUG; it should follow LOG_LEVEL like everything else.
    logging.getLogger("jieba").setLevel(numeric)
