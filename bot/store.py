"""The record of questions and votes: one SQLite file, for the editors' reports.

Recording must never delay or break an answer, so every write goes through one
background thread: the caller only puts a small tuple on a queue (microseconds)
and the thread writes in batches. A database that cannot be opened, is locked
or is full is logged once and the answers go on unrecorded.

Nothing personal is kept: user and chat ids are stored only as salted hashes.
The salt is random, made on first start and kept beside the database (so the
hashes stay stable across restarts, and a copy of the database alone cannot be
matched against known ids). The schema carries its version (`PRAGMA
user_version`) and is migrated by the bot itself.

This module knows nothing about Telegram; the adapters pass plain values.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import queue
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from bot.answer import Answer

log = logging.getLogger(__name__)

# Each entry upgrades the schema by one version; a released entry is never edited, only followed.
MIGRATIONS: list[str] = [
    # 1: questions and the votes on them
    """
    CREATE TABLE questions (
        id INTEGER PRIMARY KEY,        -- chosen by the bot (microseconds since 1970, unique): known before the write
        ts REAL NOT NULL,              -- unix time the question was answered
        channel TEXT NOT NULL,         -- private, group, inline, console
        user_hash TEXT,
        chat_hash TEXT,
        question TEXT NOT NULL,        -- as written
        park TEXT,
        found INTEGER NOT NULL,
        reason TEXT,                   -- why found or not, when the engine says
        confidence REAL,
        hits TEXT NOT NULL,            -- JSON [[article_id, paragraph], …] of the hits shown
        answer TEXT,                   -- the first excerpt shown and its source; empty when not found
        latency_ms REAL,
        corpus_version TEXT
    );
    CREATE INDEX questions_ts ON questions(ts);
    CREATE INDEX questions_user ON questions(user_hash);
    CREATE TABLE votes (
        question_id INTEGER NOT NULL,
        user_hash TEXT NOT NULL,
        ts REAL NOT NULL,
        vote INTEGER NOT NULL CHECK (vote IN (-1, 1)),
        reason TEXT,                   -- one of REASONS, for a 👎
        comment TEXT,
        PRIMARY KEY (question_id, user_hash)
    );
    CREATE INDEX votes_user ON votes(user_hash);
    """,
    # 2: reports over a million questions in well under 2 s: the local day stored, indexes that cover the queries
    """
    ALTER TABLE questions ADD COLUMN day INTEGER;  -- local date as an ordinal (Python's date.toordinal())
    UPDATE questions SET day = CAST(julianday(date(ts, 'unixepoch', 'localtime')) - 1721424.5 AS INTEGER);
    CREATE INDEX questions_days ON questions(day, found, channel, park);
    CREATE INDEX questions_unanswered ON questions(park, question, day) WHERE found = 0;
    CREATE INDEX votes_ts ON votes(ts);
    """,
    # 3: inline queries come while the user types, half-finished: they stay out of the unanswered groups
    """
    DROP INDEX questions_unanswered;
    CREATE INDEX questions_unanswered ON questions(park, question, day)
        WHERE found = 0 AND channel != 'inline';
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)
REASONS = ("off_topic", "wrong_data", "incomplete", "other")  # 答非所问 / 数据不对 / 不完整 / 其他 (labels: render)
CHANNELS = ("private", "group", "inline", "console")
MAX_COMMENT = 1000
MAX_PENDING = 10_000  # writes waiting while the database is stuck; beyond this they are dropped
BATCH = 500
DAY = 86_400.0
_INSERT = ("INSERT OR IGNORE INTO questions (id, ts, channel, user_hash, chat_hash, question, park, found, reason,"
           " confidence, hits, answer, latency_ms, corpus_version, day) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")

Op = Callable[[sqlite3.Connection], Any]


def corpus_version(corpus_dir: Path) -> str:
    """A short fingerprint of the built articles, so a report can tell answers of different corpus builds apart."""
    try:
        return hashlib.sha256((corpus_dir / "articles.json").read_bytes()).hexdigest()[:12]
    except OSError:
        return ""


def salt_path(db_path: Path) -> Path:
    return db_path.with_suffix(".salt")


def connect(path: Path, *, readonly: bool = False, busy_ms: int = 2000) -> sqlite3.Connection:
    """A connection in WAL mode: readers (reports) never block the writer, nor it them."""
    if readonly:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    else:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {int(busy_ms)}")
    if not readonly:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")  # WAL stays consistent; a power cut may lose the last writes
    return conn


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the schema to SCHEMA_VERSION, one version per transaction; returns the version found."""
    found = conn.execute("PRAGMA user_version").fetchone()[0]
    if found > SCHEMA_VERSION:
        raise sqlite3.DatabaseError(f"database schema {found} is newer than this bot's {SCHEMA_VERSION}")
    for version in range(found, SCHEMA_VERSION):
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _statements(MIGRATIONS[version]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return found


def _statements(script: str) -> list[str]:
    """A script's statements, cut where SQLite says a statement is complete (a `;` in a comment is not an end)."""
    statements, current = [], ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current)
            current = ""
    return statements


def _read_salt(path: Path) -> bytes:
    """The salt beside the database, made (0600) on first start."""
    try:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except FileNotFoundError:
        pass
    salt = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(salt.hex() + "\n")
    return salt


@dataclass(frozen=True)
class _Question:
    qid: int
    ts: float
    channel: str
    user_id: int | None
    chat_id: int | None
    question: str
    park: str | None
    found: bool
    reason: str | None
    confidence: float
    hits: str
    answer: str
    latency_ms: float


class Store:
    """Records questions and votes from any thread or coroutine without waiting; `flush` waits when needed."""

    def __init__(self, path: Path, *, retention_days: int = 180, corpus: str = "", busy_ms: int = 2000,
                 clock: Callable[[], float] = time.time):
        self.path, self.retention_days, self.corpus, self.busy_ms, self.clock = (
            Path(path), retention_days, corpus, busy_ms, clock)
        self.enabled = True  # False once the database cannot be opened: records are then dropped quietly
        self._queue: queue.SimpleQueue[tuple[Op, Future | None] | None] = queue.SimpleQueue()
        self._last_id = 0
        self._id_lock = threading.Lock()
        self._failing: str | None = None  # the error last logged, so a stuck database is logged once
        self._purged_at = 0.0
        self._salt = b""
        self._thread = threading.Thread(target=self._run, name="question-store", daemon=True)
        self._thread.start()

    # -- what the adapters call ------------------------------------------------------------------

    def new_id(self) -> int:
        """A question id known before the write, so buttons can carry it; unique across restarts (time-based)."""
        with self._id_lock:
            self._last_id = max(self._last_id + 1, time.time_ns() // 1000)
            return self._last_id

    def record(self, channel: str, answer: Answer, latency_ms: float, *, user_id: int | None = None,
               chat_id: int | None = None, qid: int | None = None) -> int | None:
        """Queue one answered question; returns its id, or None when recording is off."""
        if not self.enabled:
            return None
        qid = qid or self.new_id()
        first = answer.hits[0] if answer.found and answer.hits else None
        shown = f"{first.excerpt} —— {first.source}" if first else ""
        row = _Question(qid, self.clock(), channel, user_id, chat_id, answer.query, answer.park, answer.found,
                        answer.reason, float(answer.confidence),
                        json.dumps([[h.article_id, h.paragraph] for h in answer.hits], ensure_ascii=False),
                        shown, latency_ms)
        self._submit(lambda conn: self._insert(conn, row))
        return qid

    def vote(self, qid: int, user_id: int, vote: int, reason: str | None = None) -> None:
        """👍 (1) or 👎 (-1) on a recorded question; a second press replaces the first. A new vote drops the comment."""
        if vote not in (-1, 1):
            raise ValueError(f"vote must be 1 or -1, not {vote!r}")
        if reason is not None and reason not in REASONS:
            raise ValueError(f"unknown reason {reason!r}")
        ts = self.clock()
        self._submit(lambda conn: conn.execute(
            "INSERT INTO votes (question_id, user_hash, ts, vote, reason) VALUES (?,?,?,?,?) "
            "ON CONFLICT (question_id, user_hash) DO UPDATE SET ts = excluded.ts, vote = excluded.vote, "
            "reason = excluded.reason, comment = CASE WHEN votes.vote = excluded.vote THEN votes.comment END",
            (qid, self.hash_id("user", user_id), ts, vote, reason)))

    def comment(self, qid: int, user_id: int, text: str) -> None:
        """The free-text comment after a 👎's reason."""
        self._submit(lambda conn: conn.execute(
            "UPDATE votes SET comment = ? WHERE question_id = ? AND user_hash = ?",
            (text[:MAX_COMMENT], qid, self.hash_id("user", user_id))))

    def forget(self, user_id: int) -> Future:
        """Delete every question and vote of this user; the future gives the number of rows deleted."""
        future: Future = Future()
        if not self.enabled:
            future.set_result(0)
            return future
        self._submit(lambda conn: self._forget(conn, self.hash_id("user", user_id)), future)
        return future

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until everything queued so far is written (or dropped); False on timeout."""
        if not self._thread.is_alive():
            return True
        future: Future = Future()
        self._submit(lambda conn: None, future, force=True)
        try:
            future.result(timeout)
        except TimeoutError:
            return False
        except sqlite3.Error:  # the batch was dropped, but it was handled
            pass
        return True

    def close(self, timeout: float = 10.0) -> None:
        """Write what is queued and stop the thread."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join(timeout)

    def hash_id(self, kind: str, value: int | None) -> str | None:
        """A salted hash of a Telegram id: the same person gives the same hash, and it leads back to no one."""
        if value is None:
            return None
        return hmac.new(self._salt, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()[:32]

    # -- the writer thread -----------------------------------------------------------------------

    def _submit(self, op: Op, future: Future | None = None, force: bool = False) -> None:
        if self._queue.qsize() >= MAX_PENDING and not force:
            self._log_failure("too many writes waiting; dropping new records until the database catches up")
            if future is not None:
                future.set_result(0)
            return
        self._queue.put((op, future))

    def _run(self) -> None:
        conn = self._open()
        while True:
            batch: list[tuple[Op, Future | None]] = []
            stop = False
            try:
                item = self._queue.get(timeout=max(1.0, self._purged_at + DAY - self.clock()))
            except queue.Empty:  # a quiet day: only the purge below
                item = None
            else:
                stop = item is None
            if item is not None:
                batch.append(item)
            while not stop and len(batch) < BATCH:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stop = True
                else:
                    batch.append(more)
            self._write(conn, batch)
            if conn is not None and self.clock() >= self._purged_at + DAY:
                self._purge(conn)
            if stop:
                if conn is not None:
                    conn.close()
                return

    def _open(self) -> sqlite3.Connection | None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._salt = _read_salt(salt_path(self.path))
            conn = connect(self.path, busy_ms=self.busy_ms)
            migrate(conn)
        except (OSError, ValueError, sqlite3.Error) as err:
            self.enabled = False
            log.warning("questions are not recorded: cannot open %s (%s)", self.path, err)
            return None
        self._purge(conn)
        return conn

    def _write(self, conn: sqlite3.Connection | None, batch: list[tuple[Op, Future | None]]) -> None:
        if not batch:
            return
        results: list[Any] = []
        error: Exception | None = None
        if conn is not None:
            try:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    results = [op(conn) for op, _ in batch]
                    conn.execute("COMMIT")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
            except sqlite3.Error as err:
                error = err
                self._log_failure(f"cannot write to {self.path} ({err}); {len(batch)} writes dropped")
            else:
                if self._failing:
                    log.warning("recording questions again in %s", self.path)
                    self._failing = None
        for i, (_, future) in enumerate(batch):
            if future is None:
                continue
            if error is not None:
                future.set_exception(error)
            else:
                value = results[i] if i < len(results) else 0
                future.set_result(value if isinstance(value, int) else 0)

    def _log_failure(self, message: str) -> None:
        kind = message.split(";")[0]
        if self._failing != kind:
            log.warning("questions are not recorded: %s", message)
            self._failing = kind

    def _insert(self, conn: sqlite3.Connection, q: _Question) -> int:
        conn.execute(_INSERT, (q.qid, q.ts, q.channel, self.hash_id("user", q.user_id),
                               self.hash_id("chat", q.chat_id), q.question, q.park, int(q.found), q.reason,
                               q.confidence, q.hits, q.answer, round(q.latency_ms, 3), self.corpus,
                               date.fromtimestamp(q.ts).toordinal()))
        return 1

    @staticmethod
    def _forget(conn: sqlite3.Connection, user_hash: str | None) -> int:
        gone = conn.execute("DELETE FROM votes WHERE user_hash = ? OR question_id IN "
                            "(SELECT id FROM questions WHERE user_hash = ?)", (user_hash, user_hash)).rowcount
        return gone + conn.execute("DELETE FROM questions WHERE user_hash = ?", (user_hash,)).rowcount

    def _purge(self, conn: sqlite3.Connection) -> None:
        """Delete what is older than the retention period (on start, then daily)."""
        self._purged_at = self.clock()
        cutoff = self._purged_at - self.retention_days * DAY
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("DELETE FROM votes WHERE question_id IN (SELECT id FROM questions WHERE ts < ?)", (cutoff,))
            gone = conn.execute("DELETE FROM questions WHERE ts < ?", (cutoff,)).rowcount
            conn.execute("COMMIT")
        except sqlite3.Error as err:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            self._log_failure(f"cannot delete old records ({err})")
            return
        if gone:
            log.info("deleted %d questions older than %d days", gone, self.retention_days)
