"""Fixtures for the Telegram tests: the fake Bot API server, the real bot polling it, and people to talk to it.

The bot is the Application `python -m bot serve` runs, with PTB's own HTTP
stack; only its base URL points at 127.0.0.1. A `Person` plays a Telegram
user: what they write becomes an update the bot fetches with getUpdates, and
what the bot sends back is read from the fake server.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import shutil
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application

from bot.engine import Engine
from bot.settings import Settings
from bot.telegram.app import ALLOWED_UPDATES, build_application
from bot.telegram.delivery import RetryLimiter
from tests.fakebot import TOKEN, FakeBotApi, Json, Reply

os.environ.setdefault("PTB_TIMEDELTA", "true")  # as `serve` does: no deprecation warning on each 429
# The question record of tests that do not look at it: one temporary database per test process, never data/.
TEST_DATABASE = Path(tempfile.mkdtemp(prefix="park-qa-tests-")) / "questions.db"
atexit.register(shutil.rmtree, TEST_DATABASE.parent, ignore_errors=True)
READ_TIMEOUT = 1.0  # the bot's HTTP read timeout in tests; injected hangs last longer than this


def bot_settings(fake: FakeBotApi, **overrides: Any) -> Settings:
    values: dict[str, Any] = {"telegram_bot_token": TOKEN, "telegram_api_base_url": fake.base_url, "top_k": 3,
                              "rate_limit_per_minute": 1000, "admin_user_ids": [], "database_path": TEST_DATABASE}
    return Settings(_env_file=None, **{**values, **overrides})


@asynccontextmanager
async def running_bot(fake: FakeBotApi, engine: Engine, read_timeout: float = READ_TIMEOUT,
                      waits: list[float] | None = None, **overrides: Any) -> AsyncIterator[Application]:
    """The bot, started the way `Application.run_polling` starts it, stopped cleanly afterwards; with `waits`,
    its retries record their waits there from start-up on instead of sleeping them."""
    app = build_application(bot_settings(fake, **overrides), engine, read_timeout=read_timeout)
    if waits is not None:
        recorded_waits(app, waits)
    await app.initialize()
    await app.post_init(app)
    await app.updater.start_polling(poll_interval=0, timeout=1, allowed_updates=ALLOWED_UPDATES)
    await app.start()
    try:
        yield app
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()


def recorded_waits(app: Application, waits: list[float] | None = None) -> list[float]:
    """The seconds the bot's retries wait from now on, recorded instead of slept, so a retry test takes no time."""
    waits = [] if waits is None else waits

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        await asyncio.sleep(0)

    limiter = app.bot.rate_limiter
    assert isinstance(limiter, RetryLimiter)
    limiter.sleep = sleep
    return waits


class Person:
    """A Telegram user, in a private chat with the bot unless given another chat."""

    def __init__(self, fake: FakeBotApi, user_id: int, chat: Json | None = None, name: str = "测试用户"):
        self.fake = fake
        self.user = fake.user(user_id, name)
        self.chat = chat or fake.private_chat(self.user)

    def posts(self, text: str | None = None, **content: Any) -> Json:
        """Write without waiting for an answer."""
        return self.fake.post_message(self.chat, self.user, text, **content)

    async def says(self, text: str | None = None, **content: Any) -> Reply:
        """Write, and return the bot's next message in this chat."""
        self.posts(text, **content)
        return await self.fake.next_reply(self.chat["id"])

    async def next_reply(self) -> Reply:
        return await self.fake.next_reply(self.chat["id"])

    def press(self, reply: Reply, label: str) -> str:
        """Press the button whose label starts with `label`; returns the callback query id."""
        data = next(d for text, d in reply.buttons.items() if text.startswith(label))
        return self.fake.press(self.user, reply, data)

    async def presses(self, reply: Reply, label: str) -> Reply:
        """Press a button and return what the bot then shows in this chat (a new or an edited message)."""
        self.press(reply, label)
        return await self.next_reply()

    async def types_inline(self, query: str) -> Json:
        """`@bot query` in some chat: the parameters of the bot's answerInlineQuery."""
        return await self.fake.answer_to(self.fake.inline(self.user, query))


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as server:
        yield server


@pytest.fixture
async def bot(fake: FakeBotApi, engine: Engine) -> AsyncIterator[Application]:
    async with running_bot(fake, engine) as app:
        yield app


@pytest.fixture
def alice(fake: FakeBotApi) -> Person:
    return Person(fake, 1001, name="Alice")


@pytest.fixture
def group(fake: FakeBotApi) -> Json:
    return fake.group_chat(-1001234567890123)
