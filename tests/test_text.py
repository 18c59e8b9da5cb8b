"""Text normalisation: what the build, the index and the questions agree on."""

from __future__ import annotations

import time

from bot.index import bigrams
from bot.text import (
    MAX_QUESTION,
    arabic_numerals,
    asked,
    clean_line,
    fold_width,
    normalize_query,
    pair_quotes,
    split_sentences,
    strip_controls,
)


def test_line_wrap_spaces_between_chinese_characters_are_removed():
    assert clean_line("昆山高新区在工业和信息 化部公布的2024年国家高 新区结果中位列第31 名") == (
        "昆山高新区在工业和信息化部公布的2024年国家高新区结果中位列第31名")


def test_spaces_between_latin_words_stay():
    assert "健康中国 and 全民健身" in clean_line("健康中国 and 全民健身")


def test_ascii_punctuation_in_chinese_becomes_full_width_but_decimals_stay():
    assert clean_line("授信额度13.7 亿元,服务:近百项") == "授信额度13.7亿元，服务：近百项"


def test_straight_quotes_pair_into_chinese_quotes():
    assert pair_quotes('实现"八连升",打响"核酸青甜"品牌') == "实现“八连升”,打响“核酸青甜”品牌"


def test_full_width_digits_fold_to_ascii():
    assert fold_width("６０５家") == "605家"


def test_question_in_traditional_characters_becomes_simplified():
    assert normalize_query("蘭州新區有多少名黨員？") == "兰州新区有多少名党员?"


def test_sentences_split_at_end_marks_and_keep_closing_quotes():
    assert split_sentences("党建强则发展强。组织兴则事业兴！") == ["党建强则发展强。", "组织兴则事业兴！"]


def test_mark_inside_a_quotation_does_not_end_the_sentence():
    text = "“这是移动党群服务中心！进来歇歇脚。”牧民说。"
    assert split_sentences(text) == ["“这是移动党群服务中心！进来歇歇脚。”", "牧民说。"]


def test_small_chinese_numbers_before_a_measure_word_become_digits():
    assert arabic_numerals("四大主导产业用了一年，二十三家企业") == "4大主导产业用了1年，23家企业"


def test_ordinals_and_fixed_phrases_keep_their_numerals():
    assert arabic_numerals("第一个“1”是一把手工程") == "第一个“1”是一把手工程"


def test_character_pairs_cover_each_chinese_run():
    assert bigrams("年产生鲜乳 4万吨") == ["年产", "产生", "生鲜", "鲜乳", "万吨", "4"]


def test_character_pairs_keep_each_number_whole_so_figures_tell_reports_apart():
    assert "1732" in bigrams("现有党员1732名") and "13.7" in bigrams("营收13.7亿元")


def test_control_characters_escape_sequences_and_undecodable_bytes_are_removed():
    assert strip_controls("兰州\x1b[D新区\x00有\ufffd多少\u200b党员\x07？") == "兰州新区有多少党员？"


def test_line_breaks_and_tabs_survive_control_character_removal():
    assert strip_controls("第一行\n\t第二行\r\n") == "第一行\n\t第二行\r\n"


def test_a_short_message_is_asked_whole_without_its_control_characters():
    result = asked("  兰州新区有多少党支部\x1b[D？ ")
    assert (result.text, result.kept) == ("兰州新区有多少党支部？", "all")


def test_a_long_paste_ending_with_a_question_is_asked_by_that_question():
    paste = "兰州新区坚持党建引领，推动产业发展。" * 50 + "兰州高新区有多少家高新技术企业？"
    result = asked(paste)
    assert result.text == "兰州高新区有多少家高新技术企业？"
    assert (result.kept, result.length) == ("last_question", len(paste))


def test_a_long_paste_without_a_question_is_asked_by_its_start():
    paste = "兰州新区坚持党建引领，推动产业发展。" * 50
    result = asked(paste)
    assert result.text == paste[:MAX_QUESTION] and result.kept == "start"


def test_a_very_long_message_without_punctuation_is_read_in_linear_time():
    started = time.perf_counter()
    result = asked("兰州高新区" * 8_000)
    assert time.perf_counter() - started < 0.5
    assert result.kept == "start"
