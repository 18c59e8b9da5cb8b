"""What the handlers keep between updates, as classes instead of string-keyed dicts.

PTB builds `bot_data` and each chat's `chat_data` from the classes named in
`CONTEXT_TYPES`, so a handler reads `context.bot_data.engine` with its type
known to the checker, and a misspelt key is an error before the bot runs.
"""

from __future__ import annotations

import secrets
import time
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from typing import Any

from telegram.ext import CallbackContext, ContextTypes, ExtBot

from bot.answer import Answer
from bot.engine import Engine
from bot.followup import Context as Conversed
from bot.followup import Conversation
from bot.settings import Settings
from bot.store import Store
from bot.telegram.limits import Alerts, RateLimit

KEPT_ANSWERS = 50  # per chat; older buttons answer 「已过期」
KEPT_THREADS = 50  # per chat: a group's threads of replies whose last answer a follow-up may continue
PRIVATE = 0  # a private chat is one conversation
ANSWER_ID_BYTES = 5  # 10 hex characters: a clash within a chat's 50 answers is checked, across restarts improbable


class BotData:
    """Shared by every handler; `build_application` sets all three before the first update.

    PTB creates it with no arguments, hence attributes declared here and assigned there.
    """

    engine: Engine
    settings: Settings
    rate_limit: RateLimit
    alerts: Alerts  # error reports to admins, at most one per kind per 10 minutes
    store: Store | None  # the question record; None when RECORD_QUESTIONS is off
    # bot/telegram/admin.py: the corpus version being served, a reload under way, adds/removes awaiting a button
    corpus_version: str = ""
    reloading: bool = False
    pending_changes: dict[str, tuple[str, object]]


@dataclass
class ChatData:
    """Recent answers of one chat, for 「更多结果」 and 「原文」, under short ids so callback data stays small; and the
    last context of each conversation in it, for follow-ups (bot/followup.py)."""

    answers: OrderedDict[str, Answer] = field(default_factory=OrderedDict)
    comments: dict[int, tuple[int, float]] = field(default_factory=dict)  # user → (question id, deadline) after 👎
    # A conversation is a private chat (PRIVATE), or in a group a thread of replies: keyed by the id of the
    # bot's last answer in it, which the next question replies to.
    threads: OrderedDict[int, Conversation] = field(default_factory=OrderedDict)

    def remember(self, answer: Answer) -> str:
        """Keep `answer` under a new random id; the oldest beyond KEPT_ANSWERS is forgotten.

        Random, not a counter: a counter would restart at 1 after a restart, and an old button would then open
        another question's answer.
        """
        sid = secrets.token_hex(ANSWER_ID_BYTES)
        while sid in self.answers:
            sid = secrets.token_hex(ANSWER_ID_BYTES)
        self.answers[sid] = answer
        while len(self.answers) > KEPT_ANSWERS:
            self.answers.popitem(last=False)
        return sid

    def stored(self, sid: str) -> Answer | None:
        return self.answers.get(sid)

    def recall(self, thread: int | None) -> Conversed | None:
        """The context a question in `thread` is read against; None when it starts one, or after the quiet period."""
        conversation = self.threads.get(thread) if thread is not None else None
        return conversation.current(now()) if conversation else None

    def carry_on(self, thread: int, context: Conversed | None, quiet: float, asked_at: float) -> None:
        """`thread`'s last answer, to a question asked at `asked_at` (by `now`), left `context`; the oldest thread
        beyond KEPT_THREADS is forgotten."""
        conversation = Conversation(quiet)
        conversation.keep(context, asked_at)
        self.threads[thread] = conversation
        self.threads.move_to_end(thread)
        while len(self.threads) > KEPT_THREADS:
            self.threads.popitem(last=False)

    def saw(self, thread: int, context: Conversed, count: int) -> None:
        """The first `count` results of the answer that left `context` have been shown (「更多结果」): if it is still
        `thread`'s last answer, 「还有呢」 continues after them."""
        conversation = self.threads.get(thread)
        last = conversation.context if conversation else None
        if conversation and last and (last.question, last.offset) == (context.question, context.offset):
            conversation.context = replace(last, shown=max(last.shown, context.showing(count).shown))

    def forget_threads(self) -> None:
        self.threads.clear()


def now() -> float:
    """The clock a conversation's quiet period is measured by (tests replace it)."""
    return time.monotonic()


Context = CallbackContext[ExtBot[None], dict[Any, Any], ChatData, BotData]
CONTEXT_TYPES = ContextTypes(bot_data=BotData, chat_data=ChatData)
