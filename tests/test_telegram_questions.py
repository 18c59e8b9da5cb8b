"""Questions in a private chat: cited excerpts, 「更多结果」, 「原文」, and whatever else a user might send."""

from __future__ import annotations

from bot.render import answer_text as render_text
from tests.telegram_fixtures import running_bot

QUESTION = "兰州高新区有多少家高新技术企业？"
TITLE = "《兰州高新区探索党建与产业融合新路径》"


async def test_a_question_is_answered_with_the_excerpt_and_its_source(bot, alice, engine):
    top = engine.ask(QUESTION).hits[0]
    reply = await alice.says(QUESTION)
    assert "高新技术企业605家" in reply.text
    assert reply.text.startswith(f"1. {top.excerpt}\n—— {top.source}")


async def test_the_question_terms_are_bold_in_the_answer(bot, alice):
    reply = await alice.says(QUESTION)
    assert "高新技术企业" in reply.bold
    assert "兰州高新区" in reply.bold


async def test_an_answer_shows_top_k_excerpts_with_more_results_and_original_buttons(bot, alice):
    reply = await alice.says(QUESTION)
    assert [line[:2] for line in reply.text.splitlines() if line[:2] in ("1.", "2.", "3.", "4.")] == ["1.", "2.", "3."]
    assert {"更多结果", "原文 1", "原文 2", "原文 3"} <= set(reply.buttons)


async def test_more_results_shows_the_next_hits_in_the_same_message(bot, alice):
    first = await alice.says(QUESTION)
    second = await alice.presses(first, "更多结果")
    assert second.edited and second.message_id == first.message_id
    assert second.text.startswith("4. ")
    assert "原文 4" in second.buttons and "上一页" in second.buttons


async def test_previous_page_returns_to_the_first_hits(bot, alice):
    first = await alice.says(QUESTION)
    second = await alice.presses(first, "更多结果")
    back = await alice.presses(second, "上一页")
    assert back.text == first.text


async def test_original_sends_the_whole_paragraph_with_its_title_and_neighbours(bot, alice, engine):
    answer = engine.ask(QUESTION, 3)
    hit = answer.hits[0]
    reply = await alice.says(QUESTION)
    original = await alice.presses(reply, "原文 1")
    assert not original.edited
    assert original.text.startswith(TITLE)
    assert hit.text in original.text
    for neighbour in (engine.paragraph(hit.article_id, hit.paragraph - 1),
                      engine.paragraph(hit.article_id, hit.paragraph + 1)):
        assert neighbour.text in original.text
    assert original.entity_texts("blockquote") == [hit.text]


async def test_a_button_of_a_forgotten_answer_says_it_has_expired(fake, engine, alice):
    async with running_bot(fake, engine):
        reply = await alice.says(QUESTION)
    async with running_bot(fake, engine):  # a restart forgets the answers behind the buttons
        answer = await fake.answer_to(alice.press(reply, "更多结果"))
    assert "过期" in answer["text"]


async def test_a_question_without_an_answer_gets_the_engines_not_found_message_and_only_feedback(bot, alice, engine):
    question = "今天天气怎么样？"
    reply = await alice.says(question)
    assert reply.text == render_text(engine.ask(question))
    assert set(reply.buttons) == {"👍", "👎"}


async def test_text_that_looks_like_html_is_shown_literally(bot, alice):
    reply = await alice.says("<b>兰州</b> & <script>alert(1)</script>")
    assert "<b>兰州</b> & <script>alert(1)</script>" in reply.text


async def test_a_message_of_10000_characters_gets_a_note_and_an_answer_to_its_beginning(bot, alice):
    reply = await alice.says(QUESTION + "啊" * (10_000 - len(QUESTION)))
    assert "10000 字" in reply.text
    assert len(reply.text) <= 4096


async def test_a_blank_message_gets_the_engines_request_for_a_question(bot, alice, engine):
    reply = await alice.says("   ")
    assert reply.text == render_text(engine.ask("   "))


async def test_a_sticker_gets_a_friendly_reply(bot, alice):
    sticker = {"file_id": "CAAC", "file_unique_id": "AgAD", "type": "regular", "width": 512, "height": 512,
               "is_animated": False, "is_video": False, "emoji": "👍"}
    reply = await alice.says(sticker=sticker)
    assert "只能读懂文字" in reply.text


async def test_a_photo_gets_a_friendly_reply(bot, alice):
    reply = await alice.says(photo=[{"file_id": "AgAC", "file_unique_id": "AQAD", "width": 90, "height": 90}])
    assert "只能读懂文字" in reply.text


async def test_a_voice_message_gets_a_friendly_reply(bot, alice):
    reply = await alice.says(voice={"file_id": "AwAC", "file_unique_id": "AgAE", "duration": 3})
    assert "只能读懂文字" in reply.text


async def test_an_empty_message_gets_a_friendly_reply(bot, alice):
    reply = await alice.says("")
    assert "只能读懂文字" in reply.text


async def test_an_unknown_command_points_to_help(bot, alice):
    reply = await alice.says("/weather")
    assert "/help" in reply.text


async def test_a_user_over_the_rate_limit_is_told_once_to_slow_down(fake, engine, alice):
    async with running_bot(fake, engine, rate_limit_per_minute=2):
        for _ in range(2):
            assert "605家" in (await alice.says(QUESTION)).text
        alice.posts(QUESTION)
        alice.posts(QUESTION)
        alice.posts("/help")  # /help costs nothing and is always answered
        replies = [await alice.next_reply() for _ in range(2)]
        assert sorted("太快" in r.text for r in replies) == [False, True]
        await alice.says("/help")
        assert fake.pending_replies(alice.chat["id"]) == 0


async def test_admins_are_not_rate_limited(fake, engine, alice):
    async with running_bot(fake, engine, rate_limit_per_minute=1, admin_user_ids=[alice.user["id"]]):
        for _ in range(3):
            assert "605家" in (await alice.says(QUESTION)).text


async def test_a_button_from_before_a_restart_never_opens_another_questions_answer(fake, engine, alice):
    async with running_bot(fake, engine):
        old = await alice.says(QUESTION)
    async with running_bot(fake, engine):
        await alice.says("徐州高新区有多少家安全应急企业")
        answer = await fake.answer_to(alice.press(old, "原文 1"))
    assert answer["text"] == "该结果已过期，请重新提问。"
    assert fake.pending_replies(alice.chat["id"]) == 0


async def test_more_results_past_the_last_page_shows_the_last_page(bot, fake, alice):
    first = await alice.says(QUESTION)
    sid = first.buttons["更多结果"].split(":")[1]
    fake.press(alice.user, first, f"more:{sid}:99")
    last = await alice.next_reply()
    assert last.edited and last.text.startswith("7. ")
    assert "更多结果" not in last.buttons and "上一页" in last.buttons


PASTE = "兰州新区坚持党建引领，推动产业发展，各项工作取得新进展。" * 30 + QUESTION  # about 900 characters


async def test_a_long_paste_is_answered_by_its_closing_question_with_a_note_saying_so(bot, alice):
    reply = await alice.says(PASTE)
    assert reply.text.startswith(f"问题太长（{len(PASTE)} 字），我只按最后一句「{QUESTION}」查找。")
    assert "高新技术企业605家" in reply.text
