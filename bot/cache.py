"""Files made once per machine from the libraries' own data, so that a start need not load that data.

jieba's dictionary (bot/dictionary.py) and pypinyin's readings (bot/pinyin.py) are each copied
into a SQLite file in the project's `.cache/` (not in git) and looked up a few rows at a time.
A file is named for the library files it was made from, so another version of them gets a file
of its own; it is written whole or not at all (a temporary file renamed), made again if it
cannot be read, and where none can be had the caller falls back to the library itself.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

log = logging.getLogger(__name__)

CACHE_DIR = Path(__file__).resolve().parent.parent / ".cache"
T = TypeVar("T")


def key_of(version: int, *sources: Path) -> str:
    """A short hash of the file format's version and of each source file's path, size and time."""
    parts = [str(version)] + [f"{f} {f.stat().st_size} {f.stat().st_mtime_ns}" for f in sources]
    return hashlib.sha256(" ".join(parts).encode()).hexdigest()[:16]


def write_sqlite(path: Path, fill: Callable[[sqlite3.Connection], None]) -> None:
    """A SQLite file written by `fill`, whole or not at all, readable by a bot run under another account."""
    path.parent.mkdir(parents=True, exist_ok=True)  # first: a folder that cannot be had fails at once
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    os.close(fd)
    os.chmod(tmp, 0o644)
    try:
        with sqlite3.connect(tmp) as db:
            db.execute("PRAGMA journal_mode = OFF")  # a temporary file, renamed only once whole
            fill(db)
        db.close()
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def kept(kind: str, key: str, make: Callable[[Path], None], open_: Callable[[Path], T],
         cache_dir: Path = CACHE_DIR) -> T | None:
    """`kind-key.sqlite` opened, made first if missing or unreadable; None if it cannot be had. Files of other
    keys stay: two environments of one checkout (the key holds the library's path) would otherwise remove
    each other's at every start. `.cache/` can be deleted at any time."""
    path = cache_dir / f"{kind}-{key}.sqlite"
    try:
        if path.exists():
            try:
                return open_(path)
            except (sqlite3.Error, KeyError, ValueError) as err:  # damaged: made again below
                log.warning("%s is unreadable (%s); writing it again", path, err)
        log.info("writing %s (once per machine)", path)
        make(path)
        return open_(path)
    except (OSError, sqlite3.Error, KeyError, ValueError) as err:
        log.warning("%s file in %s unavailable (%s); the library's own data is read instead", kind, cache_dir, err)
        return None
