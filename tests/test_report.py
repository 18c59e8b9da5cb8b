"""The editors' report (bot/report.py, `python -m bot report`): sums, grouped unanswered questions, latest 👎."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from bot import report as report_module
from bot.cli import main
from bot.report import build_report, group_similar
from bot.store import MIGRATIONS, SCHEMA_VERSION, Store, connect

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 25, 15, 0).timestamp()
DAY = 86_400
NAMES = ["兰州新区", "兰州高新区", "泸州高新区"]


def grouped(*asked: tuple[str, str | None, int]) -> list[tuple[str, int]]:
    return [(g.variants.most_common(1)[0][0], g.count) for g in group_similar(asked, NAMES)]


def test_the_same_gap_asked_in_other_words_is_one_group():
    assert grouped(("兰州新区有多少流动党员？", "兰州新区", 3), ("兰州新区流动党员有多少人", "兰州新区", 1),
                   ("兰州新区 有多少 流动党员", "兰州新区", 1)) == [("兰州新区有多少流动党员？", 5)]


def test_other_things_asked_about_one_park_are_other_groups():
    assert grouped(("兰州新区有多少流动党员", "兰州新区", 2), ("兰州新区有多少企业", "兰州新区", 1)) == [
        ("兰州新区有多少流动党员", 2), ("兰州新区有多少企业", 1)]


def test_the_same_question_about_another_park_is_another_group():
    assert grouped(("兰州新区有多少流动党员", "兰州新区", 2), ("泸州高新区有多少流动党员", "泸州高新区", 1)) == [
        ("兰州新区有多少流动党员", 2), ("泸州高新区有多少流动党员", 1)]


def test_groups_are_listed_most_asked_first():
    groups = grouped(("明天会下雨吗", None, 2), ("哪里可以停车", None, 4), ("明天下雨吗？", None, 1))
    assert groups == [("哪里可以停车", 4), ("明天会下雨吗", 3)]


@pytest.fixture
def recorded(tmp_path, engine):
    """A week of questions: answered and not, in private and group chats, with votes."""
    db = tmp_path / "q.db"
    clock = [NOW]
    store = Store(db, clock=lambda: clock[0])
    asked = [(0, "兰州高新区有多少家高新技术企业？", 1), (0, "兰州新区有多少流动党员", 1),
             (1, "兰州新区流动党员有多少人", 2), (2, "明天会下雨吗", 3), (8, "泸州高新区有哪些产业链？", 4)]
    ids = {}
    for days_ago, question, user in asked:
        clock[0] = NOW - days_ago * DAY
        ids[question] = store.record("group" if user == 3 else "private", engine.ask(question), 5.0, user_id=user,
                                     chat_id=user)
    clock[0] = NOW  # votes count on the day they are cast
    store.vote(ids["兰州高新区有多少家高新技术企业？"], 1, 1)
    store.vote(ids["兰州新区有多少流动党员"], 1, -1, "incomplete")
    store.comment(ids["兰州新区有多少流动党员"], 1, "想知道具体人数")
    assert store.flush()
    store.close()
    return db


def test_a_report_sums_the_window_by_day(recorded):
    report = build_report(recorded, 7, NAMES, now=NOW)
    assert report["questions"] == 4 and report["answered"] == 1 and report["answered_share"] == 0.25
    assert [(d["date"], d["questions"]) for d in report["per_day"]] == [
        ("2026-11-23", 1), ("2026-11-24", 1), ("2026-11-25", 2)]
    assert report["channels"] == {"private": 3, "group": 1}
    assert report["parks"][0] == {"park": "兰州新区", "questions": 2}


def test_a_report_shares_the_votes_and_their_reasons(recorded):
    votes = build_report(recorded, 7, NAMES, now=NOW)["votes"]
    assert (votes["up"], votes["down"], votes["up_share"], votes["voted_share"]) == (1, 1, 0.5, 0.5)
    assert votes["reasons"] == {"incomplete": 1}


def test_a_report_lists_the_unanswered_grouped_and_the_latest_downvotes(recorded):
    report = build_report(recorded, 7, NAMES, now=NOW)
    assert report["unanswered"][0] == {"question": "兰州新区有多少流动党员", "park": "兰州新区", "count": 2,
                                       "variants": ["兰州新区有多少流动党员", "兰州新区流动党员有多少人"]}
    assert report["unanswered"][1]["question"] == "明天会下雨吗"
    [down] = report["downvotes"]
    assert (down["question"], down["reason"]) == ("兰州新区有多少流动党员", "incomplete")
    assert down["comment"] == "想知道具体人数"


def test_inline_queries_count_but_stay_out_of_the_unanswered_groups(tmp_path, engine):
    store = Store(tmp_path / "q.db", clock=lambda: NOW)
    for typed in ("兰州新", "兰州新区有多", "兰州新区有多少流动党员"):
        store.record("inline", engine.ask(typed), 1.0, user_id=1)
    store.record("private", engine.ask("明天会下雨吗"), 1.0, user_id=1)
    assert store.flush()
    store.close()
    report = build_report(tmp_path / "q.db", 1, NAMES, now=NOW)
    assert report["questions"] == 4 and [g["question"] for g in report["unanswered"]] == ["明天会下雨吗"]


def test_a_longer_window_reaches_older_questions(recorded):
    assert build_report(recorded, 9, NAMES, now=NOW)["questions"] == 5


def test_a_database_of_schema_1_is_migrated_with_its_days(tmp_path, engine):
    db = tmp_path / "old.db"
    conn = connect(db)
    conn.executescript(MIGRATIONS[0] + "PRAGMA user_version = 1;")
    conn.execute("INSERT INTO questions (id, ts, channel, question, found, hits) VALUES (1, ?, 'private', ?, 0, '[]')",
                 (NOW - DAY, "兰州新区有多少流动党员"))
    conn.close()
    report = build_report(db, 7, NAMES, now=NOW)
    assert report["per_day"] == [{"date": "2026-11-24", "questions": 1, "answered": 0}]
    assert report["unanswered"][0]["question"] == "兰州新区有多少流动党员"
    assert connect(db).execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_only_the_most_asked_questions_are_grouped_the_tail_is_counted(recorded, monkeypatch):
    monkeypatch.setattr(report_module, "MAX_COMPARED", 1)
    report = build_report(recorded, 7, NAMES, now=NOW)
    assert report["unanswered_ungrouped"] == 2 and report["unanswered_questions"] == 3


def test_no_database_is_an_empty_report(tmp_path):
    assert build_report(tmp_path / "none.db", 7)["questions"] == 0


def test_the_json_report_keeps_its_contract_fields(recorded):
    report = build_report(recorded, 7, NAMES, now=NOW)
    assert {"days", "since", "until", "questions", "answered", "answered_share", "channels", "votes", "per_day",
            "parks", "unanswered_questions", "unanswered_ungrouped", "unanswered", "downvotes"} <= set(report)
    assert {"up", "down", "voted_share", "up_share", "down_share", "reasons"} <= set(report["votes"])
    assert {"time", "channel", "question", "park", "answer", "reason", "comment"} <= set(report["downvotes"][0])


def run(argv, monkeypatch, db, capsys):
    monkeypatch.setenv("DATABASE_PATH", str(db))
    code = main(argv)
    return code, capsys.readouterr()


def test_report_command_prints_the_sections(recorded, monkeypatch, capsys):
    code, out = run(["report", "--days", "30"], monkeypatch, recorded, capsys)
    assert code == 0
    for line in ("提问 5 个，找到答案 2 个", "没有找到答案的问题", "2 × 兰州新区有多少流动党员", "最近的 👎",
                 "不完整；补充：想知道具体人数"):
        assert line in out.out


def test_report_command_json_is_the_report(recorded, monkeypatch, capsys):
    code, out = run(["report", "--days", "30", "--json"], monkeypatch, recorded, capsys)
    assert code == 0 and json.loads(out.out)["questions"] == 5


def test_report_command_writes_every_question_to_csv(recorded, monkeypatch, capsys, tmp_path):
    sheet = tmp_path / "out.csv"
    code, _ = run(["report", "--days", "30", "--csv", str(sheet)], monkeypatch, recorded, capsys)
    table = list(csv.DictReader(sheet.open(encoding="utf-8")))
    assert code == 0 and len(table) == 5
    voted = next(r for r in table if r["question"] == "兰州新区有多少流动党员")
    assert (voted["down"], voted["vote_reasons"], voted["comments"]) == ("1", "incomplete", "想知道具体人数")
    assert not any("hash" in field for field in table[0])


def test_report_days_must_be_positive(monkeypatch, capsys, tmp_path):
    assert run(["report", "--days", "0"], monkeypatch, tmp_path / "q.db", capsys)[0] == 2


def test_console_chat_questions_are_recorded(tmp_path):
    db = tmp_path / "q.db"
    env = {**os.environ, "DATABASE_PATH": str(db)}
    proc = subprocess.run([sys.executable, "-m", "bot", "chat"], cwd=ROOT, input="兰州新区有多少流动党员\n/parks\n",
                          capture_output=True, text=True, timeout=60, env=env)
    assert proc.returncode == 0
    report = build_report(db, 1)
    assert report["channels"] == {"console": 1} and report["unanswered"][0]["question"] == "兰州新区有多少流动党员"
