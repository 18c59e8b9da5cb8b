"""A slow question in one chat does not hold the replies to other chats."""

from __future__ import annotations

import asyncio
import time

from tests.telegram_fixtures import Person, running_bot

SLOW = "兰州新区现有党员多少名"


async def test_a_slow_question_does_not_hold_another_chats_reply(fake, engine, monkeypatch):
    ask = engine.ask

    def slow_ask(question: str, top_k: int = 3, context=None):
        if question == SLOW:
            time.sleep(1.5)  # the engine busy with one long question, as a pasted page at a large corpus would be
        return ask(question, top_k, context)

    monkeypatch.setattr(engine, "ask", slow_ask)
    alice, bob = Person(fake, 2001, name="Alice"), Person(fake, 2002, name="Bob")
    async with running_bot(fake, engine):
        started = time.perf_counter()  # the fake server shares the bot's event loop: a blocked loop stops both
        alice.posts(SLOW)
        await asyncio.sleep(0.2)
        reply = await bob.says("兰州高新区有多少家高新技术企业？")
        assert "605家" in reply.text and time.perf_counter() - started < 1.2
        assert "1732名" in (await alice.next_reply()).text and time.perf_counter() - started >= 1.5
