"""jieba's dictionary kept in a file and read a few words at a time, so a fresh process need not load it.

rjieba loads jieba's 349,046 words in 0.09 s, a quarter of a whole `python -m bot ask`. Yet jieba
cuts a text by two things only: the dictionary words that occur in it (every route it weighs is made
of them) and the sum of all the counts (each word's weight is its count over that sum). So a cutter
holding just the words of the texts it has seen, and the same sum, cuts those texts exactly as the
whole dictionary does (bot/tokens.py, `LazyJieba`). The words live in SQLite, one file per version
of jieba's dictionary file, made once per machine (1.4 s, like jieba's own cache; bot/cache.py),
and a question's words are found in it in well under a millisecond. Like jieba's own table, it
also lists every beginning of a word, so a text's pieces are looked up one length at a time and
only where a word can still be going on (a 500-character paste: 800 pieces, not 7,500).
"""

from __future__ import annotations

import importlib.util
import sqlite3
import threading
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from bot.cache import CACHE_DIR, kept, key_of, write_sqlite

FORMAT = 2  # of the file below; a new format makes a new file
_BATCH = 900  # words per query, under SQLite's smallest limit on bound parameters (999)


def jieba_dict() -> Path:
    """jieba's dict.txt, found without importing jieba (0.07 s more, for a path)."""
    spec = importlib.util.find_spec("jieba")
    if spec and spec.submodule_search_locations:
        return Path(spec.submodule_search_locations[0]) / "dict.txt"
    import jieba  # another layout: the import still knows

    return Path(jieba.__file__).parent / "dict.txt"


def read_counts(path: Path) -> dict[str, int]:
    """word → count, a later line winning as it does when jieba and rjieba load the file."""
    counts: dict[str, int] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        word, freq, *_ = line.split(" ")
        counts[word] = int(freq)
    return counts


class Dictionary:
    """jieba's words and counts, looked up in a file instead of held in memory."""

    def __init__(self, path: Path):
        self.path = path
        # One connection shared by the threads answering questions, one query at a time.
        self.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self.lock = threading.Lock()
        meta = dict(self.db.execute("SELECT key, value FROM meta"))
        self.total = int(meta["total"])  # the sum of every count, which each word's weight is divided by

    def entries(self, pieces: Iterable[str]) -> list[tuple[str, int | None, int]]:
        """(piece, count or None if no word, 1 if a longer word begins with it) for the pieces listed."""
        pieces = list(pieces)
        found: list[tuple[str, int | None, int]] = []
        with self.lock:
            for i in range(0, len(pieces), _BATCH):
                batch = pieces[i:i + _BATCH]
                found += self.db.execute(
                    f"SELECT word, freq, prefix FROM words WHERE word IN ({','.join('?' * len(batch))})", batch)
        return found

    def counts(self, words: Iterable[str]) -> dict[str, int]:
        """The counts of those of `words` that are in the dictionary."""
        return {word: count for word, count, _ in self.entries(words) if count is not None}

    @classmethod
    def write(cls, source: Path, path: Path) -> None:
        """Write the file from jieba's dict.txt."""
        counts = read_counts(source)
        beginnings = {word[:k] for word in counts for k in range(1, len(word))}
        rows = [(word, counts.get(word), int(word in beginnings)) for word in sorted(counts.keys() | beginnings)]

        def fill(db: sqlite3.Connection) -> None:
            db.execute("CREATE TABLE words (word TEXT PRIMARY KEY, freq INTEGER, prefix INTEGER NOT NULL) "
                       "WITHOUT ROWID")  # freq NULL: only the beginning of longer words
            db.executemany("INSERT INTO words VALUES (?, ?, ?)", rows)
            db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            db.executemany("INSERT INTO meta VALUES (?, ?)", [("total", str(sum(counts.values()))),
                                                              ("source", str(source))])

        write_sqlite(path, fill)


@lru_cache(maxsize=1)
def dictionary(cache_dir: Path = CACHE_DIR) -> Dictionary | None:
    """jieba's dictionary in its file, written first if there is none; None if it cannot be had (then the
    whole dictionary is loaded, as before: slower to start, the same cuts)."""
    try:
        source = jieba_dict()
        key = key_of(FORMAT, source)
    except OSError:  # no dict.txt to copy
        return None
    return kept("jieba", key, lambda path: Dictionary.write(source, path), Dictionary, cache_dir)
