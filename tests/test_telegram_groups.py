"""Groups (the bot answers only when addressed) and inline mode (`@bot 问题` in any chat)."""

from __future__ import annotations

import pytest

from tests.fakebot import BOT_USERNAME
from tests.telegram_fixtures import Person

QUESTION = "兰州高新区有多少家高新技术企业？"


@pytest.fixture
def bob(fake, group) -> Person:
    return Person(fake, 2002, chat=group, name="Bob")


async def test_ask_in_a_group_answers_quoting_the_question(bot, bob):
    reply = await bob.says(f"/ask {QUESTION}")
    assert "605家" in reply.text
    assert reply.message["reply_to_message"]["text"] == f"/ask {QUESTION}"


async def test_ask_addressed_to_this_bot_by_name_is_answered(bot, bob):
    reply = await bob.says(f"/ask@{BOT_USERNAME} {QUESTION}")
    assert "605家" in reply.text


async def test_ask_without_a_question_explains_usage(bot, bob):
    reply = await bob.says("/ask")
    assert "用法" in reply.text


async def test_a_mention_of_the_bot_is_answered_without_the_mention(bot, bob):
    reply = await bob.says(f"@{BOT_USERNAME} {QUESTION}")
    assert "605家" in reply.text


async def test_a_reply_to_the_bot_is_answered(bot, bob):
    first = await bob.says(f"/ask {QUESTION}")
    reply = await bob.says("泸州高新区有哪些产业链？", reply_to=first.message)
    assert "泸州" in reply.text


async def test_ordinary_group_chatter_is_ignored(bot, bob, fake):
    bob.posts(QUESTION)
    bob.posts("大家好", reply_to=bob.posts("今天开会吗？"))
    bob.posts(f"@someone_else {QUESTION}")
    answered = await bob.says("/ask 泸州高新区有哪些产业链？")
    assert "泸州" in answered.text
    await bob.says("/help")
    assert fake.pending_replies(bob.chat["id"]) == 0


async def test_stickers_in_a_group_are_ignored(bot, bob, fake):
    bob.posts(sticker={"file_id": "CAAC", "file_unique_id": "AgAD", "type": "regular", "width": 512, "height": 512,
                       "is_animated": False, "is_video": False})
    await bob.says("/help")
    assert fake.pending_replies(bob.chat["id"]) == 0


async def test_a_mention_with_no_question_asks_for_one(bot, bob):
    reply = await bob.says(f"@{BOT_USERNAME}")
    assert "写上问题" in reply.text


async def test_inline_query_offers_the_top_passages_as_results(bot, alice, engine):
    answer = await alice.types_inline(QUESTION)
    results = answer["results"]
    assert len(results) == 3
    first = results[0]["input_message_content"]["message_text"]
    assert "605家" in first and "《兰州高新区探索党建与产业融合新路径》" in first
    assert results[0]["description"] == engine.ask(QUESTION).hits[0].source


async def test_an_empty_inline_query_gets_no_results(bot, alice):
    answer = await alice.types_inline("  ")
    assert answer["results"] == []


async def test_an_inline_query_without_an_answer_offers_a_private_chat(bot, alice):
    answer = await alice.types_inline("今天天气怎么样？")
    assert answer["results"] == []
    assert "私聊" in answer["button"]["text"]
