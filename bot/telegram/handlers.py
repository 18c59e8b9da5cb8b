"""Telegram handlers: each turns an update into one call of the engine and the result into a view.

State kept between messages is what the buttons need: recent answers per
chat (for 「更多结果」 and 「原文」), under a short id so callback data stays
small; and each conversation's last context, so a follow-up (「那徐州呢？」) is
read against the question before it: per private chat, per thread of replies
in a group (bot/telegram/context.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import html
import logging
import re
import time
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from telegram import (
    CallbackQuery,
    InlineKeyboardMarkup,
    InlineQuery,
    InlineQueryResultsButton,
    Message,
    MessageEntity,
    Update,
)
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot.answer import Answer
from bot.engine import Engine
from bot.settings import Settings
from bot.telegram import context as chat_state
from bot.telegram import feedback, views
from bot.telegram.context import PRIVATE, Context
from bot.telegram.delivery import describe, edit, send, transient
from bot.text import asked

log = logging.getLogger(__name__)
Handler = Callable[[Update, Context], Coroutine[Any, Any, None]]
T = TypeVar("T")

PAGES = 3  # an answer keeps top_k × PAGES hits for 「更多结果」


def _engine(context: Context) -> Engine:
    return context.bot_data.engine


def _settings(context: Context) -> Settings:
    return context.bot_data.settings


# -- parts of an update that a handler's registration guarantees -----------------------------------


def _given(value: T | None, what: str) -> T:
    """PTB types every part of an update as optional; a handler is only registered for updates that have it."""
    if value is None:
        raise LookupError(f"the update has no {what}, which its handler was registered for")
    return value


def _chat_id(update: Update) -> int:
    return _given(update.effective_chat, "chat").id


def _text(update: Update) -> str:
    """The message's text; filters.TEXT and filters.COMMAND let only messages with text through."""
    return _given(_given(update.effective_message, "message").text, "text")


def _query(update: Update) -> CallbackQuery:
    return _given(update.callback_query, "button press")


def _inline(update: Update) -> InlineQuery:
    return _given(update.inline_query, "inline query")


def _match(context: Context) -> re.Match[str]:
    """The button's callback data as matched by the handler's pattern."""
    return _given(context.match, "pattern match")


def _quote(update: Update) -> int | None:
    """In groups a reply quotes the question, so it is clear whom the bot answers."""
    message, chat = update.effective_message, update.effective_chat
    return message.message_id if message and chat and chat.type != ChatType.PRIVATE else None


async def _reply(update: Update, context: Context, markup: str,
                 keyboard: InlineKeyboardMarkup | None = None) -> Message | None:
    after = update.message.message_id if update.message else None
    return await send(context.bot, _chat_id(update), markup, keyboard, _quote(update), after)


def limited(handler: Handler) -> Handler:
    """Handlers that cost an engine call count against the user's rate limit."""

    @functools.wraps(handler)
    async def wrapper(update: Update, context: Context) -> None:
        limit = context.bot_data.rate_limit
        user = update.effective_user
        if user is None or limit.allow(user.id):
            return await handler(update, context)
        if update.callback_query:
            await update.callback_query.answer(views.SLOW_DOWN, show_alert=True)
        elif update.inline_query:
            await update.inline_query.answer([], cache_time=0)
        elif limit.first_refusal(user.id):
            await _reply(update, context, views.SLOW_DOWN)

    return wrapper


# -- questions -------------------------------------------------------------------------------------


def _remember(context: Context, answer: Answer) -> str:
    """Keep `answer` for its buttons; no chat (an inline message) keeps nothing, so no buttons."""
    return context.chat_data.remember(answer) if context.chat_data is not None else ""


async def answer_question(update: Update, context: Context, message: str) -> None:
    question = asked(message)  # as in the console: a long paste is asked by its closing question, with a note
    note = views.long_question_note(question)
    started = time.perf_counter()
    top_k = _settings(context).top_k
    chat = context.chat_data
    asked_at = chat_state.now()
    previous = chat.recall(_thread(update, context)) if chat is not None else None
    # Off the event loop: a long question in one chat does not hold the replies to the others.
    answer = await asyncio.to_thread(_engine(context).ask, question.text, top_k * PAGES, previous)
    sid = _remember(context, answer) if answer.found else ""
    text, keyboard = views.answer_view(answer, sid, 0, top_k)
    qid = feedback.record(update, context, answer, started)
    private = update.effective_chat is not None and update.effective_chat.type == ChatType.PRIVATE

    def carry_on(thread: int) -> None:  # the first page is shown: 「还有呢」 continues after it
        if chat is not None and answer.context is not None:
            chat.carry_on(thread, answer.context.showing(top_k), _settings(context).context_minutes * 60, asked_at)

    if private:  # kept before the reply goes out, so the next question, however quick, finds it
        carry_on(PRIVATE)
    sent = await _reply(update, context, note + text, views.with_feedback(keyboard, qid))
    if not private and sent is not None:  # a group's thread goes on from the answer, which the next question replies to
        carry_on(sent.message_id)


def _thread(update: Update, context: Context) -> int | None:
    """The conversation a question belongs to: the private chat, or in a group the bot's answer it replies to
    (a question that replies to nothing starts a thread)."""
    chat, message = update.effective_chat, update.message
    if chat is not None and chat.type == ChatType.PRIVATE:
        return PRIVATE
    replied = message.reply_to_message if message else None
    if replied and replied.from_user and replied.from_user.id == context.bot.id:
        return replied.message_id
    return None


@limited
async def private_text(update: Update, context: Context) -> None:
    await answer_question(update, context, _text(update))


@limited
async def ask(update: Update, context: Context) -> None:
    question = " ".join(context.args or [])
    if not question:
        await _reply(update, context, "用法：/ask 问题，例如 /ask 兰州高新区有多少家高新技术企业？")
        return
    await answer_question(update, context, question)


@limited
async def group_text(update: Update, context: Context) -> None:
    mention = re.compile(rf"@{re.escape(context.bot.username)}\b", re.IGNORECASE)
    question = mention.sub(" ", _text(update)).strip()
    if not question:
        await _reply(update, context, f"请在 @{html.escape(context.bot.username)} 后面写上问题。")
        return
    await answer_question(update, context, question)


class AddressedToBot(filters.MessageFilter):
    """In groups the bot speaks only when spoken to: an @mention, or a reply to one of its messages."""

    def filter(self, message: Message) -> bool:
        bot = message.get_bot()
        replied = message.reply_to_message
        if replied and replied.from_user and replied.from_user.id == bot.id:
            return True
        mentions = message.parse_entities([MessageEntity.MENTION, MessageEntity.TEXT_MENTION])
        return any(text.lower() == f"@{bot.username}".lower() or (e.user and e.user.id == bot.id)
                   for e, text in mentions.items())


async def not_text(update: Update, context: Context) -> None:
    await _reply(update, context, views.NOT_TEXT)


async def unknown_command(update: Update, context: Context) -> None:
    command = _text(update).split()[0]
    await _reply(update, context, f"不认识的命令 {html.escape(command)}。输入 /help 查看用法。")


# -- commands --------------------------------------------------------------------------------------


async def start(update: Update, context: Context) -> None:
    if context.chat_data is not None:  # a fresh start: no follow-up reads the questions before it
        context.chat_data.forget_threads()
    await _reply(update, context, views.WELCOME, views.examples_keyboard(_engine(context).lexicon.examples))


async def help_command(update: Update, context: Context) -> None:
    await _reply(update, context, views.help_text(context.bot.username))


@limited
async def parks(update: Update, context: Context) -> None:
    await _reply(update, context, *views.parks_view(_engine(context)))


@limited
async def park(update: Update, context: Context) -> None:
    name = " ".join(context.args or [])
    if not name:
        text, keyboard = views.parks_view(_engine(context))
        await _reply(update, context, "用法：/park 园区名称，例如 /park 泸州高新区\n\n" + text, keyboard)
        return
    await _reply(update, context, *views.park_view(_engine(context), name, _engine(context).overview(name)))


@limited
async def stats(update: Update, context: Context) -> None:
    name = " ".join(context.args or [])
    if not name:
        await _reply(update, context, "用法：/stats 园区名称，例如 /stats 兰州新区")
        return
    await _reply(update, context, *views.stats_view(_engine(context), name, *_engine(context).stats(name), 0))


# -- buttons ---------------------------------------------------------------------------------------


def _stored(context: Context, sid: str) -> Answer | None:
    return context.chat_data.stored(sid) if context.chat_data is not None else None


async def unusable_button(update: Update, context: Context) -> None:
    """Answer (「已过期」) and stop a press no handler below can serve: no data (PTB would give it to the first
    pattern handler, with no match), or no message in a chat we know (a press from an inline message), unless it
    is a 👍/👎 under an answer posted inline."""
    query = _query(update)
    if query.data and isinstance(query.message, Message):
        return
    if query.data and query.inline_message_id and query.data.startswith(f"{views.FEEDBACK}:"):
        return
    await query.answer(views.EXPIRED, show_alert=True)
    raise ApplicationHandlerStop


@limited
async def more_button(update: Update, context: Context) -> None:
    sid, start_at = _match(context).group(1), int(_match(context).group(2))
    answer = _stored(context, sid)
    if answer is None:
        await _query(update).answer(views.EXPIRED, show_alert=True)
        return
    await _query(update).answer()
    text, keyboard = views.answer_view(answer, sid, start_at, _settings(context).top_k)
    shown = _query(update).message
    buttons = shown.reply_markup if isinstance(shown, Message) else None
    await edit(_query(update), text, views.keep_feedback(keyboard, buttons))
    if context.chat_data is not None and answer.context is not None and isinstance(shown, Message):
        # 「还有呢」 now continues after the page shown (a group's thread is keyed by this very message).
        private = update.effective_chat is not None and update.effective_chat.type == ChatType.PRIVATE
        context.chat_data.saw(PRIVATE if private else shown.message_id, answer.context,
                              start_at + _settings(context).top_k)


@limited
async def paragraph_button(update: Update, context: Context) -> None:
    answer = _stored(context, _match(context).group(1))
    i = int(_match(context).group(2))
    if answer is None or i >= len(answer.hits):
        await _query(update).answer(views.EXPIRED, show_alert=True)
        return
    await _query(update).answer()
    await send(context.bot, _chat_id(update), views.paragraph_view(_engine(context), answer.hits[i],
                                                                           answer.terms))


@limited
async def example_button(update: Update, context: Context) -> None:
    await _query(update).answer()
    examples = _engine(context).lexicon.examples
    await answer_question(update, context, examples[int(_match(context).group(1)) % len(examples)])


@limited
async def parks_button(update: Update, context: Context) -> None:
    await _query(update).answer()
    await edit(_query(update), *views.parks_view(_engine(context)))


def _park_name(context: Context) -> str | None:
    parks_list = _engine(context).parks()
    i = int(_match(context).group(1))
    return parks_list[i].name if i < len(parks_list) else None


async def _pressed_park(update: Update, context: Context) -> str | None:
    """The park a button names, after answering the press; None (and 「已过期」) if it is gone."""
    name = _park_name(context)
    if name is None:
        await _query(update).answer(views.EXPIRED, show_alert=True)
    else:
        await _query(update).answer()
    return name


@limited
async def park_button(update: Update, context: Context) -> None:
    if (name := await _pressed_park(update, context)) is None:
        return
    await edit(_query(update), *views.park_view(_engine(context), name, _engine(context).overview(name)))


@limited
async def stats_button(update: Update, context: Context) -> None:
    if (name := await _pressed_park(update, context)) is None:
        return
    page = int(_match(context).group(2))
    await edit(_query(update), *views.stats_view(_engine(context), name, *_engine(context).stats(name), page))


async def stale_button(update: Update, context: Context) -> None:
    await _query(update).answer(views.EXPIRED, show_alert=True)


# -- inline mode -----------------------------------------------------------------------------------


@limited
async def inline_query(update: Update, context: Context) -> None:
    question = asked(_inline(update).query).text
    if not question:
        await _inline(update).answer([], cache_time=0)
        return
    started = time.perf_counter()
    answer = await asyncio.to_thread(_engine(context).ask, question, _settings(context).top_k)
    qid = feedback.record(update, context, answer, started)
    private = InlineQueryResultsButton(text="没有找到？在私聊中提问", start_parameter="inline")
    # Personal: the 👍/👎 of each result name this user's recorded question, not the first asker's.
    await _inline(update).answer(views.inline_results(answer, qid), cache_time=300, is_personal=True, button=private)


# -- errors ----------------------------------------------------------------------------------------


async def on_error(update: object, context: Context) -> None:
    """Log the failure, tell the user something went wrong, and tell the admins what (once per kind per 10 min).

    A network error (Telegram unreachable, a 5xx, a time-out) is the weather, not a bug: one WARNING line with
    no traceback. Anything else is logged at ERROR with its traceback.
    """
    error: BaseException = context.error or RuntimeError("an error handler called without an error")
    where = f"update {update.update_id}" if isinstance(update, Update) else "polling"
    if transient(error):
        log.warning("%s: %s", where, describe(error))
    else:
        log.error("%s failed", where, exc_info=error)
    if isinstance(update, Update) and update.callback_query:  # no spinning button, whatever failed
        with contextlib.suppress(TelegramError):
            await _query(update).answer(views.SORRY)
    if isinstance(update, Update) and update.effective_chat:
        try:
            await send(context.bot, update.effective_chat.id, views.esc(views.SORRY))
        except TelegramError as err:
            log.warning("could not tell the user about the failure: %s", describe(err))
    kind = type(error).__name__
    count = context.bot_data.alerts.due(kind) if _settings(context).admin_user_ids else None
    if count is None:
        return
    detail = str(error).replace(context.bot.token, "<redacted>")
    for admin in _settings(context).admin_user_ids:
        try:
            await send(context.bot, admin, views.esc(views.admin_alert(kind, detail, count)))
        except TelegramError as err:
            log.warning("could not notify admin %s: %s", admin, describe(err))


def register(app: Application) -> None:
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    groups = filters.ChatType.GROUPS & filters.UpdateType.MESSAGE
    app.add_handlers([
        CommandHandler("start", start),
        CommandHandler("help", help_command),
        CommandHandler("ask", ask),
        CommandHandler("parks", parks),
        CommandHandler("park", park),
        CommandHandler("stats", stats),
        MessageHandler(private & filters.COMMAND, unknown_command),
        MessageHandler(private & filters.TEXT, private_text),
        MessageHandler(private, not_text),
        MessageHandler(groups & filters.TEXT & ~filters.COMMAND & AddressedToBot(), group_text),
        # ASCII digits only, and few of them: `\d` matches 「٣」, and a forged number may be of any size.
        CallbackQueryHandler(more_button, pattern=r"^more:([0-9a-f]{1,16}):([0-9]{1,4})$"),
        CallbackQueryHandler(paragraph_button, pattern=r"^para:([0-9a-f]{1,16}):([0-9]{1,4})$"),
        CallbackQueryHandler(example_button, pattern=r"^ex:([0-9]{1,4})$"),
        CallbackQueryHandler(parks_button, pattern=r"^parks$"),
        CallbackQueryHandler(park_button, pattern=r"^park:([0-9]{1,4})$"),
        CallbackQueryHandler(stats_button, pattern=r"^stats:([0-9]{1,4}):([0-9]{1,4})$"),
        CallbackQueryHandler(stale_button),
        InlineQueryHandler(inline_query),
    ])
    app.add_handler(CallbackQueryHandler(unusable_button), group=-10)  # before every other group, admin.py too
    feedback.register(app, AddressedToBot())
    app.add_error_handler(on_error)
