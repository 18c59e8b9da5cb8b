"""👍/👎 under every answer, the reason and comment after a 👎, /report for the admins, /forget for anyone.

Everything here talks to bot/store.py and bot/report.py, which know nothing of
Telegram, and shows views from views.py. These handlers run in their own group
before the others and stop the update once they have handled it: a comment
after a 👎 is not a question, and /report from someone who is not an admin falls
through to the usual unknown-command reply.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from datetime import date, datetime

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from bot.answer import Answer
from bot.report import build_report, ignored_words
from bot.settings import Settings
from bot.store import REASONS, Store, corpus_version
from bot.telegram import views
from bot.telegram.context import Context
from bot.telegram.delivery import edit, nothing_to_edit, send

log = logging.getLogger(__name__)
GROUP = -2  # before every other handler (and before the -1 guard against unusable buttons)
COMMENT_SECONDS = 600  # how long after choosing a reason the next message counts as its comment
DEFAULT_DAYS = 7
MAX_DAYS = 3660
FLUSH_SECONDS = 5.0


def open_store(settings: Settings) -> Store | None:
    if not settings.record_questions:
        return None
    return Store(settings.database_path, retention_days=settings.retention_days,
                 corpus=corpus_version(settings.corpus_dir))


async def close_store(app: Application) -> None:
    """post_shutdown: what is queued is written before the process ends."""
    store: Store | None = app.bot_data.store
    if store is not None:
        await asyncio.to_thread(store.close)


def channel(update: Update) -> str:
    if update.inline_query:
        return "inline"
    chat = update.effective_chat
    return "private" if chat and chat.type == ChatType.PRIVATE else "group"


def record(update: Update, context: Context, answer: Answer, started: float) -> int | None:
    """Queue the question for the record (microseconds; never raises); its id for the 👍/👎 buttons."""
    store = context.bot_data.store
    if store is None:
        return None
    user, chat = update.effective_user, update.effective_chat
    try:
        return store.record(channel(update), answer, (time.perf_counter() - started) * 1000,
                            user_id=user.id if user else None, chat_id=chat.id if chat else None)
    except Exception:  # the answer matters more than its record
        log.exception("could not record a question")
        return None


# -- 👍 / 👎 ---------------------------------------------------------------------------------------


async def _set_buttons(query: CallbackQuery, keyboard: InlineKeyboardMarkup | None) -> None:
    """The buttons of the pressed message, in a chat or posted inline (Telegram then names it by an id)."""
    try:
        await query.edit_message_reply_markup(reply_markup=keyboard)
    except BadRequest as err:
        if not nothing_to_edit(err):  # a double press, or a message that is gone
            raise


async def vote_button(update: Update, context: Context) -> None:
    query = update.callback_query
    match = context.match
    if query is None or not isinstance(match, re.Match):
        return  # no data: the guard in group -1 answers it
    message = query.message if isinstance(query.message, Message) else None
    if message is None and query.inline_message_id is None:
        return
    # A message posted from inline mode carries only the 👍/👎 row; nothing of it is kept to show again.
    shown = message.reply_markup if message else None
    qid, action = int(match.group(1), 36), match.group(2)
    store, user_id = context.bot_data.store, query.from_user.id
    if store is None:
        await query.answer(views.NOT_RECORDED, show_alert=True)
        raise ApplicationHandlerStop
    if action == "u":
        store.vote(qid, user_id, 1)
        await query.answer(views.THANKS_UP)
        await _set_buttons(query, views.with_feedback(shown, qid, 1))
    elif action == "d":
        store.vote(qid, user_id, -1)
        await query.answer(views.ASK_REASON)
        await _set_buttons(query, views.with_reasons(shown, qid))
    elif action == "s" and message is None:  # no comment is asked for inline: nothing to skip
        await query.answer()
    elif action == "s":
        if context.chat_data is not None:
            context.chat_data.comments.pop(user_id, None)
        await query.answer()
        await edit(query, views.COMMENT_SKIPPED)
    else:
        reason = REASONS[int(action[1:])]
        store.vote(qid, user_id, -1, reason)
        await query.answer(views.THANKS_DOWN)
        await _set_buttons(query, views.with_feedback(shown, qid, -1))
        if message is None:  # posted inline in someone else's chat: the bot asks nothing there
            raise ApplicationHandlerStop
        if context.chat_data is not None:
            context.chat_data.comments[user_id] = (qid, time.monotonic() + COMMENT_SECONDS)
        text, keyboard = views.comment_prompt(qid, reason)
        await send(context.bot, message.chat.id, text, keyboard)
    raise ApplicationHandlerStop


async def comment_message(update: Update, context: Context) -> None:
    """The next message after a 👎's reason is its comment, if it comes within COMMENT_SECONDS."""
    user, message, store = update.effective_user, update.effective_message, context.bot_data.store
    if user is None or message is None or message.text is None or context.chat_data is None or store is None:
        return
    pending = context.chat_data.comments.pop(user.id, None)
    if pending is None or time.monotonic() > pending[1]:
        return
    text = message.text.replace(f"@{context.bot.username}", " ").strip()
    if not text:
        return
    store.comment(pending[0], user.id, text)
    await send(context.bot, message.chat.id, views.COMMENT_THANKS)
    raise ApplicationHandlerStop


# -- /report and /forget ---------------------------------------------------------------------------


def _names(context: Context) -> list[str]:
    return ignored_words(context.bot_data.settings.corpus_dir)


async def _report(context: Context, days: int, now: float | None = None) -> dict:
    """Wait (briefly, off the event loop) for what is queued, then read the record in a thread."""
    store = context.bot_data.store
    if store is not None:
        await asyncio.to_thread(store.flush, FLUSH_SECONDS)
    path = context.bot_data.settings.database_path
    return await asyncio.to_thread(build_report, path, days, _names(context), now)


async def report_command(update: Update, context: Context) -> None:
    """Admins only (the handler's filter); anyone else gets the unknown-command reply from the next group."""
    chat = update.effective_chat
    if chat is None:
        return
    arg = (context.args or [str(DEFAULT_DAYS)])[0]
    if not arg.isascii() or not arg.isdigit() or not 1 <= int(arg) <= MAX_DAYS:
        await send(context.bot, chat.id, views.REPORT_USAGE)
        raise ApplicationHandlerStop
    await send(context.bot, chat.id, views.report_view(await _report(context, int(arg))))
    raise ApplicationHandlerStop


async def forget_command(update: Update, context: Context) -> None:
    user, chat = update.effective_user, update.effective_chat
    if user is None or chat is None:
        return
    store = context.bot_data.store
    path = context.bot_data.settings.database_path
    opened = store is None and path.exists()  # recording was turned off since: the old rows still go
    if opened:
        store = Store(path)
    deleted = 0
    try:
        if store is not None:
            deleted = await asyncio.wrap_future(store.forget(user.id))
    except Exception:
        log.exception("could not delete a user's records")
        await send(context.bot, chat.id, views.SORRY)
        raise ApplicationHandlerStop from None
    finally:
        if opened and store is not None:
            await asyncio.to_thread(store.close)
    if context.chat_data is not None:
        context.chat_data.comments.pop(user.id, None)
    await send(context.bot, chat.id, views.forgotten(deleted))
    raise ApplicationHandlerStop


# -- the daily summary -----------------------------------------------------------------------------


async def daily_summary(context: Context) -> None:
    """Yesterday's report to each admin (a JobQueue job at DAILY_REPORT_TIME)."""
    midnight = datetime.combine(date.today(), datetime.min.time()).timestamp()
    text = views.report_view(await _report(context, 1, now=midnight - 1), title="昨日提问报告")
    for admin in context.bot_data.settings.admin_user_ids:
        try:
            await send(context.bot, admin, text)
        except TelegramError as err:
            log.warning("could not send the daily report to admin %s: %s", admin, err)


def schedule(app: Application) -> None:
    settings: Settings = app.bot_data.settings
    when = settings.daily_report_time
    if when is None or not settings.admin_user_ids:
        return
    if app.job_queue is None:
        log.warning("DAILY_REPORT_TIME is set but PTB's job queue is missing: pip install "
                    "'python-telegram-bot[job-queue]'; no daily summary")
        return
    local = datetime.now().astimezone().tzinfo
    app.job_queue.run_daily(daily_summary, time=when if when.tzinfo else when.replace(tzinfo=local),
                            name="daily report")


def register(app: Application, addressed: filters.MessageFilter) -> None:
    """Handlers in GROUP, ahead of the others; `addressed` is the group-chat filter for messages to the bot."""
    admins = filters.User(user_id=app.bot_data.settings.admin_user_ids)
    app.add_handlers([
        CallbackQueryHandler(vote_button, pattern=rf"^{views.FEEDBACK}:([0-9a-z]{{1,13}}):(u|d|s|r[0-3])$"),
        CommandHandler("report", report_command, filters=admins & filters.ChatType.PRIVATE),
        CommandHandler("forget", forget_command),
        MessageHandler(filters.TEXT & ~filters.COMMAND & (filters.ChatType.PRIVATE | addressed), comment_message),
    ], group=GROUP)
    schedule(app)
