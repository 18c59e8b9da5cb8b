"""2,400 seeded random updates of every kind, forged button presses of every shape included: no handler raises,
every button press and inline query is answered, and nothing is sent to a chat that did not write."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram import Update
from telegram.ext import Application

from bot.engine import Engine
from bot.telegram.app import build_application
from bot.telegram.updates import readable
from tests.fakebot import BOT_ID, BOT_USERNAME, FakeBotApi, InProcessRequest, Json
from tests.telegram_fixtures import bot_settings

SEED = 20261125
UPDATES = 2400
QUESTIONS = ["兰州高新区有多少家高新技术企业？", "泸州高新区有哪些产业链？", "贵阳高新区如何发展数字经济？",
             "徐州高新区有多少家安全应急企业", "昆山高新区为多少家企业提供授信", "明天会下雨吗"]
ODD_TEXT = ["", " ", "\u200b", "\u202e兰州高新区\u202c", "مرحبا", "<b>&amp;</i>", "<script>", "😀" * 50,
            "\x01\x1b[31m兰州", "兰州" * 3000, "/start", "/help", "/parks", "/park", "/park 兰州", "/park 🚀",
            "/stats 兰州新区", "/stats", "/ask", "/ask 兰州高新区", "/weather", f"/help@{BOT_USERNAME}",
            "/park@other_bot 兰州", f"@{BOT_USERNAME}", f"@{BOT_USERNAME} 兰州高新区", "/report", "/forget",
            "１２３", "٣", "null", "{}", "\n\n\n", "\t兰州\t"]
CALLBACK_DATA = ["", "parks", "park:0", "park:٣", "park:99999", "park:-1", "stats:0:0", "stats:0:9999",
                 "stats:٣:0", "ex:0", "ex:9999", "more:", "more:1:3", "more:ffffffffff:٣", "para:ffffffffff:0",
                 "more:zz:1", "fb:x:u", "fb::", ":", "x" * 64, "é" * 32, "park:0\n", "more:1:99\n"]
UNREADABLE = [{"message": {"message_id": 1, "date": 0, "chat": {"id": 1}}},
              {"message": "text"}, {"callback_query": {"id": "1"}}, {"message": {"message_id": 1, "date": "soon",
                                                                                 "chat": {"id": 1, "type": "private"}}}]


class Fuzzer:
    """Random updates from a few users in private chats and two groups, with what the bot really sent to press."""

    def __init__(self, fake: FakeBotApi, rng: random.Random):
        self.fake, self.rng = fake, rng
        self.users = [fake.user(7000 + i, f"用户{i}") for i in range(8)]
        self.groups = [fake.group_chat(-1001000000001), fake.group_chat(-42)]
        self.ids = iter(range(1, 10**9))
        self.writers: set[int] = set()

    def text(self) -> str:
        rng = self.rng
        kind = rng.random()
        if kind < 0.35:
            return rng.choice(QUESTIONS)
        if kind < 0.7:
            return rng.choice(ODD_TEXT)
        return "".join(chr(rng.choice([rng.randint(0x20, 0x7e), rng.randint(0x4e00, 0x9fff), rng.randint(0, 0x1f),
                                       rng.randint(0x1f300, 0x1faff), rng.randint(0x600, 0x6ff)]))
                       for _ in range(rng.randint(0, 40)))

    def message(self, user: Json, chat: Json) -> Json:
        message: Json = {"message_id": next(self.ids), "from": user, "chat": chat, "date": int(time.time())}
        rng = self.rng
        roll = rng.random()
        if roll < 0.75:
            text = self.text()
            message["text"] = text
            if text.startswith("/"):
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
            elif f"@{BOT_USERNAME}" in text:
                message["entities"] = [{"type": "mention", "offset": text.index("@"),
                                        "length": len(BOT_USERNAME) + 1}]
        elif roll < 0.8:
            message["sticker"] = {"file_id": "CAAC", "file_unique_id": "A", "type": "regular", "width": 1,
                                  "height": 1, "is_animated": False, "is_video": False}
        elif roll < 0.85:
            message["photo"] = [{"file_id": "AgAC", "file_unique_id": "B", "width": 9, "height": 9}]
        elif roll < 0.9:
            message["location"] = {"latitude": 36.06, "longitude": 103.83}
        if chat["type"] != "private" and rng.random() < 0.3:
            message["reply_to_message"] = {"message_id": 1, "from": self.fake.bot_user, "chat": chat, "date": 0,
                                           "text": "…"}
        return message

    def bot_message(self, chat: Json) -> Json:
        """A message of the bot's to press a button under: a real one in this chat, or a made-up one."""
        own = [m for (c, _), m in self.fake.state.messages.items() if c == chat["id"] and m["from"]["id"] == BOT_ID]
        if own and self.rng.random() < 0.7:
            return self.rng.choice(own)
        return {"message_id": self.rng.randint(1, 10**6), "from": self.fake.bot_user, "chat": chat,
                "date": int(time.time()), "text": "…"}

    def callback(self, user: Json, chat: Json) -> Json:
        rng = self.rng
        query: Json = {"id": str(next(self.ids)), "from": user, "chat_instance": str(rng.randint(1, 9))}
        message = self.bot_message(chat)
        buttons = [b.get("callback_data") for row in (message.get("reply_markup") or {}).get("inline_keyboard", [])
                   for b in row if b.get("callback_data")]
        data = rng.choice(buttons) if buttons and rng.random() < 0.5 else rng.choice(CALLBACK_DATA)
        origin = rng.random()
        if origin < 0.7:
            query["message"] = message
        elif origin < 0.8:
            query["message"] = {"chat": chat, "message_id": message["message_id"], "date": 0}  # inaccessible
        elif origin < 0.9:
            query["inline_message_id"] = "AgAAAB" + str(rng.randint(0, 999))
        other = rng.random()
        if other < 0.85:
            query["data"] = data
        elif other < 0.92:
            query["game_short_name"] = "tetris"
        self.fake.state.callback_queries[query["id"]] = {"query": query, "answered": False}
        return {"callback_query": query}

    def update(self) -> Json:
        rng = self.rng
        user = rng.choice(self.users)
        private = self.fake.private_chat(user)
        chat = private if rng.random() < 0.8 else rng.choice(self.groups)
        roll = rng.random()
        if roll < 0.45:
            self.writers.add(chat["id"])
            payload: Json = {"message": self.message(user, chat)}
        elif roll < 0.5:
            self.writers.add(chat["id"])
            payload = {"edited_message": {**self.message(user, chat), "edit_date": int(time.time())}}
        elif roll < 0.85:
            self.writers.add(chat["id"])
            payload = self.callback(user, chat)
        elif roll < 0.97:
            query_id = str(next(self.ids))
            self.fake.state.inline_queries[query_id] = {"answered": False}
            payload = {"inline_query": {"id": query_id, "from": user, "query": self.text()[:256], "offset": ""}}
        else:
            payload = dict(rng.choice(UNREADABLE))
        return {"update_id": next(self.ids), **payload}


@pytest.fixture
async def fuzzed_bot(fake: FakeBotApi, engine: Engine) -> AsyncIterator[Application]:
    app = build_application(bot_settings(fake, rate_limit_per_minute=10**6), engine, request=InProcessRequest(fake))
    async with app:
        await app.start()  # handlers may start tasks of their own; PTB awaits those only in a running app
        yield app
        await app.stop()


async def test_thousands_of_random_updates_raise_nothing_and_every_press_and_inline_query_is_answered(
        fuzzed_bot, fake, caplog):
    fuzzer = Fuzzer(fake, random.Random(SEED))
    started = time.monotonic()
    with caplog.at_level(logging.WARNING):
        for _ in range(UPDATES):
            raw: Any = readable(fuzzer.update())
            await fuzzed_bot.process_update(Update.de_json(raw, fuzzed_bot.bot))
    elapsed = time.monotonic() - started
    failures = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not failures, failures[0].getMessage() + "\n" + (failures[0].exc_text or "")
    unanswered = [q["query"] for q in fake.state.callback_queries.values() if not q["answered"]]
    assert not unanswered, unanswered[:3]
    assert all(q["answered"] for q in fake.state.inline_queries.values())
    sent_to = {int(c.params["chat_id"]) for c in fake.calls if c.method.lower() == "sendmessage"}
    assert sent_to <= fuzzer.writers
    assert len(fake.calls_to("answerCallbackQuery")) > 700 and len(fake.calls_to("sendMessage")) > 500
    assert elapsed < 20
