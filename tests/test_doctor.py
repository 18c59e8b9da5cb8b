"""`python -m bot doctor`: one line per check, ✔ or ✘ with the fix, non-zero when `serve` would stop."""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.engine import Engine
from bot.lexicon import Lexicon
from tests.fakebot import TOKEN, FakeBotApi

from .conftest import CORPUS, corpus_lexicon


@pytest.fixture(autouse=True)
def in_process(engine, clean_env):
    """The committed corpus, and its word lists for the rebuild that checks it is current, loaded once."""
    load, lexicon, words = Engine.load.__func__, Lexicon.load.__func__, corpus_lexicon()

    def engine_once(cls, corpus_dir, *args, **kwargs):
        return engine if Path(corpus_dir) == CORPUS else load(cls, corpus_dir, *args, **kwargs)

    def lexicon_once(cls, corpus_dir, *args, **kwargs):
        committed = Path(corpus_dir) == CORPUS and not (args or kwargs)
        return words if committed else lexicon(cls, corpus_dir, *args, **kwargs)

    clean_env.setattr(Engine, "load", classmethod(engine_once))
    clean_env.setattr(Lexicon, "load", classmethod(lexicon_once))
    return clean_env


async def doctor(monkeypatch, **env: str) -> tuple[int, list[str]]:
    """Run in a thread: doctor asks the Bot API with its own event loop, and the fake server runs in this one."""
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    out = io.StringIO()
    code = await asyncio.to_thread(main, ["doctor", "--timeout", "2"], out)
    return code, out.getvalue().splitlines()


def failed(lines: list[str]) -> list[str]:
    return [line for line in lines if line.startswith("✘")]


async def test_a_good_set_up_passes_every_check(fake, in_process):
    code, lines = await doctor(in_process, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=fake.base_url)
    assert code == 0 and failed(lines) == [] and all(line.startswith("✔") for line in lines)
    assert any("@" + fake.bot_user["username"] in line for line in lines)
    articles = len(json.loads((CORPUS / "articles.json").read_text(encoding="utf-8")))
    assert any(f"{articles} 篇文章" in line for line in lines) and any("一致" in line for line in lines)
    assert not any(TOKEN in line or TOKEN.split(":")[1] in line for line in lines)


async def test_the_dictionary_file_is_listed(fake, in_process):
    _, lines = await doctor(in_process, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=fake.base_url)
    assert any(line.startswith("✔ jieba 词典文件") and ".cache" in line for line in lines)


async def test_without_the_dictionary_file_doctor_says_so_and_the_bot_still_serves(fake, in_process):
    in_process.setattr("bot.dictionary.dictionary", lambda: None)
    code, lines = await doctor(in_process, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=fake.base_url)
    assert code == 0
    assert [line for line in failed(lines) if "jieba 词典文件" in line and "可写" in line]


async def test_a_missing_corpus_fails_with_the_build_command_as_the_fix(fake, in_process, tmp_path):
    code, lines = await doctor(in_process, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=fake.base_url,
                               CORPUS_DIR=str(tmp_path / "nowhere"))
    corpus, = failed(lines)
    assert code == 1 and "articles.json" in corpus and corpus.endswith("python -m bot build")


async def test_a_malformed_token_fails_without_calling_telegram_or_printing_it(fake, in_process):
    code, lines = await doctor(in_process, TELEGRAM_BOT_TOKEN="12345:not-a-token",
                               TELEGRAM_API_BASE_URL=fake.base_url)
    token, = failed(lines)
    assert code == 1 and "TELEGRAM_BOT_TOKEN 格式不对" in token
    assert not fake.calls and not any("not-a-token" in line for line in lines)


async def test_an_unreachable_bot_api_is_one_line_saying_so(in_process):
    stopped = await FakeBotApi().start()
    base_url = stopped.base_url
    await stopped.stop()
    code, lines = await doctor(in_process, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=base_url)
    api, = failed(lines)
    assert code == 1 and "连不上 Bot API" in api and base_url in api and "TELEGRAM_API_BASE_URL" in api
    assert TOKEN.split(":")[1] not in api


async def test_a_token_telegram_rejects_fails(fake, in_process):
    code, lines = await doctor(in_process, TELEGRAM_BOT_TOKEN="123456789:" + "B" * 35,
                               TELEGRAM_API_BASE_URL=fake.base_url)
    rejected, = failed(lines)
    assert code == 1 and "401" in rejected


async def test_a_webhook_telegram_cannot_call_is_reported(in_process):
    code, lines = await doctor(in_process, TELEGRAM_WEBHOOK_URL="http://example.org/hook")
    assert code == 1 and any("https://" in line for line in failed(lines))


async def test_malformed_settings_are_a_failed_check_not_a_crash(in_process):
    code, lines = await doctor(in_process, TOP_K="many")
    settings, = failed(lines)
    assert code == 1 and "TOP_K" in settings
