"""Cutting Chinese text into words: jieba with the domain dictionary and the stop words.

The cutting itself is done by rjieba (jieba-rs: jieba's algorithm and dictionary in
Rust), about 19× faster than jieba's Python and 0.2 s to load its dictionary against
jieba's 0.5–2 s. It cuts every paragraph and every own/dev/chat question exactly as
jieba does (tests/test_tokens_parity.py keeps jieba as the reference); they differ only
on Latin words joined by 「-」「_」「.」 (jieba: high / - / tech; rjieba: high-tech).

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
from collections.abc import Iterable
from functools import cache, lru_cache
from pathlib import Path
from typing import Protocol

from bot.text import arabic_numerals, fold_width

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


class PyJieba:
    """jieba itself: the reference rjieba's cuts are checked against."""

    def __init__(self, words: Iterable[tuple[str, int | None]]):
        import jieba

        jieba.setLogLevel(logging.WARNING)  # its dictionary-loading chatter is not for users of the console chat
        self.jieba = jieba.Tokenizer()
        self.jieba.initialize()
        for word, freq in words:
            self.jieba.add_word(word, freq=freq)
        self.version = f"jieba {jieba.__version__}"

    def cut(self, text: str) -> list[str]:
        return list(self.jieba.cut(text))

    def cut_for_search(self, text: str) -> list[str]:
        return list(self.jieba.cut_for_search(text))

    def has_word(self, word: str) -> bool:
        return bool(self.jieba.FREQ.get(word))


@lru_cache(maxsize=1)
def general_counts() -> tuple[dict[str, int], int]:
    """jieba's own dictionary counts (its dict.txt), read once when first needed (about 0.15 s).

    The file is found without importing jieba (0.07 s more, for a path)."""
    spec = importlib.util.find_spec("jieba")
    folder = Path(spec.submodule_search_locations[0]) if spec and spec.submodule_search_locations else None
    if folder is None:  # another layout: the import still knows
        import jieba

        folder = Path(jieba.__file__).parent
    counts: dict[str, int] = {}
    for line in (folder / "dict.txt").read_text(encoding="utf-8").splitlines():
        word, freq, _ = line.split(" ", 2)
        counts[word] = int(freq)
    return counts, sum(counts.values()) or 1


@cache
def _rjieba_class() -> type:
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
                 search_mode: bool = True, reference: bool = False):
        words = list(words)
        self.cutter: Cutter = PyJieba(words) if reference else RJieba(words)
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
        counts, total = general_counts()
        return counts.get(word, 0) / total

    def is_word(self, word: str) -> bool:
        """In jieba's dictionary or ours: 「昆明」 is a word (a real city), 「泸洲」 is not (a typo of 泸州)."""
        return self.cutter.has_word(word)
