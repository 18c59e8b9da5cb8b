"""The .cache/ files: made once, reopened after, made again when damaged, never in another's way."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.cache import kept, key_of, write_sqlite


def make(calls: list[Path]):
    def write(path: Path) -> None:
        calls.append(path)
        write_sqlite(path, lambda db: db.execute("CREATE TABLE t (x INTEGER)"))
    return write


def open_(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    db.execute("SELECT x FROM t").fetchall()  # a damaged file fails here
    return db


def test_a_file_is_made_once_and_then_opened(tmp_path):
    calls: list[Path] = []
    assert kept("kind", "k1", make(calls), open_, tmp_path) is not None
    assert kept("kind", "k1", make(calls), open_, tmp_path) is not None
    assert calls == [tmp_path / "kind-k1.sqlite"]


def test_a_damaged_file_is_made_again(tmp_path):
    calls: list[Path] = []
    (tmp_path / "kind-k1.sqlite").write_bytes(b"not a database")
    assert kept("kind", "k1", make(calls), open_, tmp_path) is not None
    assert len(calls) == 1


def test_another_keys_file_stays(tmp_path):
    calls: list[Path] = []
    kept("kind", "k1", make(calls), open_, tmp_path)
    kept("kind", "k2", make(calls), open_, tmp_path)
    assert sorted(p.name for p in tmp_path.glob("kind-*.sqlite")) == ["kind-k1.sqlite", "kind-k2.sqlite"]


def test_a_cache_that_cannot_be_written_gives_nothing_and_leaves_no_file(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("a file where the folder should be")
    assert kept("kind", "k1", make([]), open_, blocked / "cache") is None
    assert list(tmp_path.glob("**/*.tmp")) == []


def test_the_key_changes_with_the_source_file(tmp_path):
    source = tmp_path / "dict.txt"
    source.write_text("a 1 n\n")
    before = key_of(1, source)
    source.write_text("a 1 n\nb 2 n\n")
    assert key_of(1, source) != before and key_of(2, source) != key_of(1, source)
