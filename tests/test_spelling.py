"""Homophone typos and pinyin place names in questions."""

from __future__ import annotations

from bot.engine import Engine
from bot.spelling import Speller


def speller(*terms: str) -> Speller:
    return Speller(lambda: terms, lambda t: 1.0)


def test_a_sound_alike_one_character_off_is_the_word_meant():
    assert speller("党员", "材料").correct("档员") == "党员"


def test_a_word_one_character_off_that_sounds_different_is_not_a_typo():
    assert speller("社会", "大会").correct("花会") is None


def test_a_typo_joined_to_its_neighbour_by_the_cut_is_found_inside_it():
    assert speller("党员").correct_within("档员有") == "党员"


def test_a_question_with_a_homophone_typo_is_answered_as_if_spelt_right(engine: Engine):
    typo, right = engine.ask("徐州高新区安科园党群服务中心帮企业解决了多少问提"), engine.ask(
        "徐州高新区安科园党群服务中心帮企业解决了多少问题")
    assert typo.found and right.found and typo.hits[0].text == right.hits[0].text


def test_a_park_typed_in_pinyin_is_that_park(engine: Engine):
    answer = engine.ask("lanzhou高新区有多少家高新技术企业")
    assert answer.found and answer.park == "兰州高新区"
