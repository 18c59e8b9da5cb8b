"""Getting exactly one reply to the user despite Telegram's limits and a flaky network.

What can go wrong once the answer is ready, and what is done about it:

- Telegram asks us to slow down (429 with `retry_after`): wait that long and retry; nothing was stored.
- The request never reached Telegram (connect error or time-out, no free connection), or Telegram answered
  with a server error (5xx): retry with back-off; nothing was stored.
- The request was sent but no answer came back (read time-out, connection closed): it may or may not have
  taken effect. Calls that can be repeated harmlessly (reading, edits, answering a button) are retried. A
  sendMessage is not: `send` first checks whether the message arrived, and sends it again only if it did not.
- Telegram refuses the HTML: the same words are sent without formatting.

`RetryLimiter` is PTB's hook around every API call, so the first three apply to every request the bot makes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import warnings
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Coroutine
from datetime import timedelta
from typing import Any

import httpx
from telegram import Bot, CallbackQuery, InlineKeyboardMarkup, Message, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import BaseRateLimiter
from telegram.warnings import PTBDeprecationWarning

from bot.telegram.views import MAX_MESSAGE, plain_text, split_html

log = logging.getLogger(__name__)

# Calls whose repetition the user would see twice. Everything else is safe to repeat: a repeated edit answers
# "message is not modified", a repeated answer to a button "query is too old".
NOT_REPEATABLE = frozenset({"sendmessage", "sendphoto", "senddocument", "copymessage", "forwardmessage"})
ALREADY_ANSWERED = ("query is too old", "query id is invalid")
RESENDS = 4  # sendMessage attempts after one that may have arrived and, checked, had not
PROBES = 20  # message ids looked at after the last known one when checking whether a message arrived


def retry_seconds(err: RetryAfter) -> float:
    """`retry_after` as seconds, whichever type this PTB version gives it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = err.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def unsent(err: Exception) -> bool:
    """True when the failed request certainly took no effect: it never reached Telegram (PTB wraps httpx's
    connect errors), or Telegram answered with an error (PTB raises those without an httpx cause)."""
    if isinstance(err, RetryAfter | BadRequest):
        return True
    cause = err.__cause__
    if isinstance(err, TimedOut):
        return isinstance(cause, httpx.ConnectTimeout | httpx.PoolTimeout)
    if isinstance(err, NetworkError):
        return cause is None or isinstance(cause, httpx.ConnectError)
    return False


def transient(err: object) -> bool:
    """A network error — Telegram unreachable, a 5xx, a time-out, a 429 — not a mistake of ours or a refusal."""
    return isinstance(err, NetworkError | RetryAfter) and not isinstance(err, BadRequest)


def describe(err: BaseException) -> str:
    """One line for a log: the error's kind and message, never a traceback."""
    cause = f" ← {type(err.__cause__).__name__}" if err.__cause__ else ""
    return f"{type(err).__name__}{cause}: {err}"


class ChatLedger:
    """What the bot knows of one chat's messages: the highest message id seen (a question it received, a reply
    it sent), and a lock so that at most one of its own messages there is unaccounted for at a time."""

    def __init__(self) -> None:
        self.lock = asyncio.Lock()
        self.last_id: int | None = None

    def saw(self, message_id: int) -> None:
        self.last_id = max(self.last_id or 0, message_id)


class ChatLedgers:
    """A `ChatLedger` per chat, the most recently used `size` of them."""

    def __init__(self, size: int = 10_000):
        self.size = size
        self._chats: OrderedDict[int, ChatLedger] = OrderedDict()

    def __getitem__(self, chat_id: int) -> ChatLedger:
        ledger = self._chats.pop(chat_id, None) or ChatLedger()
        self._chats[chat_id] = ledger
        while len(self._chats) > self.size:
            oldest = next(iter(self._chats))
            if self._chats[oldest].lock.locked():
                break
            del self._chats[oldest]
        return ledger

    def note(self, endpoint: str, result: object) -> None:
        """Message ids from what Telegram answered: the bot's sent messages and the messages it received."""
        if endpoint.lower() == "sendmessage" and isinstance(result, dict):
            self._saw(result)
        elif endpoint.lower() == "getupdates" and isinstance(result, list):
            for update in result:
                if isinstance(update, dict) and isinstance(update.get("message"), dict):
                    self._saw(update["message"])

    def _saw(self, message: dict[str, Any]) -> None:
        chat, message_id = message.get("chat"), message.get("message_id")
        if isinstance(chat, dict) and isinstance(chat.get("id"), int) and isinstance(message_id, int):
            self[chat["id"]].saw(message_id)


class RetryLimiter(BaseRateLimiter[None]):
    """Retries what is safe to retry, for every API call: after a 429 as long as Telegram says, after a request
    that never arrived or a server error with back-off, and after a lost answer only if a repeat is harmless."""

    def __init__(self, max_retries: int = 5, backoff: float = 0.5, max_backoff: float = 4.0, max_wait: float = 60.0,
                 settle: float = 2.0, sleep: Callable[[float], Awaitable[object]] = asyncio.sleep):
        self.max_retries, self.max_wait = max_retries, max_wait
        self.sleep = sleep  # tests record the waits instead of sleeping them
        self.backoff, self.max_backoff = backoff, max_backoff
        self.settle = settle  # how long Telegram gets to finish a call we lost the answer to, before we check it
        self.chats = ChatLedgers()

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
        attempt, repeated = 0, False
        while True:
            try:
                result = await callback(*args, **kwargs)
            except RetryAfter as err:
                wait = retry_seconds(err)
                if attempt >= self.max_retries or wait > self.max_wait:
                    raise
                log.warning("Telegram asked to wait %.1f s before %s (retry %d)", wait, endpoint, attempt + 1)
                await self.sleep(wait)
            except BadRequest as err:
                if repeated and any(s in err.message.lower() for s in ALREADY_ANSWERED):
                    return True  # the lost first answer to this query did arrive
                raise
            except NetworkError as err:  # TimedOut included
                if not unsent(err):
                    if endpoint.lower() in NOT_REPEATABLE:
                        raise  # `send` checks whether it arrived before sending again
                    repeated = True
                if attempt >= self.max_retries:
                    raise
                delay = min(self.backoff * 2**attempt, self.max_backoff)
                log.warning("%s failed (%s); retry %d in %.1f s", endpoint, describe(err), attempt + 1, delay)
                await self.sleep(delay)
            else:
                self.chats.note(endpoint, result)
                return result
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


async def arrived(bot: Bot, ledger: ChatLedger, chat_id: int, keyboard: InlineKeyboardMarkup | None) -> bool:
    """Whether a message we lost the answer to is in the chat after all.

    The Bot API cannot list a chat's messages, but an edit that changes nothing tells which message ids exist
    and are ours: setting a message's buttons to the ones it already has is refused as "not modified", a user's
    message "can't be edited", and an id past the chat's last message is "not found". With the chat's lock held
    the only message of ours after the last id we know is the one in doubt. Without a known id, or when the check
    itself fails, it counts as arrived: one lost reply is better than two.
    """
    if ledger.last_id is None:
        log.warning("cannot check whether a message arrived in a chat with no known message; assuming it did")
        return True
    for message_id in range(ledger.last_id + 1, ledger.last_id + 1 + PROBES):
        try:
            await bot.edit_message_reply_markup(chat_id=chat_id, message_id=message_id, reply_markup=keyboard)
        except BadRequest as err:
            reason = err.message.lower()
            if "not modified" in reason:
                ledger.saw(message_id)
                return True
            if "not found" in reason:
                return False
            if "can't be edited" not in reason:
                log.warning("checking message %d: %s; assuming the message arrived", message_id, err.message)
                return True
        except TelegramError as err:
            log.warning("checking message %d: %s; assuming the message arrived", message_id, describe(err))
            return True
        else:  # an earlier message of ours we did not know of; it now has these buttons
            log.warning("message %d was ours but unknown; its buttons were replaced while checking", message_id)
            ledger.saw(message_id)
    return True


async def _send_once(bot: Bot, ledger: ChatLedger | None, settle: float, chunk: str, chat_id: int,
                     quote: ReplyParameters | None, keyboard: InlineKeyboardMarkup | None) -> Message | None:
    """One message, arriving once: resent only after checking that an attempt whose answer was lost did not arrive.
    None when it arrived but we never got Telegram's copy."""
    for attempt in range(RESENDS + 1):
        try:
            message: Message = await with_plain_fallback(bot.send_message, chunk, chat_id=chat_id,
                                                         reply_parameters=quote, reply_markup=keyboard)
        except NetworkError as err:
            if unsent(err):
                raise
            log.warning("sendMessage got no answer (%s); checking whether it arrived", describe(err))
            if ledger is None:
                return None  # nothing to check with: one lost reply rather than two
            await asyncio.sleep(settle)
            if await arrived(bot, ledger, chat_id, keyboard):
                return None
            if attempt == RESENDS:
                raise  # it certainly did not arrive: the caller apologises
            log.warning("the message had not arrived; sending it again")
        else:
            if ledger is not None:
                ledger.saw(message.message_id)
            return message
    return None


async def send(bot: Bot, chat_id: int, markup: str, keyboard: InlineKeyboardMarkup | None = None,
               reply_to: int | None = None, after: int | None = None) -> Message | None:
    """A reply of any length, each part arriving once: several messages if needed, the buttons under the last.

    `after` is the id of the message being answered, the newest the chat is known to hold. Returns the last
    message sent, or None if Telegram's copy of it was lost (the message itself arrived).
    """
    limiter = getattr(bot, "rate_limiter", None)
    ledger = limiter.chats[chat_id] if isinstance(limiter, RetryLimiter) else None
    settle = limiter.settle if isinstance(limiter, RetryLimiter) else 0.0
    chunks = split_html(markup)
    message: Message | None = None
    async with ledger.lock if ledger else contextlib.nullcontext():
        if ledger and after:
            ledger.saw(after)
        for i, chunk in enumerate(chunks):
            quote = ReplyParameters(reply_to, allow_sending_without_reply=True) if reply_to and i == 0 else None
            message = await _send_once(bot, ledger, settle, chunk, chat_id, quote,
                                       keyboard if i == len(chunks) - 1 else None)
    return message


async def edit(query: CallbackQuery, markup: str, keyboard: InlineKeyboardMarkup | None = None) -> None:
    """Replace the message under a button; an edit is one message, so a too-long view is trimmed."""
    chunks = split_html(markup, MAX_MESSAGE - 2)
    text = chunks[0] if len(chunks) == 1 else chunks[0] + "\n…"
    try:
        await with_plain_fallback(query.edit_message_text, text, reply_markup=keyboard)
    except BadRequest as err:
        if not nothing_to_edit(err):
            raise


def nothing_to_edit(err: BadRequest) -> bool:
    """An edit refused because it has nothing to do: a double press or a repeat (the message already shows it),
    or a message that is gone (deleted by the user) or was never the bot's (a forged press)."""
    reason = err.message.lower()
    if "message is not modified" in reason:
        return True
    if "message to edit not found" in reason or "message can't be edited" in reason:
        log.info("a button's message is gone or not ours: %s", err.message)
        return True
    return False
