"""👍/👎, /report, /forget and the question record, through the fake Bot API server."""

from __future__ import annotations

import asyncio
import functools
import logging
import sqlite3
from datetime import time

import pytest

from bot.report import build_report
from bot.store import Store
from bot.telegram import feedback
from tests.telegram_fixtures import Person, running_bot

ANSWERED = "兰州高新区有多少家高新技术企业？"
UNANSWERED = "兰州新区有多少流动党员"
ADMIN = 4242


@pytest.fixture
def db(tmp_path):
    return tmp_path / "questions.db"


@pytest.fixture
async def recording(fake, engine, db):
    async with running_bot(fake, engine, database_path=db, admin_user_ids=[ADMIN]) as app:
        yield app


@pytest.fixture
def admin(fake):
    return Person(fake, ADMIN, name="Editor")


def recorded(app, db, sql="SELECT * FROM questions ORDER BY id"):
    assert app.bot_data.store.flush()
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql)]
    finally:
        conn.close()


async def test_answered_and_unanswered_questions_are_recorded(recording, alice, db):
    await alice.says(ANSWERED)
    await alice.says(UNANSWERED)
    rows = recorded(recording, db)
    assert [(r["question"], r["found"], r["channel"]) for r in rows] == [(ANSWERED, 1, "private"),
                                                                          (UNANSWERED, 0, "private")]
    assert rows[0]["park"] == "兰州高新区" and rows[0]["latency_ms"] > 0 and rows[1]["reason"]
    assert all(str(alice.user["id"]) not in repr(r) for r in rows)


async def test_group_and_inline_questions_are_recorded_with_their_channel(recording, fake, alice, group, db):
    member = Person(fake, 1002, chat=group)
    await member.says(f"@park_qa_test_bot {ANSWERED}")
    await alice.types_inline(UNANSWERED)
    assert [r["channel"] for r in recorded(recording, db)] == ["group", "inline"]


async def test_every_answer_has_feedback_buttons_within_64_bytes(recording, alice):
    reply = await alice.says(ANSWERED)
    assert {"👍", "👎", "更多结果"} <= set(reply.buttons)
    assert all(len(data.encode()) <= 64 for data in reply.buttons.values())


async def test_a_thumbs_up_is_stored_and_the_button_shows_it(recording, alice, db):
    reply = await alice.says(ANSWERED)
    counted = await alice.presses(reply, "👍")
    assert counted.edited and "👍 已记录" in counted.buttons and "更多结果" in counted.buttons
    assert counted.text == reply.text
    [vote] = recorded(recording, db, "SELECT * FROM votes")
    assert vote["vote"] == 1 and vote["question_id"] == recorded(recording, db)[0]["id"]


async def test_a_thumbs_down_asks_why_and_keeps_the_reason_and_a_comment(recording, alice, db):
    reply = await alice.says(ANSWERED)
    asking = await alice.presses(reply, "👎")
    assert {"答非所问", "数据不对", "不完整", "其他"} <= set(asking.buttons) and "👍" not in asking.buttons
    counted = await alice.presses(asking, "数据不对")
    assert "👎 已记录" in counted.buttons
    prompt = await alice.next_reply()
    assert "补充说明" in prompt.text and "跳过" in prompt.buttons
    thanks = await alice.says("这是2023年的数字")
    assert "已记录" in thanks.text
    [vote] = recorded(recording, db, "SELECT * FROM votes")
    assert (vote["vote"], vote["reason"], vote["comment"]) == (-1, "wrong_data", "这是2023年的数字")


async def test_after_a_comment_the_next_message_is_a_question_again(recording, alice, db):
    reply = await alice.says(ANSWERED)
    await alice.presses(await alice.presses(reply, "👎"), "其他")
    await alice.next_reply()
    await alice.says("备注")
    again = await alice.says(ANSWERED)
    assert "605" in again.text


async def test_skipping_the_comment_keeps_the_next_message_a_question(recording, alice, db):
    reply = await alice.says(ANSWERED)
    await alice.presses(await alice.presses(reply, "👎"), "不完整")
    prompt = await alice.next_reply()
    await alice.presses(prompt, "跳过")
    answer = await alice.says(ANSWERED)
    assert "605" in answer.text
    [vote] = recorded(recording, db, "SELECT * FROM votes")
    assert (vote["reason"], vote["comment"]) == ("incomplete", None)


async def inline_buttons(fake, inline_id: str, edits: int = 1) -> dict:
    """The buttons of a message posted inline once the bot has edited them `edits` times (it edits after answering
    the press)."""
    for _ in range(200):
        if len([c for c in fake.calls_to("editMessageReplyMarkup") if c.status == 200]) >= edits:
            return fake.state.inline_markups[inline_id]
        await asyncio.sleep(0.02)
    raise AssertionError("the buttons were not edited")


def feedback_data(result: dict, label: str) -> str:
    return next(b["callback_data"] for row in result["reply_markup"]["inline_keyboard"] for b in row
                if b["text"] == label)


async def test_inline_results_carry_the_feedback_buttons_of_the_users_question(recording, fake, alice, db):
    answer = await alice.types_inline(ANSWERED)
    assert answer["results"] and answer.get("is_personal") in (True, "true", "True")
    (row,) = recorded(recording, db)
    for result in answer["results"]:
        assert feedback_data(result, "👍") == f"fb:{feedback.views.to_base36(row['id'])}:u"


async def test_a_thumbs_up_on_a_message_posted_inline_is_stored_and_shown(recording, fake, alice, db):
    result = (await alice.types_inline(ANSWERED))["results"][0]
    press = fake.callback(alice.user, inline_message_id="AgAAAB-posted", data=feedback_data(result, "👍"))
    assert (await fake.answer_to(press))["text"] == feedback.views.THANKS_UP
    assert [r["vote"] for r in recorded(recording, db, "SELECT vote FROM votes")] == [1]
    shown = await inline_buttons(fake, "AgAAAB-posted")
    assert shown["inline_keyboard"][0][0]["text"] == "👍 已记录"


async def test_a_thumbs_down_on_a_message_posted_inline_keeps_the_reason_and_asks_no_comment(
        recording, fake, alice, db):
    result = (await alice.types_inline(ANSWERED))["results"][0]
    down = fake.callback(alice.user, inline_message_id="AgAAAB-posted", data=feedback_data(result, "👎"))
    await fake.answer_to(down)
    reasons = await inline_buttons(fake, "AgAAAB-posted")
    first_reason = reasons["inline_keyboard"][0][0]["callback_data"]
    press = fake.callback(alice.user, inline_message_id="AgAAAB-posted", data=first_reason)
    assert (await fake.answer_to(press))["text"] == feedback.views.THANKS_DOWN
    assert (await inline_buttons(fake, "AgAAAB-posted", edits=2))["inline_keyboard"][0][1]["text"] == "👎 已记录"
    assert [(r["vote"], bool(r["reason"])) for r in recorded(recording, db, "SELECT * FROM votes")] == [(-1, True)]
    assert fake.calls_to("sendMessage") == []


async def test_pressing_again_changes_the_vote(recording, alice, db):
    reply = await alice.says(ANSWERED)
    down = await alice.presses(await alice.presses(reply, "👎"), "答非所问")
    await alice.next_reply()  # the comment prompt
    up = await alice.presses(down, "👍")
    assert "👍 已记录" in up.buttons and "👎" in up.buttons
    [vote] = recorded(recording, db, "SELECT * FROM votes")
    assert (vote["vote"], vote["reason"]) == (1, None)


async def test_paging_through_an_answer_keeps_its_vote(recording, alice):
    reply = await alice.says(ANSWERED)
    counted = await alice.presses(reply, "👍")
    page = await alice.presses(counted, "更多结果")
    assert page.text.startswith("4. ") and "👍 已记录" in page.buttons


async def test_an_admins_report_lists_the_unanswered_grouped_and_the_latest_downvote(recording, fake, alice, admin):
    await alice.says(UNANSWERED)
    await Person(fake, 1003).says("兰州新区流动党员有多少人？")
    reply = await alice.says(ANSWERED)
    await alice.presses(await alice.presses(reply, "👎"), "数据不对")
    await alice.next_reply()
    await alice.says("数字不对")
    report = await admin.says("/report")
    assert "提问 3 个，找到答案 1 个" in report.text
    assert "2 × 兰州新区有多少流动党员（兰州新区）" in report.text
    latest = report.text.split("最近的 👎")[1]
    assert ANSWERED in latest and "数据不对" in latest and "数字不对" in latest and "605" in latest


async def test_report_takes_a_number_of_days(recording, admin):
    assert "（30 天）" in (await admin.says("/report 30")).text
    assert "用法" in (await admin.says("/report 三十")).text


async def test_someone_elses_report_reveals_nothing(recording, alice):
    await alice.says(UNANSWERED)
    reply = await alice.says("/report")
    assert reply.text.startswith("不认识的命令 /report") and UNANSWERED not in reply.text


async def test_forget_removes_the_users_questions_and_votes_only(recording, fake, alice, db):
    reply = await alice.says(ANSWERED)
    await alice.presses(reply, "👍")
    await alice.says(UNANSWERED)
    await Person(fake, 1003).says(UNANSWERED)
    done = await alice.says("/forget")
    assert "已删除" in done.text and "3" in done.text
    rows = recorded(recording, db)
    assert len(rows) == 1 and recorded(recording, db, "SELECT * FROM votes") == []
    assert "没有找到你的提问记录" in (await alice.says("/forget")).text


async def test_with_recording_off_there_are_no_feedback_buttons_and_no_database(fake, engine, alice, tmp_path):
    async with running_bot(fake, engine, database_path=tmp_path / "q.db", record_questions=False):
        reply = await alice.says(ANSWERED)
    assert "👍" not in reply.buttons and not (tmp_path / "q.db").exists()


async def test_a_locked_database_does_not_stop_answers(fake, engine, alice, db, caplog, monkeypatch):
    monkeypatch.setattr(feedback, "Store", functools.partial(Store, busy_ms=10))
    async with running_bot(fake, engine, database_path=db) as app:
        store = app.bot_data.store
        assert store.flush()
        lock = sqlite3.connect(db, isolation_level=None)
        lock.execute("BEGIN EXCLUSIVE")
        try:
            with caplog.at_level(logging.WARNING):
                for _ in range(3):
                    assert "605" in (await alice.says(ANSWERED)).text
                await asyncio.to_thread(store.flush)
        finally:
            lock.execute("ROLLBACK")
            lock.close()
    assert len([r for r in caplog.records if "database is locked" in r.getMessage()]) == 1


async def test_a_database_on_a_path_that_cannot_be_written_does_not_stop_answers(fake, engine, alice, tmp_path,
                                                                                 caplog):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with caplog.at_level(logging.WARNING):
        async with running_bot(fake, engine, database_path=blocker / "questions.db"):
            first = await alice.says(ANSWERED)
            second = await alice.says(UNANSWERED)
    assert "605" in first.text and second.text and "👍" not in first.buttons
    assert len([r for r in caplog.records if "not recorded" in r.getMessage()]) == 1


async def test_the_daily_summary_is_scheduled_and_sends_yesterdays_report_to_the_admins(fake, engine, admin, db):
    async with running_bot(fake, engine, database_path=db, admin_user_ids=[ADMIN],
                           daily_report_time=time(8, 30)) as app:
        [job] = app.job_queue.jobs()
        assert job.name == "daily report"
        await job.run(app)
        summary = await admin.next_reply()
    assert summary.text.startswith("昨日提问报告")


async def test_no_daily_summary_by_default(recording):
    assert recording.job_queue.jobs() == ()


async def test_the_report_reads_what_the_bot_recorded(recording, alice, db):
    await alice.says(UNANSWERED)
    assert recorded(recording, db)
    assert build_report(db, 1)["unanswered"][0]["question"] == UNANSWERED
