"""pypinyin's readings from the file (bot/pinyin.py) are pypinyin's own, word for word."""

from __future__ import annotations

import random
import re

import pytest
from pypinyin import lazy_pinyin
from pypinyin.constants import PHRASES_DICT

from bot import pinyin
from bot.pinyin import Readings, readings
from tests.test_tokens_parity import texts


@pytest.fixture(scope="module")
def kept() -> Readings:
    found = readings()
    assert found is not None, "the pinyin file could not be made in .cache/"
    return found


def heard_alike(words: set[str]) -> list[str]:
    """The words the file reads otherwise than pypinyin does (none should be)."""
    return [w for w in sorted(words) if pinyin.sound(w) != tuple(lazy_pinyin(w))]


def test_every_tenth_character_and_phrase_reads_as_pypinyin_reads_it(kept):
    chars = {chr(code) for code in range(0x4E00, 0xA000, 10)}
    phrases = set(sorted(PHRASES_DICT)[::10])
    assert len(phrases) > 4000 and not heard_alike(chars | phrases)


def test_words_made_across_phrases_are_cut_and_read_as_pypinyin_does(kept):
    """Where a phrase ends inside another (「一丁不识」+「不小心」 pieces): the cut, not only the lookup."""
    rnd = random.Random(3)
    short = [p for p in PHRASES_DICT if len(p) <= 4]
    words = set()
    for _ in range(4000):
        joined = rnd.choice(short) + rnd.choice(short)
        start = rnd.randrange(len(joined) - 1)
        words.add(joined[start:start + rnd.randint(2, 6)])
    assert not heard_alike(words)


def test_the_corpus_and_question_words_read_as_pypinyin_reads_them(kept):
    runs = {run for text in texts() for run in re.findall(r"[\u4e00-\u9fff]+", text)}
    words = {run[i:i + n] for run in runs for n in (2, 3, 4) for i in range(0, len(run) - n + 1, 3)}
    assert len(words) > 3000 and not heard_alike(words)


def test_a_character_without_a_reading_and_other_text_are_read_by_pypinyin(kept):
    assert kept.sound("兙") is None  # no reading in pypinyin's table: it writes the character itself
    for word in ("兙", "AI产业", "〇", ""):
        assert pinyin.sound(word) == tuple(lazy_pinyin(word))


def test_without_a_writable_cache_pypinyin_reads_every_word(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache folder should be")
    readings.cache_clear()
    try:
        assert readings(blocked / "cache") is None
        assert pinyin.sound("档员", blocked / "cache") == tuple(lazy_pinyin("档员")) == ("dang", "yuan")
    finally:
        readings.cache_clear()


def test_the_pinyin_file_lives_in_the_project_cache(kept):
    assert list(pinyin.CACHE_DIR.glob("pinyin-*.sqlite")) and pinyin.CACHE_DIR.name == ".cache"
