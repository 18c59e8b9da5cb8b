"""pypinyin's readings kept in a file, so the first word checked by sound need not import pypinyin.

Importing pypinyin reads its tables (47,111 phrases, 41,923 characters) and indexes the phrases:
0.15 s, a third of the first question with an unseen word. For a word of Chinese characters,
`lazy_pinyin` depends only on the dictionary phrases inside the word (it cuts the word into the
longest ones, left to right, a character alone where none fits) and on the reading of each piece.
So every phrase, every beginning of one and every character is written once per machine, with its
reading as `lazy_pinyin` itself gives it (1.5 s), to SQLite in the project's `.cache/` (bot/cache.py); a word is
then read with one query and cut the same way. Anything else (a character outside U+4E00–U+9FFF or
without a reading, no file) is read by pypinyin itself. tests/test_pinyin.py checks the two agree.
"""

from __future__ import annotations

import importlib.util
import re
import sqlite3
import threading
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from bot.cache import CACHE_DIR, kept, key_of, write_sqlite

FORMAT = 1  # of the file below; a new format makes a new file
_HAN_WORD = re.compile(r"^[\u4e00-\u9fff]+$")  # what the file covers; pypinyin reads any other text


def pypinyin_sound(word: str) -> tuple[str, ...]:
    from pypinyin import lazy_pinyin  # 0.15 s to import its tables

    return tuple(lazy_pinyin(word))


def _in_range(text: str) -> bool:
    return bool(_HAN_WORD.match(text))


class Readings:
    """The phrases, their beginnings and the characters, with their readings, looked up in a file."""

    def __init__(self, path: Path):
        # One connection shared by the threads answering questions, one query at a time.
        self.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        self.lock = threading.Lock()
        self.db.execute("SELECT text FROM readings LIMIT 1").fetchall()  # a damaged file fails here, not later

    def sound(self, word: str) -> tuple[str, ...] | None:
        """`lazy_pinyin(word)` for a word of characters U+4E00–U+9FFF; None where the file cannot say."""
        pieces = {word[i:j] for i in range(len(word)) for j in range(i + 1, len(word) + 1)}
        with self.lock:
            rows = self.db.execute(f"SELECT text, reading, phrase, prefix FROM readings WHERE text IN "
                                   f"({','.join('?' * len(pieces))})", sorted(pieces)).fetchall()
        reading = {text: r for text, r, _, _ in rows}
        phrases = {text for text, _, phrase, _ in rows if phrase}
        prefixes = {text for text, _, _, prefix in rows if prefix}
        out: list[str] = []
        for piece in _cut(word, prefixes, phrases):
            if reading.get(piece) is None:  # a character without a reading: pypinyin says what it writes
                return None
            out += reading[piece].split(" ") if reading[piece] else []
        return tuple(out)

    @classmethod
    def write(cls, path: Path) -> None:
        """Write the file from pypinyin's tables."""
        from pypinyin.constants import PHRASES_DICT, PINYIN_DICT

        prefixes = {phrase[:k] for phrase in PHRASES_DICT for k in range(1, len(phrase) + 1)}
        chars = {chr(code) for code in PINYIN_DICT if 0x4E00 <= code <= 0x9FFF}
        rows = [(t, " ".join(pypinyin_sound(t)) if t in PHRASES_DICT or t in chars else None,
                 int(t in PHRASES_DICT), int(t in prefixes)) for t in sorted(prefixes | chars) if _in_range(t)]

        def fill(db: sqlite3.Connection) -> None:
            db.execute("CREATE TABLE readings (text TEXT PRIMARY KEY, reading TEXT, phrase INTEGER NOT NULL, "
                       "prefix INTEGER NOT NULL) WITHOUT ROWID")  # reading NULL: only a phrase's beginning
            db.executemany("INSERT INTO readings VALUES (?, ?, ?, ?)", rows)

        write_sqlite(path, fill)


def _cut(text: str, prefixes: set[str], phrases: set[str]) -> Iterator[str]:
    """pypinyin's cut (pypinyin.seg.mmseg.Seg.cut, as lazy_pinyin uses it: phrases only), over the given sets."""
    remain = text
    while remain:
        last_valid_word, last_valid_index = "", 0
        for index in range(len(remain)):
            word = remain[:index + 1]
            if word in prefixes:
                if word in phrases:
                    last_valid_word, last_valid_index = word, index + 1
            else:
                if last_valid_word:
                    yield last_valid_word
                    remain = remain[last_valid_index:]
                else:
                    yield remain[0]
                    remain = remain[1:]
                break
        else:
            if last_valid_word:
                yield last_valid_word
                remain = remain[last_valid_index:]
            else:
                yield from (remain if remain not in phrases else [remain])
                break


def _key() -> str | None:
    """Of pypinyin's table files: another version (or an edit) gets its own file."""
    spec = importlib.util.find_spec("pypinyin")
    if not spec or not spec.submodule_search_locations:
        return None
    folder = Path(spec.submodule_search_locations[0])
    return key_of(FORMAT, folder / "phrases_dict.json", folder / "pinyin_dict.json")


@lru_cache(maxsize=1)
def readings(cache_dir: Path = CACHE_DIR) -> Readings | None:
    """The readings file, written first if there is none; None if it cannot be had (pypinyin then reads
    every word: slower the first time, the same readings)."""
    try:
        key = _key()
    except OSError:  # pypinyin's tables are not where they were
        return None
    return kept("pinyin", key, Readings.write, Readings, cache_dir) if key else None


def sound(word: str, cache_dir: Path = CACHE_DIR) -> tuple[str, ...]:
    """`pypinyin.lazy_pinyin(word)` (toneless, one reading a character), from the file where it can say."""
    found = readings(cache_dir) if _in_range(word) else None
    heard = found.sound(word) if found else None
    return heard if heard is not None else pypinyin_sound(word)
