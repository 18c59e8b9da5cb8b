"""Homophone typos: 「流动档员」→「党员」, 「新才料」→「新材料」, 「问提」→「问题」.

Chinese is typed by sound, so the common slip is another character with the same
pinyin. A word no paragraph holds is looked up among the words the paragraphs do
hold that have its length, all but one of its characters in place, and the same
pinyin (tones aside). Only such a sound-alike counts: 「花会」 is 「花卉」, never
「社会」 or 「大会」. The lookup table is built on the first unseen word, so start-up pays
nothing, and the readings come from a file of pypinyin's (bot/pinyin.py), not its 0.15 s import.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import lru_cache

from bot import pinyin

_CJK_WORD = re.compile(r"^[\u4e00-\u9fff]{2,4}$")


@lru_cache(maxsize=65536)
def sound(word: str) -> tuple[str, ...]:
    """pypinyin's toneless reading, from its tables kept in a file (bot/pinyin.py): no 0.15 s import.
    Remembered: the same held words are heard again for every typo that resembles them."""
    return pinyin.sound(word)


class Speller:
    def __init__(self, terms: Callable[[], Iterable[str]], weight: Callable[[str], float]):
        self._terms = terms
        self._weight = weight  # how telling a term is; the rarer of two sound-alikes is the likelier word
        self._by_place: dict[tuple[int, int, str], list[str]] | None = None

    def _table(self) -> dict[tuple[int, int, str], list[str]]:
        """(length, position, character) → the terms with that character there."""
        if self._by_place is None:
            table: dict[tuple[int, int, str], list[str]] = defaultdict(list)
            for term in self._terms():
                if _CJK_WORD.match(term):
                    for i, ch in enumerate(term):
                        table[len(term), i, ch].append(term)
            self._by_place = dict(table)
        return self._by_place

    def correct(self, word: str) -> str | None:
        """The held word that sounds like `word` and differs in one character, or None."""
        if not _CJK_WORD.match(word):
            return None
        table = self._table()
        near = {t for i, ch in enumerate(word) for t in table.get((len(word), i, ch), [])
                if sum(a != b for a, b in zip(t, word, strict=True)) == 1}
        if not near:
            return None
        heard = sound(word)
        alike = sorted((t for t in near if sound(t) == heard), key=lambda t: (-self._weight(t), t))
        return alike[0] if alike else None

    def correct_within(self, word: str) -> str | None:
        """A typo inside a word jieba joined to its neighbour (「档员有」 → 「党员」): its longest part that fixes."""
        for size in range(len(word), 1, -1):
            for start in range(len(word) - size + 1):
                fixed = self.correct(word[start:start + size])
                if fixed:
                    return fixed
        return None
