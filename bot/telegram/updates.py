"""Updates python-telegram-bot cannot read are skipped, not retried for ever.

When Telegram's Bot API is newer than the library, an update can come in a
shape PTB rejects. PTB then fails the whole getUpdates batch without
confirming it, asks for the same batch again, and fails again: one such update
stops the bot answering anyone. Parsing each update before PTB does, an
unreadable one is replaced by its bare `update_id` — confirmed with the
batch, matched by no handler — and logged once, by id, without its content.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from telegram import Update
from telegram.request import HTTPXRequest

log = logging.getLogger(__name__)


def readable(update: Any) -> Any:
    """`update` if PTB can read it, else only its id (so the batch is still confirmed past it)."""
    try:
        Update.de_json(update, None)
    except Exception as err:  # whatever PTB's classes raise on a shape they do not expect
        update_id = update.get("update_id") if isinstance(update, dict) else None
        log.warning("update %s cannot be read by python-telegram-bot (%s); skipped", update_id, type(err).__name__)
        return {"update_id": update_id}
    return update


class UpdatesRequest(HTTPXRequest):
    """The HTTP client for getUpdates only (PTB keeps a separate one for it): hands PTB readable updates."""

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        status, payload = await super().do_request(*args, **kwargs)
        try:
            body = json.loads(payload)
        except ValueError:
            return status, payload  # PTB reports what it cannot decode
        if not (isinstance(body, dict) and isinstance(body.get("result"), list)):
            return status, payload
        checked = [readable(update) for update in body["result"]]
        if checked == body["result"]:
            return status, payload
        return status, json.dumps({**body, "result": checked}).encode()
