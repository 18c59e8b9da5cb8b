"""When Telegram pushes back: 429, refused HTML, time-outs, over-long text, and failures of our own."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.ext import Application

from bot.engine import Engine
from bot.telegram.delivery import send
from bot.telegram.views import SORRY
from tests.fakebot import FakeBotApi
from tests.telegram_fixtures import recorded_waits, running_bot

QUESTION = "兰州高新区有多少家高新技术企业？"
SHORT_TIMEOUT = 0.25  # a hung request is given up after this, so a time-out test waits no longer


@pytest.fixture
async def impatient_bot(fake: FakeBotApi, engine: Engine) -> AsyncIterator[Application]:
    async with running_bot(fake, engine, read_timeout=SHORT_TIMEOUT) as app:
        yield app


async def test_a_429_is_waited_out_for_retry_after_and_the_answer_still_arrives(bot, fake, alice):
    waits = recorded_waits(bot)
    fake.fail("sendMessage", retry_after=1)
    reply = await alice.says(QUESTION)
    assert "605家" in reply.text
    assert waits == [1.0]
    assert [c.status for c in fake.calls_to("sendMessage")] == [429, 200]


async def test_a_429_on_a_button_edit_is_retried(bot, fake, alice):
    waits = recorded_waits(bot)
    first = await alice.says(QUESTION)
    fake.fail("editMessageText", retry_after=1)
    second = await alice.presses(first, "更多结果")
    assert second.text.startswith("4. ")
    assert waits == [1.0]
    assert [c.status for c in fake.calls_to("editMessageText")] == [429, 200]


async def test_html_that_telegram_refuses_is_resent_as_plain_text(bot, fake, alice):
    fake.fail_parse("sendMessage")
    reply = await alice.says(QUESTION)
    assert "605家" in reply.text and "《兰州高新区探索党建与产业融合新路径》" in reply.text
    assert "<b>" not in reply.html and reply.bold == []
    assert [c.params.get("parse_mode") for c in fake.calls_to("sendMessage")] == ["HTML", None]


async def test_a_timed_out_message_is_sent_again_once_a_check_shows_it_did_not_arrive(impatient_bot, fake, alice):
    waits = recorded_waits(impatient_bot)
    fake.fail("sendMessage", delay=SHORT_TIMEOUT + 1)
    reply = await alice.says(QUESTION)
    assert "605家" in reply.text
    assert waits == []  # not blindly retried by RetryLimiter ...
    assert [c.answer["description"] for c in fake.calls_to("editMessageReplyMarkup")] == [
        "Bad Request: message to edit not found"]  # ... but checked: nothing after the question
    assert fake.pending_replies(alice.chat["id"]) == 0


async def test_a_timed_out_inline_answer_is_retried(impatient_bot, fake, alice):
    waits = recorded_waits(impatient_bot)
    fake.fail("answerInlineQuery", delay=SHORT_TIMEOUT + 1)
    answer = await alice.types_inline(QUESTION)
    assert len(answer["results"]) == 3
    assert waits == [0.5]


async def test_a_failure_to_register_commands_is_logged_and_the_bot_still_serves(fake, engine, alice, caplog):
    fake.fail("setMyCommands", status=500, description="Internal Server Error", times=10)
    with caplog.at_level(logging.WARNING, logger="bot.telegram"):
        async with running_bot(fake, engine, waits=[]):  # the retries' back-off is recorded, not slept
            reply = await alice.says(QUESTION)
    assert "605家" in reply.text
    assert any("commands" in r.getMessage() for r in caplog.records)


async def test_an_error_in_a_handler_is_logged_and_the_user_is_told(bot, alice, engine, monkeypatch, caplog):
    def broken(question: str, top_k: int = 3, context=None):
        raise RuntimeError("index unavailable")

    monkeypatch.setattr(engine, "ask", broken)
    with caplog.at_level(logging.ERROR, logger="bot.telegram"):
        reply = await alice.says(QUESTION)
    assert reply.text == SORRY
    assert any(r.exc_info and "index unavailable" in str(r.exc_info[1]) for r in caplog.records)


async def test_admins_hear_about_errors(fake, engine, alice, monkeypatch):
    admin = 4242
    monkeypatch.setattr(engine, "ask", lambda *args: 1 / 0)
    async with running_bot(fake, engine, admin_user_ids=[admin]):
        await alice.says(QUESTION)
        report = await fake.next_reply(admin)
    assert "ZeroDivisionError" in report.text


async def test_a_reply_over_4096_characters_is_split_into_valid_messages_buttons_on_the_last(bot, fake, alice):
    paragraph = "<b>兰州高新区</b>" + "党建引领产业发展。" * 60
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("更多结果", callback_data="more:1:3")]])
    await send(bot.bot, alice.chat["id"], "\n\n".join([paragraph] * 12), keyboard)
    first, second = await alice.next_reply(), await alice.next_reply()
    assert len(first.text) <= 4096 and len(second.text) <= 4096
    assert first.bold[0] == "兰州高新区" and first.buttons == {}
    assert second.buttons == {"更多结果": "more:1:3"}
    assert fake.pending_replies(alice.chat["id"]) == 0


async def test_one_paragraph_over_4096_characters_is_sent_as_plain_text_pieces(bot, fake, alice):
    await send(bot.bot, alice.chat["id"], "<i>" + "长" * 5000 + "</i>")
    first, second = await alice.next_reply(), await alice.next_reply()
    assert len(first.text) + len(second.text) == 5000


def bot_messages(fake, chat_id: int) -> list[str]:
    """The texts the bot left in a chat, in order, as the user sees them at the end."""
    return [m["text"] for (chat, _), m in sorted(fake.state.messages.items())
            if chat == chat_id and m["from"]["id"] == fake.bot_user["id"]]


async def settled(fake, alice) -> list[str]:
    """Wait for the first reply, then long enough for any late copy, and return everything the bot sent."""
    await alice.next_reply()
    await asyncio.sleep(4 * SHORT_TIMEOUT)
    return bot_messages(fake, alice.chat["id"])


async def test_a_server_error_is_retried_and_the_answer_arrives_once(impatient_bot, fake, alice):
    waits = recorded_waits(impatient_bot)
    fake.fail("sendMessage", status=500, times=2)
    alice.posts(QUESTION)
    sent = await settled(fake, alice)
    assert len(sent) == 1 and "605家" in sent[0]
    assert waits == [0.5, 1.0]  # back-off, doubling


async def test_a_connection_closed_before_the_message_was_stored_is_resent_once(impatient_bot, fake, alice):
    fake.fail("sendMessage", drop=True)
    alice.posts(QUESTION)
    sent = await settled(fake, alice)
    assert len(sent) == 1 and "605家" in sent[0]


async def test_a_connection_closed_after_the_message_was_stored_is_not_resent_and_no_apology_follows(
        impatient_bot, fake, alice):
    fake.fail("sendMessage", drop=True, stored="first")
    alice.posts(QUESTION)
    sent = await settled(fake, alice)
    assert len(sent) == 1 and "605家" in sent[0]


async def test_an_answer_held_past_the_timeout_after_storing_is_not_sent_twice(impatient_bot, fake, alice):
    fake.fail("sendMessage", delay=SHORT_TIMEOUT + 1, stored="first", times=4)
    alice.posts(QUESTION)
    sent = await settled(fake, alice)
    assert len(sent) == 1 and "605家" in sent[0]


async def test_a_message_stored_late_by_a_slow_server_is_not_sent_twice(impatient_bot, fake, alice):
    fake.fail("sendMessage", delay=SHORT_TIMEOUT * 1.5, stored="late")
    alice.posts(QUESTION)
    sent = await settled(fake, alice)
    assert len(sent) == 1 and "605家" in sent[0]


async def test_an_answer_that_cannot_be_delivered_ends_in_one_apology(impatient_bot, fake, alice):
    recorded_waits(impatient_bot)
    fake.fail("sendMessage", status=500, times=6)
    alice.posts(QUESTION)
    sent = await settled(fake, alice)
    assert sent == [SORRY]


async def test_a_lost_answer_to_a_button_press_is_not_an_error(impatient_bot, fake, alice, caplog):
    reply = await alice.says(QUESTION)
    fake.fail("answerCallbackQuery", drop=True, stored="first")
    with caplog.at_level(logging.ERROR, logger="bot.telegram"):
        edited = await alice.presses(reply, "更多结果")
        await asyncio.sleep(2 * SHORT_TIMEOUT)
    assert edited.text.startswith("4. ")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert bot_messages(fake, alice.chat["id"]) == [edited.text]


UNREADABLE = {"message": {"message_id": 1, "date": 0, "chat": {"id": 1001}, "text": "秘密内容"}}  # chat lacks `type`


async def test_an_update_the_library_cannot_read_is_skipped_and_the_next_question_answered(bot, fake, alice, caplog):
    with caplog.at_level(logging.DEBUG):
        poison = fake.push(UNREADABLE)
        reply = await asyncio.wait_for(alice.says(QUESTION), 5)
    assert "605家" in reply.text
    skipped = [r.getMessage() for r in caplog.records if "cannot be read" in r.getMessage()]
    assert skipped == [f"update {poison['update_id']} cannot be read by python-telegram-bot (TypeError); skipped"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(fake.calls_to("getUpdates")) < 20  # polling moved on instead of asking for the same batch again
