"""Adding and removing articles from Telegram, for ADMIN_USER_IDS only, and picking up a corpus rebuilt outside.

`/add` with the article pasted after it (or a .txt/.md document) gets the same
preview as `python -m bot add --dry-run`, with 「确认添加」 and 「取消」 buttons;
on confirm the seed is stored, the corpus rebuilt and a new engine built beside
the one serving (in a thread, so questions keep being answered), then swapped
in: every chat gets the new article from its next question, and a question
already being answered finishes on the engine it started with. `/remove ID`
works the same way. Anyone else gets the usual replies.

Between updates the bot also compares the corpus on disk with the one it
serves (`python -m bot build` or `add` run from a shell): when they differ it
loads the new one beside the old and swaps, logging the version now live.
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets
from pathlib import Path

from telegram import Update
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.engine import Engine
from bot.ingest import SeedError
from bot.parks import ParksFileError
from bot.seeds import MAX_BYTES, AddError, Change, add, remove
from bot.store import corpus_version
from bot.telegram import views
from bot.telegram.context import BotData, Context
from bot.telegram.delivery import edit, send

log = logging.getLogger(__name__)
MAX_DOCUMENT = MAX_BYTES
PENDING_MAX = 20


def _is_admin(update: Update, context: Context) -> bool:
    user = update.effective_user
    return user is not None and user.id in context.bot_data.settings.admin_user_ids


def _dirs(context: Context) -> tuple[Path, Path]:
    settings = context.bot_data.settings
    return settings.seeds_dir, settings.corpus_dir


def _remember(context: Context, action: str, payload: object) -> str:
    pending = context.bot_data.pending_changes
    token = secrets.token_hex(4)
    pending[token] = (action, payload)
    while len(pending) > PENDING_MAX:
        pending.pop(next(iter(pending)))
    return token


async def _preview(update: Update, context: Context, inputs: list[tuple[str, bytes]]) -> None:
    chat = update.effective_chat
    assert chat is not None
    seeds, corpus = _dirs(context)
    try:
        change = await asyncio.to_thread(add, seeds, corpus, inputs, None, True)
    except (AddError, ParksFileError, SeedError) as err:
        await send(context.bot, chat.id, views.esc(views.change_error(err)))
        return
    token = _remember(context, "add", inputs)
    await send(context.bot, chat.id, *views.change_view(change, token, change.build.registry if change.build else None))


async def add_command(update: Update, context: Context) -> None:
    message = update.effective_message
    if not _is_admin(update, context) or message is None or message.text is None:
        return  # anyone else: the usual handlers answer (unknown command, or the text-only note)
    text = re.sub(r"^/add(@\w+)?\s*", "", message.text)  # the pasted article, line breaks kept
    if not text.strip():
        await send(context.bot, message.chat_id, views.ADD_USAGE)
        raise ApplicationHandlerStop
    await _preview(update, context, [("粘贴的文本", text.encode("utf-8"))])
    raise ApplicationHandlerStop


async def document(update: Update, context: Context) -> None:
    message = update.effective_message
    if not _is_admin(update, context) or message is None or message.document is None:
        return  # anyone else: the usual handlers answer (unknown command, or the text-only note)
    doc = message.document
    name = doc.file_name or "document.txt"
    size = doc.file_size or 0
    problem = None if name.lower().endswith((".txt", ".md")) else AddError(name, "binary")
    problem = problem or (AddError(name, "too_big", str(size)) if size > MAX_DOCUMENT else None)
    if problem is not None:  # refused before downloading it
        await send(context.bot, message.chat_id, views.esc(views.change_error(problem)))
        raise ApplicationHandlerStop
    data = bytes(await (await doc.get_file()).download_as_bytearray())
    await _preview(update, context, [(name, data)])
    raise ApplicationHandlerStop


async def remove_command(update: Update, context: Context) -> None:
    message = update.effective_message
    if not _is_admin(update, context) or message is None:
        return  # anyone else: the usual handlers answer (unknown command, or the text-only note)
    target = " ".join(context.args or []).strip()
    if not target:
        await send(context.bot, message.chat_id, views.REMOVE_USAGE)
        raise ApplicationHandlerStop
    seeds, corpus = _dirs(context)
    try:
        change = await asyncio.to_thread(remove, seeds, corpus, target, True)
    except (AddError, ParksFileError, SeedError) as err:
        await send(context.bot, message.chat_id, views.esc(views.change_error(err)))
        raise ApplicationHandlerStop from None
    token = _remember(context, "remove", target)
    await send(context.bot, message.chat_id, *views.change_view(change, token, None))
    raise ApplicationHandlerStop


async def change_button(update: Update, context: Context) -> None:
    query, match = update.callback_query, context.match
    if query is None or not isinstance(match, re.Match):
        return  # a press without data matches every pattern handler (PTB): the guard in group -1 answers it
    token, decision = match.group(1), match.group(2)
    pending = context.bot_data.pending_changes.pop(token, None) if _is_admin(update, context) else None
    if pending is None:
        await query.answer(views.EXPIRED, show_alert=True)
        raise ApplicationHandlerStop
    await query.answer()
    if decision == "no":
        await edit(query, views.CHANGE_CANCELLED, None)
        raise ApplicationHandlerStop
    action, payload = pending
    seeds, corpus = _dirs(context)
    try:
        if action == "add":
            change: Change = await asyncio.to_thread(add, seeds, corpus, payload, None, False)  # type: ignore[arg-type]
        else:
            change = await asyncio.to_thread(remove, seeds, corpus, str(payload), False)
    except (AddError, ParksFileError, SeedError) as err:
        await edit(query, views.esc(views.change_error(err)), None)
        raise ApplicationHandlerStop from None
    await swap_in(context.bot_data, change)
    await edit(query, *views.change_view(change, "", change.build.registry if change.build else None))
    raise ApplicationHandlerStop


async def swap_in(data: BotData, change: Change) -> None:
    """A new engine over the build just written, made beside the serving one, then swapped in."""
    if change.build is None:
        return
    corpus_dir = data.settings.corpus_dir
    engine = await asyncio.to_thread(Engine.from_build, change.build, corpus_dir)
    if change.how == "incremental" and not engine.extended:
        change.how = "index"  # the corpus was extended, the index built in full (the last one was missing)
    data.engine, data.corpus_version = engine, corpus_version(corpus_dir)
    log.info("corpus version %s live (%d articles)", data.corpus_version, len(engine.articles))


async def check_corpus(update: object, context: Context) -> None:
    """Between updates: a corpus rebuilt outside the bot is loaded beside the serving engine and swapped in."""
    data = context.bot_data
    version = corpus_version(data.settings.corpus_dir)
    if not version or version == data.corpus_version or data.reloading:
        return
    data.reloading = True
    try:
        engine = await asyncio.to_thread(Engine.load, data.settings.corpus_dir)
    except Exception:  # a half-finished build: keep serving the old corpus and look again at the next update
        log.exception("corpus %s could not be loaded; still serving %s", version, data.corpus_version)
        return
    finally:
        data.reloading = False
    data.engine, data.corpus_version = engine, version
    log.info("corpus version %s live (%d articles)", version, len(engine.articles))


def register(app: Application) -> None:
    """The corpus check runs first (group -4, not blocking); the admin handlers next (group -3), each stopping
    the update once handled, so the question handlers never see an admin's /add."""
    app.add_handler(TypeHandler(Update, check_corpus, block=False), group=-4)
    app.add_handlers([
        CommandHandler("add", add_command),
        CommandHandler("remove", remove_command),
        MessageHandler(filters.ChatType.PRIVATE & filters.Document.ALL, document),
        CallbackQueryHandler(change_button, pattern=r"^chg:([0-9a-f]{8}):(yes|no)$"),
    ], group=-3)
