"""Button presses of every shape are answered: forged, stale, empty, from an inline message, or past the end."""

from __future__ import annotations

import pytest

from bot.telegram.views import EXPIRED

QUESTION = "兰州高新区有多少家高新技术企业？"


@pytest.mark.parametrize("data", ["", "more:", "more:zz:1", "para:1:٣", "more:1:٣", "park:٣", "stats:٣:0",
                                  "ex:9999999999999999999999", "park:99999", "para:ffffffff:0", "x" * 64])
async def test_a_forged_button_is_answered_as_expired_and_nothing_else_happens(bot, fake, alice, data):
    reply = await alice.says(QUESTION)
    answer = await fake.answer_to(fake.press(alice.user, reply, data))
    assert answer["text"] == EXPIRED and answer["show_alert"] in (True, "true", "True")
    assert fake.pending_replies(alice.chat["id"]) == 0


async def test_a_press_without_data_is_answered(bot, fake, alice):
    reply = await alice.says(QUESTION)
    answer = await fake.answer_to(fake.callback(alice.user, message=reply.message))
    assert answer["text"] == EXPIRED


async def test_a_press_of_a_game_button_is_answered(bot, fake, alice):
    reply = await alice.says(QUESTION)
    answer = await fake.answer_to(fake.callback(alice.user, message=reply.message, game_short_name="tetris"))
    assert answer["text"] == EXPIRED


@pytest.mark.parametrize("data", ["more:1:3", "para:1:0", "parks", "park:0", "stats:0:0", "ex:0", ""])
async def test_a_press_from_an_inline_message_is_answered(bot, fake, alice, data):
    answer = await fake.answer_to(fake.callback(alice.user, inline_message_id="AgAAAB-inline", data=data))
    assert answer["text"] == EXPIRED


async def test_a_press_of_another_chats_button_does_not_show_that_chats_answer(bot, fake, alice):
    from tests.telegram_fixtures import Person

    bob = Person(fake, 2002, name="Bob")
    reply = await alice.says(QUESTION)
    sid = reply.buttons["更多结果"].split(":")[1]
    own = await bob.says("泸州高新区有哪些产业链？")
    answer = await fake.answer_to(fake.press(bob.user, own, f"para:{sid}:0"))
    assert answer["text"] == EXPIRED
    assert fake.pending_replies(bob.chat["id"]) == 0 and fake.pending_replies(alice.chat["id"]) == 0
