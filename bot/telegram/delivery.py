"""Getting a reply to the user despite Telegram's limits and a flaky network.

Three things can go wrong after the answer is ready: Telegram asks us to slow
down (429 with `retry_after`), a request times out, or Telegram refuses the
HTML. The first two are retried for every API call by `RetryLimiter` (PTB's
hook around each request); the third is handled where we send text, by
sending the same words without formatting.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Awaitable, Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram import Bot, CallbackQuery, InlineKeyboardMarkup, Message, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import BadRequest, RetryAfter, TimedOut
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

from bot.telegram.views import MAX_MESSAGE, plain_text, split_html

log = logging.getLogger(__name__)


def retry_seconds(err: RetryAfter) -> float:
    """`retry_after` as seconds, whichever type this PTB version gives it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = err.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class RetryLimiter(BaseRateLimiter[None]):
    """Waits as long as Telegram says after a 429, and retries a timed-out call, a few times at most."""

    def __init__(self, max_retries: int = 3, timeout_backoff: float = 0.5, max_wait: float = 60.0,
                 sleep: Callable[[float], Awaitable[object]] = asyncio.sleep):
        self.max_retries, self.timeout_backoff, self.max_wait = max_retries, timeout_backoff, max_wait
        self.sleep = sleep  # tests record the waits instead of sleeping them

    async def initialize(self) -> None:
        """Nothing to set up: the limiter only reacts to errors."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        attempt = 0
        while True:
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as err:
                wait = retry_seconds(err)
                if attempt >= self.max_retries or wait > self.max_wait:
                    raise
                log.warning("Telegram asked to wait %.1f s before %s (retry %d)", wait, endpoint, attempt + 1)
                await self.sleep(wait)
            except TimedOut:
                if attempt >= self.max_retries:
                    raise
                log.warning("%s timed out (retry %d)", endpoint, attempt + 1)
                await self.sleep(self.timeout_backoff * 2**attempt)
            attempt += 1


async def with_plain_fallback(method: Callable[..., Awaitable[Any]], markup: str, **kwargs: Any) -> Any:
    """Send `markup` as HTML; if Telegram cannot parse it, send the same text unformatted."""
    try:
        return await method(text=markup, parse_mode=ParseMode.HTML, **kwargs)
    except BadRequest as err:
        if "can't parse entities" not in err.message.lower():
            raise
        log.warning("Telegram refused the HTML (%s); resending as plain text", err.message)
        return await method(text=plain_text(markup), parse_mode=None, **kwargs)


async def send(bot: Bot, chat_id: int, markup: str, keyboard: InlineKeyboardMarkup | None = None,
               reply_to: int | None = None) -> Message:
    """A reply of any length: several messages if needed, the buttons under the last one."""
    chunks = split_html(markup)
    message: Message | None = None
    for i, chunk in enumerate(chunks):
        quote = ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to and i == 0 else None
        message = await with_plain_fallback(bot.send_message, chunk, chat_id=chat_id, reply_parameters=quote,
                                            reply_markup=keyboard if i == len(chunks) - 1 else None)
    assert message is not None
    return message


async def edit(query: CallbackQuery, markup: str, keyboard: InlineKeyboardMarkup | None = None) -> None:
    """Replace the message under a button; an edit is one message, so a too-long view is trimmed."""
    chunks = split_html(markup, MAX_MESSAGE - 2)
    text = chunks[0] if len(chunks) == 1 else chunks[0] + "\n…"
    try:
        await with_plain_fallback(query.edit_message_text, text, reply_markup=keyboard)
    except BadRequest as err:
        if "message is not modified" not in err.message.lower():  # a double press: already showing it
            raise
