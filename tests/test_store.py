"""The question record (bot/store.py): what is kept, how it is hashed, kept and deleted, and that it never blocks."""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import stat

import pytest

from bot.store import SCHEMA_VERSION, Store, salt_path

FOUND = "兰州高新区有多少家高新技术企业？"
NOT_FOUND = "明天会下雨吗"
DAY = 86_400


@pytest.fixture
def db(tmp_path):
    return tmp_path / "data" / "questions.db"


def rows(db, sql="SELECT * FROM questions", args=()):
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, args)]
    finally:
        conn.close()


def written(store: Store) -> Store:
    assert store.flush()
    return store


def test_the_database_is_created_in_wal_mode_with_the_schema_version(db):
    store = written(Store(db))
    store.close()
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()


def test_a_question_is_recorded_with_its_answer(db, engine):
    store = Store(db, corpus="c0ffee")
    answer = engine.ask(FOUND)
    qid = store.record("private", answer, 12.5, user_id=1001, chat_id=1001)
    written(store).close()
    [row] = rows(db)
    assert row["id"] == qid and row["channel"] == "private" and row["question"] == FOUND
    assert row["park"] == "兰州高新区" and row["found"] == 1 and row["reason"] == answer.reason
    assert row["hits"].startswith(f'[["{answer.hits[0].article_id}", {answer.hits[0].paragraph}]')
    assert "605" in row["answer"] and row["latency_ms"] == 12.5 and row["corpus_version"] == "c0ffee"


def test_an_unanswered_question_is_recorded_with_why(db, engine):
    store = Store(db)
    store.record("group", engine.ask(NOT_FOUND), 3.0, user_id=7, chat_id=-100)
    written(store).close()
    [row] = rows(db)
    assert row["found"] == 0 and row["reason"] == engine.ask(NOT_FOUND).reason and row["answer"] == ""


def test_ids_are_kept_only_as_salted_hashes(db, engine):
    store = Store(db)
    store.record("private", engine.ask(FOUND), 1.0, user_id=424242, chat_id=-9191)
    written(store).close()
    [row] = rows(db)
    assert "424242" not in repr(row) and "9191" not in repr(row)
    assert row["user_hash"] not in {hashlib.sha256(b"424242").hexdigest()[:32], hashlib.md5(b"424242").hexdigest()}
    assert b"424242" not in db.read_bytes()


def test_the_salt_is_made_once_private_and_beside_the_database(db, engine):
    first = Store(db)
    first.record("private", engine.ask(FOUND), 1.0, user_id=5, chat_id=5)
    written(first).close()
    salt = salt_path(db)
    assert salt.parent == db.parent and stat.S_IMODE(salt.stat().st_mode) == 0o600
    again = Store(db)
    again.record("private", engine.ask(FOUND), 1.0, user_id=5, chat_id=5)
    written(again).close()
    assert len({r["user_hash"] for r in rows(db)}) == 1


def test_another_salt_gives_other_hashes(tmp_path, engine):
    hashes = []
    for name in ("a", "b"):
        store = Store(tmp_path / name / "q.db")
        store.record("private", engine.ask(FOUND), 1.0, user_id=5)
        written(store).close()
        hashes.append(rows(tmp_path / name / "q.db")[0]["user_hash"])
    assert hashes[0] != hashes[1]


def test_rows_older_than_the_retention_are_deleted_on_start(db, engine):
    now = 1_800_000_000.0
    old = Store(db, clock=lambda: now - 185 * DAY)
    old_id = old.record("private", engine.ask(FOUND), 1.0, user_id=1)
    old.vote(old_id, 1, 1)
    written(old).close()
    recent = Store(db, clock=lambda: now - 10 * DAY)
    recent.record("private", engine.ask(FOUND), 1.0, user_id=1)
    written(recent).close()
    assert len(rows(db)) == 2
    Store(db, retention_days=180, clock=lambda: now).close()
    assert [r["ts"] for r in rows(db)] == [now - 10 * DAY]
    assert rows(db, "SELECT * FROM votes") == []


def test_a_second_press_changes_the_vote_and_a_reason_and_comment_are_kept(db, engine):
    store = Store(db)
    qid = store.record("private", engine.ask(FOUND), 1.0, user_id=1)
    store.vote(qid, 1, 1)
    store.vote(qid, 1, -1)
    store.vote(qid, 1, -1, "wrong_data")
    store.comment(qid, 1, "数字是去年的")
    written(store).close()
    [vote] = rows(db, "SELECT * FROM votes")
    assert (vote["question_id"], vote["vote"], vote["reason"]) == (qid, -1, "wrong_data")
    assert vote["comment"] == "数字是去年的"


def test_each_person_has_one_vote_per_answer(db, engine):
    store = Store(db)
    qid = store.record("group", engine.ask(FOUND), 1.0, user_id=1, chat_id=-5)
    for user, vote in ((1, 1), (2, -1), (1, 1)):
        store.vote(qid, user, vote)
    written(store).close()
    assert sorted(r["vote"] for r in rows(db, "SELECT * FROM votes")) == [-1, 1]


def test_forget_deletes_every_row_of_that_user_and_no_other(db, engine):
    store = Store(db)
    mine = store.record("private", engine.ask(FOUND), 1.0, user_id=1, chat_id=1)
    theirs = store.record("private", engine.ask(FOUND), 1.0, user_id=2, chat_id=2)
    store.vote(mine, 1, 1)
    store.vote(mine, 2, -1)  # someone else's vote on my question goes with it
    store.vote(theirs, 1, 1)  # my vote on their question goes too
    store.vote(theirs, 2, 1)
    assert store.forget(1).result(5) == 4
    written(store).close()
    assert [r["id"] for r in rows(db)] == [theirs]
    assert [(r["question_id"], r["vote"]) for r in rows(db, "SELECT * FROM votes")] == [(theirs, 1)]


def test_question_ids_are_unique_and_increasing(db):
    store = Store(db)
    ids = [store.new_id() for _ in range(1000)]
    store.close()
    assert ids == sorted(set(ids))


def test_a_path_that_cannot_be_written_turns_recording_off_with_one_warning(tmp_path, engine, caplog):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    store = Store(blocker / "questions.db")
    with caplog.at_level(logging.WARNING, logger="bot.store"):
        written(store)
        for _ in range(3):
            store.record("private", engine.ask(FOUND), 1.0, user_id=1)
        written(store).close()
    assert not store.enabled
    assert len([r for r in caplog.records if "not recorded" in r.getMessage()]) == 1


def test_a_locked_database_drops_records_with_one_warning_and_recovers(db, engine, caplog):
    store = written(Store(db, busy_ms=50))
    lock = sqlite3.connect(db, isolation_level=None)
    lock.execute("BEGIN EXCLUSIVE")
    with caplog.at_level(logging.WARNING, logger="bot.store"):
        for _ in range(3):
            store.record("private", engine.ask(FOUND), 1.0, user_id=1)
            written(store)
        lock.execute("ROLLBACK")
        lock.close()
        store.record("private", engine.ask(FOUND), 1.0, user_id=1)
        written(store).close()
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len([w for w in warnings if "database is locked" in w]) == 1
    assert any("again" in w for w in warnings)
    assert len(rows(db)) == 1


def test_a_database_from_a_newer_bot_is_left_alone(db, engine):
    db.parent.mkdir(parents=True)
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    store = Store(db)
    store.record("private", engine.ask(FOUND), 1.0, user_id=1)
    written(store).close()
    assert not store.enabled
