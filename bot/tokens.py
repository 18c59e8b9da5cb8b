"""Cutting Chinese text into words: jieba with the domain dictionary and the stop words.

The cutting itself is done by rjieba (jieba-rs: jieba's algorithm and dictionary in
Rust), about 19× faster than jieba's Python and 0.2 s to load its dictionary against
jieba's 0.5–2 s. It cuts every paragraph and every own/dev/chat question exactly as
jieba does (tests/test_tokens_parity.py keeps jieba as the reference); they differ only
on Latin words joined by 「-」「_」「.」 (jieba: high / - / tech; rjieba: high-tech).
A fresh process does not load the dictionary at all: `LazyJieba` looks up the words
of each text in a file (bot/dictionary.py) and cuts it exactly as the whole would.

One `Tokenizer` serves the index, the questions, the park registry and the
statistics, so every part cuts text the same way. Text is normalised by
`normalize` before cutting, and so is every dictionary entry (bot/lexicon.py):
an entry 「两个覆盖」 must match text that reads 「2个覆盖」 once normalised.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import logging
import re
import sqlite3
import threading
from collections.abc import Callable, Iterable
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, Protocol, TypeVar

from bot.dictionary import Dictionary, dictionary, jieba_dict, read_counts
from bot.text import arabic_numerals, fold_width

log = logging.getLogger(__name__)
T = TypeVar("T")
_TOKEN_OK = re.compile(r"[\u4e00-\u9fff0-9a-z]")


def normalize(text: str) -> str:
    """Text as it is cut: full-width folded, small Chinese numbers as digits, lower case."""
    return arabic_numerals(fold_width(text)).lower()


class Cutter(Protocol):
    version: str

    def cut(self, text: str) -> list[str]: ...

    def cut_for_search(self, text: str) -> list[str]: ...

    def has_word(self, word: str) -> bool: ...


class RJieba:
    """jieba-rs through rjieba: the cutter in use."""

    def __init__(self, words: Iterable[tuple[str, int | None]]):
        self.jieba = _rjieba_class()()
        for word, freq in words:
            self.jieba.add_word(word, freq, None)
        self.version = f"rjieba {_version('rjieba')}"

    def cut(self, text: str) -> list[str]:
        return self.jieba.cut(text)

    def cut_for_search(self, text: str) -> list[str]:
        return self.jieba.cut_for_search(text)

    def has_word(self, word: str) -> bool:
        return self.jieba.has_word(word)


class LazyJieba:
    """jieba-rs holding only the dictionary words found in the texts it has cut: the same cuts as `RJieba`
    without loading the whole dictionary first (bot/dictionary.py says why that holds).

    Every text's pieces are looked up before it is cut; a stand-in word, which no text can contain, carries
    the rest of the dictionary's count so the sum stays that of the whole. Looking up costs about a
    microsecond a character, loading the whole dictionary 0.1 s: after `budget` characters of new text (a
    few hundred questions, or the first hundred paragraphs of a build) the whole dictionary is loaded after
    all, once, and from then on a cut costs no lookup; what was remembered is dropped.
    """

    FILLER = "\n\n"  # jieba never weighs a word across a line break: no text holds this word

    def __init__(self, words: Iterable[tuple[str, int | None]], dictionary: Dictionary, budget: int = 20_000):
        self.words = list(words)
        self.dictionary = dictionary
        self.budget = budget
        self.spent = 0  # characters of the texts looked up
        self.version = f"rjieba {_version('rjieba')}"
        self.jieba = _rjieba_class().empty()
        self.full: RJieba | None = None
        self.held: dict[str, int] = {}  # every word the cutter holds, at its count (a domain word's may differ)
        self.looked_up: set[str] = set()
        self.beginnings: set[str] = set()  # pieces looked up that longer words begin with
        self.texts: set[str] = set()  # whose pieces are all looked up
        self.others = dictionary.total  # the count of the words not held: the stand-in's
        self.lock = threading.Lock()  # the threads answering questions share the cutter
        with self.lock:
            self.jieba.add_word(self.FILLER, self.others, None)
            # The dictionary words inside every domain word, looked up at once (a word's count is suggested
            # from the words inside it and the sum, so holding more changes none), then the domain words in
            # order, as RJieba adds them: a word's count may depend on earlier ones.
            self._hold("\n".join(word for word, _ in self.words))
            for word, freq in self.words:
                self.held[word] = self.jieba.add_word(word, freq, None)
            self.texts.clear()
            self.spent = 0

    def _put(self, word: str, count: int) -> None:
        self.jieba.add_word(word, count, None)
        self.held[word] = count
        self.others -= count

    def _hold(self, text: str) -> None:
        """Hold every dictionary word that occurs in `text`, keeping the dictionary's sum.

        Pieces are looked up one length at a time, a longer one only where a word begins with the shorter."""
        if text in self.texts:  # a question is cut several ways: its pieces are looked up once
            return
        self.spent += len(text)
        going = [(run, start) for run in text.split() for start in range(len(run))]
        length, held = 1, len(self.held)
        while going:
            pieces = {run[start:start + length] for run, start in going} - self.looked_up
            for piece, count, prefix in self.dictionary.entries(pieces):
                if count is not None and piece not in self.held:  # a domain word keeps the count it was given
                    self._put(piece, count)
                if prefix:
                    self.beginnings.add(piece)
            self.looked_up |= pieces
            going = [(run, start) for run, start in going
                     if start + length < len(run) and run[start:start + length] in self.beginnings]
            length += 1
        if len(self.held) > held:
            self.jieba.add_word(self.FILLER, self.others, None)
        self.texts.add(text)

    def _ready(self, text: str) -> RJieba | None:
        """The whole dictionary once it is loaded; else `text`'s words are held (the lock is held by the caller)."""
        if self.full is None:
            try:
                self._hold(text)
                spent = self.spent > self.budget
            except sqlite3.Error as err:  # the file went bad under us: the whole dictionary, as before
                log.warning("jieba dictionary file unreadable (%s); loading the whole dictionary", err)
                spent = True
            if spent:
                self.full = RJieba(self.words)
                self.looked_up, self.held, self.texts, self.beginnings = set(), {}, set(), set()
        return self.full

    def _apply(self, text: str, call: Callable[[Any], T]) -> T:
        """`call` on the whole dictionary's cutter once loaded; else on this one, `text`'s words held first and
        under the lock (another thread may be adding words)."""
        full = self.full
        if full is None:
            with self.lock:
                full = self._ready(text)
                if full is None:
                    return call(self.jieba)
        return call(full)

    def cut(self, text: str) -> list[str]:
        return self._apply(text, lambda jieba: jieba.cut(text))

    def cut_for_search(self, text: str) -> list[str]:
        return self._apply(text, lambda jieba: jieba.cut_for_search(text))

    def has_word(self, word: str) -> bool:
        return self._apply(word, lambda jieba: jieba.has_word(word))


class PyJieba:
    """jieba itself: the reference rjieba's cuts are checked against."""

    def __init__(self, words: Iterable[tuple[str, int | None]]):
        import jieba

        jieba.setLogLevel(logging.WARNING)  # its dictionary-loading chatter is not for users of the console chat
        self.jieba = jieba.Tokenizer()
        self.jieba.initialize()
        for word, freq in words:
            # jieba adds a re-added word's new count to the total without taking its old count off; jieba-rs
            # takes it off, and so does this reference, so the two are compared on cutting, not bookkeeping.
            old = self.jieba.FREQ.get(word, 0)
            self.jieba.add_word(word, freq=freq)
            self.jieba.total -= old
        self.version = f"jieba {jieba.__version__}"

    def cut(self, text: str) -> list[str]:
        return list(self.jieba.cut(text))

    def cut_for_search(self, text: str) -> list[str]:
        return list(self.jieba.cut_for_search(text))

    def has_word(self, word: str) -> bool:
        return bool(self.jieba.FREQ.get(word))


@lru_cache(maxsize=1)
def general_counts() -> tuple[dict[str, int], int]:
    """jieba's own dictionary counts, read whole (0.15 s) only when its file in .cache/ cannot be had."""
    counts = read_counts(jieba_dict())
    return counts, sum(counts.values()) or 1


@lru_cache(maxsize=65536)
def _frequency(word: str) -> float:
    """Remembered: a question asks it of each of its words, from the file (or the whole file read)."""
    kept = dictionary()
    if kept is not None:
        return kept.counts([word]).get(word, 0) / kept.total
    counts, total = general_counts()
    return counts.get(word, 0) / total


@cache
def _rjieba_class() -> Any:
    """rjieba's `Jieba`, loaded from its extension module without running the package's __init__.

    That __init__ builds a module-level default instance we never use, loading the
    whole dictionary a second time (0.12-0.15 s of every start).
    """
    spec = importlib.util.find_spec("rjieba")
    locations = spec.submodule_search_locations if spec else None
    binary = next(Path(locations[0]).glob("rjieba*.so"), None) if locations else None
    if binary is None:  # another layout: the plain import still works
        import rjieba

        return rjieba.Jieba
    loader = importlib.machinery.ExtensionFileLoader("rjieba.rjieba", str(binary))
    module = importlib.util.module_from_spec(importlib.machinery.ModuleSpec("rjieba.rjieba", loader,
                                                                            origin=str(binary)))
    loader.exec_module(module)
    return module.Jieba


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)


class Tokenizer:
    """jieba's cutting (by rjieba, or jieba itself with `reference`) with the domain dictionary and stop words."""

    def __init__(self, words: Iterable[tuple[str, int | None]] = (), stopwords: Iterable[str] = (),
                 search_mode: bool = True, reference: bool = False, lazy: bool = True):
        """`lazy`: look dictionary words up as texts need them (bot/dictionary.py) rather than load them all."""
        words = list(words)
        kept = None if reference or not lazy else dictionary()
        self.cutter: Cutter = PyJieba(words) if reference else LazyJieba(words, kept) if kept else RJieba(words)
        self.stopwords = frozenset(stopwords)
        self.search_mode = search_mode

    @property
    def version(self) -> str:
        """The cutter's name and version: its cuts, hence any index built from them, may change with it."""
        return f"{self.cutter.version} {'search' if self.search_mode else 'precise'}"

    def __call__(self, text: str) -> list[str]:
        """Index terms: search mode adds a long word's parts (「产业链党委」 → 产业链, 党委, 产业链党委)."""
        text = normalize(text)
        cut = self.cutter.cut_for_search(text) if self.search_mode else self.cutter.cut(text)
        return [t for t in cut if _TOKEN_OK.search(t) and t not in self.stopwords]

    def words(self, text: str, keep_stopwords: bool = False) -> list[str]:
        """Whole words (precise mode), the units a question's meaning is counted in."""
        cut = self.cutter.cut(normalize(text))
        return [t for t in cut if keep_stopwords or (_TOKEN_OK.search(t) and t not in self.stopwords)]

    def cut(self, text: str) -> list[str]:
        """jieba's precise cut of the text as written, for reading names (「请问南宁高新区」)."""
        return self.cutter.cut(text)

    def frequency(self, word: str) -> float:
        """How common a word is in general Chinese: its share of jieba's dictionary counts (0 if unknown)."""
        return _frequency(word)

    def is_word(self, word: str) -> bool:
        """In jieba's dictionary or ours: 「昆明」 is a word (a real city), 「泸洲」 is not (a typo of 泸州)."""
        return self.cutter.has_word(word)
