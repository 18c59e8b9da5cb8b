"""What the handlers keep between updates, as classes instead of string-keyed dicts.

PTB builds `bot_data` and each chat's `chat_data` from the classes named in
`CONTEXT_TYPES`, so a handler reads `context.bot_data.engine` with its type
known to the checker, and a misspelt key is an error before the bot runs.
"""

from __future__ import annotations

import secrets
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from telegram.ext import CallbackContext, ContextTypes, ExtBot

from bot.answer import Answer
from bot.engine import Engine
from bot.settings import Settings
from bot.store import Store
from bot.telegram.limits import RateLimit

KEPT_ANSWERS = 50  # per chat; older buttons answer 「已过期」
ANSWER_ID_BYTES = 5  # 10 hex characters: a clash within a chat's 50 answers is checked, across restarts improbable


class BotData:
    """Shared by every handler; `build_application` sets all three before the first update.

    PTB creates it with no arguments, hence attributes declared here and assigned there.
    """

    engine: Engine
    settings: Settings
    rate_limit: RateLimit
    store: Store | None  # the question record; None when RECORD_QUESTIONS is off


@dataclass
class ChatData:
    """Recent answers of one chat, for 「更多结果」 and 「原文」, under short ids so callback data stays small."""

    answers: OrderedDict[str, Answer] = field(default_factory=OrderedDict)
    comments: dict[int, tuple[int, float]] = field(default_factory=dict)  # user → (question id, deadline) after 👎

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


Context = CallbackContext[ExtBot[None], dict[Any, Any], ChatData, BotData]
CONTEXT_TYPES = ContextTypes(bot_data=BotData, chat_data=ChatData)
