"""Follow-ups in Telegram: per private chat, and in groups per thread of replies to the bot; forgotten after the
quiet period (CONTEXT_MINUTES) and on /start."""

from __future__ import annotations

import pytest

from bot.telegram import context as chat_state
from tests.fakebot import BOT_USERNAME
from tests.telegram_fixtures import Person, running_bot

QUESTION = "兰州高新区有多少家高新技术企业？"
ASSUMED = "（接上一问：徐州高新区 · 高新技术企业）"


@pytest.fixture
def bob(fake, group) -> Person:
    return Person(fake, 2002, chat=group, name="Bob")


@pytest.fixture
def clock(monkeypatch) -> list[float]:
    """The conversations' clock, set by the test: [seconds]."""
    now = [1000.0]
    monkeypatch.setattr(chat_state, "now", lambda: now[0])
    return now


async def test_a_follow_up_in_a_private_chat_says_what_it_assumed(bot, alice):
    await alice.says(QUESTION)
    reply = await alice.says("那徐州呢？")
    assert reply.text.startswith(ASSUMED)
    assert "请把问题说完整" not in reply.text


async def test_it_in_a_private_chat_asks_within_the_previous_park(bot, alice):
    await alice.says("兰州高新区有哪些产业链")
    reply = await alice.says("它有多少家高企")
    assert reply.text.startswith("（接上一问：兰州高新区 · 高企）")
    assert "605家" in reply.text


async def test_more_in_a_private_chat_continues_after_the_first_page(bot, alice):
    await alice.says("兰州高新区党建工作有哪些做法")
    reply = await alice.says("还有呢")
    assert "\n4. " in reply.text and "\n1. " not in reply.text


async def test_a_question_that_stands_alone_is_not_bent_in_telegram(bot, alice):
    await alice.says("兰州新区有多少党员")
    reply = await alice.says("泸州高新区有哪些产业链？")
    assert "接上一问" not in reply.text and "泸州" in reply.text


async def test_start_forgets_the_conversation_in_telegram(bot, alice):
    await alice.says(QUESTION)
    await alice.says("/start")
    reply = await alice.says("那徐州呢？")
    assert "接上一问" not in reply.text and "请把问题说完整" in reply.text


async def test_the_conversation_is_forgotten_after_ten_quiet_minutes(bot, alice, clock):
    await alice.says(QUESTION)
    clock[0] += 10 * 60 + 1
    reply = await alice.says("那徐州呢？")
    assert "接上一问" not in reply.text


async def test_a_follow_up_after_nine_minutes_continues(bot, alice, clock):
    await alice.says(QUESTION)
    clock[0] += 9 * 60
    reply = await alice.says("那徐州呢？")
    assert reply.text.startswith(ASSUMED)


async def test_the_quiet_period_is_a_setting(fake, engine, alice, clock):
    async with running_bot(fake, engine, context_minutes=1):
        await alice.says(QUESTION)
        clock[0] += 61
        reply = await alice.says("那徐州呢？")
    assert "接上一问" not in reply.text


async def test_a_reply_to_the_bots_answer_in_a_group_continues_its_thread(bot, bob):
    first = await bob.says(f"@{BOT_USERNAME} {QUESTION}")
    second = await bob.says("那徐州呢？", reply_to=first.message)
    third = await bob.says("那夏河呢？", reply_to=second.message)
    assert second.text.startswith(ASSUMED)
    assert third.text.startswith("（接上一问：夏河县 · 高新技术企业）")


async def test_a_new_mention_in_a_group_starts_a_new_thread(bot, bob):
    await bob.says(f"@{BOT_USERNAME} {QUESTION}")
    reply = await bob.says(f"@{BOT_USERNAME} 那徐州呢？")
    assert "接上一问" not in reply.text


async def test_two_threads_in_a_group_keep_their_own_subjects(bot, bob, fake, group):
    carol = Person(fake, 3003, chat=group, name="Carol")
    bobs = await bob.says(f"@{BOT_USERNAME} {QUESTION}")
    carols = await carol.says(f"@{BOT_USERNAME} 兰州新区有多少党员")
    to_bob = await bob.says("那徐州呢？", reply_to=bobs.message)
    to_carol = await carol.says("那夏河呢？", reply_to=carols.message)
    assert to_bob.text.startswith(ASSUMED)
    assert to_carol.text.startswith("（接上一问：夏河县 · 党员）")


async def test_more_after_paging_continues_after_the_page_seen(bot, alice):
    first = await alice.says("兰州高新区党建工作有哪些做法")
    await alice.presses(first, "更多结果")
    reply = await alice.says("还有呢")
    assert "\n4. " not in reply.text and "\n1. " not in reply.text
