"""Adding an article from Telegram: an admin's document or /add becomes answerable in the same running bot.

Each test runs the real bot against the fake Bot API server, over its own copy of seeds/ and corpus/.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from bot.engine import Engine
from bot.seeds import add
from bot.store import corpus_version
from bot.telegram import views
from tests.fakebot import FakeBotApi
from tests.telegram_fixtures import Person, running_bot

from .test_add import XUZHUANG, copy_of_project, snapshot

ADMIN = 4242
QUESTION = "徐庄高新区有多少家高新技术企业？"


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, Path]:
    return copy_of_project(tmp_path)


def admin_bot(fake: FakeBotApi, project: tuple[Path, Path]):
    seeds, corpus = project
    return running_bot(fake, Engine.load(corpus), admin_user_ids=[ADMIN], seeds_dir=seeds, corpus_dir=corpus)


async def test_an_admins_document_becomes_answerable_after_confirming(fake, project):
    admin, alice = Person(fake, ADMIN, name="Admin"), Person(fake, 1001, name="Alice")
    async with admin_bot(fake, project):
        preview = await admin.says(document=fake.document("徐庄.txt", XUZHUANG.read_bytes()))
        assert "徐庄高新区：楼宇党建串起创新生态链" in preview.text and "新登记园区 徐庄高新区" in preview.text
        assert set(preview.buttons) == {"确认添加", "取消"}
        assert "312家" not in (await alice.says(QUESTION)).text  # not before the confirmation
        done = await admin.presses(preview, "确认添加")
        assert done.text.startswith("已添加 1 篇文章") and not done.buttons
        assert "312家" in (await alice.says(QUESTION)).text


async def test_add_with_pasted_text_and_cancel_writes_nothing(fake, project):
    admin = Person(fake, ADMIN, name="Admin")
    async with admin_bot(fake, project):
        before = snapshot(*project)
        preview = await admin.says("/add\n" + XUZHUANG.read_text(encoding="utf-8"))
        assert "预览" in preview.text and "徐庄高新区" in preview.text
        cancelled = await admin.presses(preview, "取消")
        assert cancelled.text == views.CHANGE_CANCELLED
    assert snapshot(*project) == before


async def test_a_non_admins_document_and_add_get_the_usual_replies(fake, project):
    alice = Person(fake, 1001, name="Alice")
    async with admin_bot(fake, project):
        before = snapshot(*project)
        assert (await alice.says(document=fake.document("a.txt", XUZHUANG.read_bytes()))).text == views.NOT_TEXT
        assert "不认识的命令 /add" in (await alice.says("/add\n" + XUZHUANG.read_text(encoding="utf-8"))).text
    assert snapshot(*project) == before


async def test_a_question_in_flight_during_the_swap_is_answered(fake, project):
    admin, alice = Person(fake, ADMIN, name="Admin"), Person(fake, 1001, name="Alice")
    async with admin_bot(fake, project):
        preview = await admin.says("/add\n" + XUZHUANG.read_text(encoding="utf-8"))
        admin.press(preview, "确认添加")
        for _ in range(5):  # questions arriving while the new engine is built beside the old one
            alice.posts("兰州高新区有多少家高新技术企业？")
        replies = [await alice.next_reply() for _ in range(5)]
        assert all("605家" in r.text for r in replies)
        assert (await admin.next_reply()).text.startswith("已添加")


async def test_a_corpus_rebuilt_outside_the_bot_goes_live_without_a_restart(fake, project, caplog):
    caplog.set_level(logging.INFO, logger="bot.telegram.admin")
    seeds, corpus = project
    alice = Person(fake, 1001, name="Alice")
    async with admin_bot(fake, project) as app:
        await asyncio.to_thread(add, seeds, corpus, [(XUZHUANG.name, XUZHUANG.read_bytes())])  # `bot add` in a shell
        for _ in range(60):
            if "312家" in (await alice.says(QUESTION)).text:
                break
            await asyncio.sleep(0.5)
        else:
            pytest.fail("the rebuilt corpus never went live")
        assert app.bot_data.corpus_version == corpus_version(corpus)
        assert f"corpus version {corpus_version(corpus)} live" in caplog.text


async def test_remove_from_telegram_takes_the_article_out(fake, project):
    seeds, corpus = project
    added = add(seeds, corpus, [(XUZHUANG.name, XUZHUANG.read_bytes())]).articles[0].article_id
    admin, alice = Person(fake, ADMIN, name="Admin"), Person(fake, 1001, name="Alice")
    async with admin_bot(fake, project):
        assert "312家" in (await alice.says(QUESTION)).text
        preview = await admin.says(f"/remove {added}")
        assert "将删除" in preview.text and set(preview.buttons) == {"确认删除", "取消"}
        assert (await admin.presses(preview, "确认删除")).text.startswith("已删除")
        assert "312家" not in (await alice.says(QUESTION)).text


async def test_a_5_mb_document_is_refused_in_one_line_and_the_bot_keeps_serving(fake, project):
    admin, alice = Person(fake, ADMIN, name="Admin"), Person(fake, 1001, name="Alice")
    async with admin_bot(fake, project):
        before = snapshot(*project)
        reply = await admin.says(document=fake.document("big.txt", "园区党建".encode() * 430_000))
        assert "big.txt" in reply.text and "太大" in reply.text and not reply.buttons
        assert "605家" in (await alice.says("兰州高新区有多少家高新技术企业？")).text
        assert snapshot(*project) == before
