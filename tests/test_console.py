"""The console chat on a real terminal: line editing, history across sessions, Ctrl-C, and `make run`."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from tests.terminal import CTRL_C, LEFT, UP, Terminal

from .conftest import ROOT

QUESTION = "兰州高新区有多少家高新技术企业"
ANSWER = "高新技术企业605家"


def terminal_env(state: Path) -> dict[str, str]:
    """A clean environment: no token (so `make run` opens the chat), history and records under a temporary folder."""
    return {"PATH": os.environ["PATH"], "HOME": str(state), "LANG": "C.UTF-8", "TERM": "xterm",
            "XDG_STATE_HOME": str(state), "DATABASE_PATH": str(state / "questions.db"), "PYTHONPATH": str(ROOT)}


@pytest.fixture(scope="module")
def sessions(tmp_path_factory) -> dict:
    """Two sessions a person might have: `python -m bot chat`, then `make run` the next day."""
    state = tmp_path_factory.mktemp("state")
    chat = Terminal([sys.executable, "-m", "bot", "chat"], ROOT, terminal_env(state))
    chat.wait_for("> ")
    chat.type(QUESTION[:-2] + "业" + LEFT + "企" + "\r")  # 「…技术业」, ←, 「企」: 「…技术企业」
    chat.wait_for_prompt_after(ANSWER)
    chat.type(UP + "\r")  # the same question again, from the history
    chat.wait_for_prompt_after(ANSWER, count=2)
    chat.type(CTRL_C)
    chat_status = chat.finish()
    history = (state / "yuanqu-dangjian-bot" / "chat_history").read_text(encoding="utf-8")

    make = Terminal([shutil.which("make") or "make", "-s", "run"], ROOT, terminal_env(state))
    make.wait_for("> ")
    make.type(UP + "\r")  # yesterday's question, from the history file
    make.wait_for_prompt_after(ANSWER)
    make.type(CTRL_C)
    make_status = make.finish()
    return {"chat": chat.text(), "chat_status": chat_status, "history": history,
            "make": make.text(), "make_status": make_status}


def test_arrow_keys_move_the_cursor_instead_of_typing_escape_codes(sessions):
    assert ANSWER in sessions["chat"] and "[D" not in sessions["chat"]
    assert sessions["history"].splitlines()[0] == QUESTION  # the line as edited: 企 went before 业


def test_up_arrow_brings_back_the_last_question(sessions):
    assert sessions["chat"].count(ANSWER) == 2


def test_questions_are_kept_in_a_history_file_under_the_state_directory(sessions):
    assert QUESTION in sessions["history"].splitlines()


def test_the_history_comes_back_in_the_next_session(sessions):
    assert ANSWER in sessions["make"]


def test_ctrl_c_says_goodbye_and_exits_0_without_a_traceback(sessions):
    assert sessions["chat_status"] == 0
    assert "再见。" in sessions["chat"] and "Traceback" not in sessions["chat"]


def test_ctrl_c_under_make_run_is_quiet_too(sessions):
    assert sessions["make_status"] == 0
    assert "再见。" in sessions["make"] and "Interrupt" not in sessions["make"] and "Traceback" not in sessions["make"]


def test_make_run_first_says_where_things_are(sessions):
    shown = sessions["make"]
    articles = json.loads((ROOT / "corpus" / "articles.json").read_text(encoding="utf-8"))
    parks = json.loads((ROOT / "corpus" / "parks.json").read_text(encoding="utf-8"))
    paragraphs = sum(len(a["paragraphs"]) for a in articles)
    assert f"语料：{ROOT / 'corpus'}（{len(articles)} 篇文章，{paragraphs} 段，{len(parks)} 个园区；版本 " in shown
    assert "模式：本地对话（未配置 TELEGRAM_BOT_TOKEN）" in shown
    assert "与默认不同的设置" in shown and "DATABASE_PATH=" in shown
