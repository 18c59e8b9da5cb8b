"""Follow-ups in a conversation (console chat and `ask --context`): a question that continues the previous one
is answered in its context and says what it assumed; a question that stands alone is never bent."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from bot.cli import chat_replies, main
from bot.engine import Engine
from bot.followup import Context, FollowupWords, follow, within

from .conftest import CORPUS

HIGH_TECH = "兰州高新区有多少家高新技术企业？"


def talk(engine: Engine, *lines: str, **kwargs) -> list[str]:
    """The console chat's replies to `lines`, one each."""
    return list(chat_replies(engine, lines, **kwargs))


def turns(engine: Engine, *questions: str):
    """The engine's answers to a conversation, each question read against the answer before it."""
    answers, context = [], None
    for question in questions:
        answer = engine.ask(question, 3, context)
        answers.append(answer)
        context = answer.context
    return answers


# -- a park named, nothing asked: the previous subject about that park --------------------------------


def test_that_park_then_asks_the_previous_subject_about_it_and_says_so(engine):
    first, second = talk(engine, HIGH_TECH, "那徐州呢？")
    assert "605家" in first
    assert second.startswith("（接上一问：徐州高新区 · 高新技术企业）")
    assert "请把问题说完整" not in second


def test_that_county_then_answers_from_the_county(engine):
    _, second = turns(engine, "兰州新区有多少党员", "那夏河呢？")
    assert second.found and second.assumed == "夏河县 · 党员"
    assert all(hit.park == "夏河县" for hit in second.hits)


def test_how_about_that_park_is_the_same_as_that_park_then(engine):
    _, second = turns(engine, HIGH_TECH, "那徐州咋样")
    assert second.assumed == "徐州高新区 · 高新技术企业"


def test_the_kind_of_park_alone_means_that_kind_in_the_same_city(engine):
    _, second = turns(engine, "兰州新区有多少党员", "那高新区呢")
    assert second.assumed == "兰州高新区 · 党员"
    assert second.hits and all(hit.park == "兰州高新区" for hit in second.hits)


def test_that_high_tech_zone_alone_is_no_unknown_park(engine):
    answer = engine.ask("那高新区呢")
    assert answer.reason != "not_covered" and answer.place != "那高新区"


def test_a_third_turn_keeps_the_subject_of_the_second(engine):
    _, second, third = turns(engine, HIGH_TECH, "那专精特新企业呢", "那徐州呢")
    assert "103家" in second.hits[0].excerpt
    assert third.assumed == "徐州高新区 · 专精特新企业"


def test_three_parks_in_turn_each_take_the_first_subject(engine):
    _, second, third = turns(engine, "兰州新区有多少党员", "那肃北呢", "那么夏河县呢")
    assert (second.assumed, third.assumed) == ("肃北县 · 党员", "夏河县 · 党员")
    assert third.found and third.hits[0].park == "夏河县"


# -- no park, a continuation: asked within the previous park ----------------------------------------


def test_it_asks_within_the_previous_park(engine):
    _, second = turns(engine, "兰州高新区有哪些产业链", "它有多少家高企")
    assert second.assumed == "兰州高新区 · 高企"
    assert "605家" in second.hits[0].excerpt


def test_two_continuation_words_in_a_row_are_both_dropped(engine):
    _, second = turns(engine, HIGH_TECH, "那它的专精特新企业有多少家")
    assert second.assumed == "兰州高新区 · 专精特新企业"
    assert "103家" in second.hits[0].excerpt


def test_that_thing_then_asks_the_previous_question_about_the_thing(engine):
    first, second = talk(engine, HIGH_TECH, "那专精特新企业呢")
    assert second.startswith("（接上一问：兰州高新区 · 专精特新企业）")
    assert "103家" in second


def test_a_short_question_without_its_subject_is_about_the_park_just_named(engine):
    first, second = turns(engine, "徐州高新区", "有多少家高新技术企业")
    assert first.reason == "only_park"
    assert second.assumed == "徐州高新区 · 高新技术企业" and second.park == "徐州高新区"


def test_among_them_asks_within_the_previous_park(engine):
    _, _, third = turns(engine, HIGH_TECH, "那专精特新企业呢", "其中有多少党员")
    assert third.assumed == "兰州高新区 · 党员"
    assert all(hit.park == "兰州高新区" for hit in third.hits)


def test_a_follow_up_of_a_place_not_covered_stays_not_covered(engine):
    first, second = turns(engine, "杭州高新区有多少党员", "它有多少家高企")
    assert first.reason == second.reason == "not_covered"
    assert second.place == "杭州高新区"


# -- more ----------------------------------------------------------------------------------------------


def test_more_gives_the_previous_questions_next_results(engine):
    first, second, third = turns(engine, "兰州高新区党建工作有哪些做法", "还有呢", "还有呢")
    assert [h.rank for h in first.hits] == [1, 2, 3]
    assert [h.rank for h in second.hits] == [4, 5, 6]
    assert third.hits and third.hits[0].rank == 7
    shown = [(h.article_id, h.paragraph) for a in (first, second, third) for h in a.hits]
    assert len(shown) == len(set(shown))


def test_more_after_the_last_result_says_there_is_no_more(engine):
    replies = talk(engine, "徐州高新区有多少家高新技术企业", "还有呢")
    assert "没有更多结果" in replies[1]


# -- standing alone ------------------------------------------------------------------------------------


def test_a_question_naming_a_park_and_asking_stands_alone(engine):
    _, second = turns(engine, "兰州新区有多少党员", "徐州高新区有哪些产业")
    assert second.assumed == "" and second.park == "徐州高新区"


def test_a_question_without_park_or_continuation_word_stands_alone(engine):
    _, second = turns(engine, "兰州新区有多少党员", "“两个覆盖”是什么")
    assert second.assumed == ""
    assert second.hits[0].park == "兰州高新区"


def test_an_unknown_park_after_a_question_is_not_covered_not_bent(engine):
    _, second = turns(engine, HIGH_TECH, "那杭州高新区呢")
    assert second.reason == "not_covered" and second.assumed == ""


def test_a_word_that_only_starts_like_a_continuation_word_does_not_continue(engine):
    previous = engine.ask(HIGH_TECH).context
    query = engine._analyse("其他园区有多少家高新技术企业")
    assert follow(query, previous, engine.lexicon.followup, engine.tokenize.cut, engine.registry) is None


def test_after_a_park_alone_the_next_question_is_about_that_park(engine):
    _, second = turns(engine, "贵阳高新区", "党组织书记怎么选")  # the bot asked what about 贵阳高新区
    assert second.found and second.hits[0].park == "贵阳高新区"
    assert "贵阳高新区" in second.assumed


def test_a_short_question_opening_with_what_there_is_asks_about_the_park_just_named(engine):
    _, second = turns(engine, "肃北县牧民咋办事", "有哪些服务")
    assert second.found and second.hits[0].park == "肃北县" and "肃北县" in second.assumed


def test_a_question_finding_nothing_alone_is_then_asked_in_the_park_and_about_the_subject_talked_about(engine):
    previous = engine.ask("泸州高新区怎么搞产业链党建的").context
    query = engine._analyse("效果咋样")
    assert within(query, previous) == ("泸州国家高新区效果怎么样", "泸州国家高新区产业链党建效果怎么样")


def test_a_question_naming_a_place_is_never_asked_in_the_previous_park(engine):
    previous = engine.ask("泸州高新区怎么搞产业链党建的").context
    assert within(engine._analyse("徐州高新区效果咋样"), previous) == ()
    assert within(engine._analyse("杭州高新区效果咋样"), previous) == ()  # a park the articles lack


def test_a_question_found_nowhere_is_not_answered_by_what_the_previous_question_brought(engine):
    _, second = turns(engine, HIGH_TECH, "明天会下雨吗")  # 兰州高新区高新技术企业明天会下雨吗 matches 兰州's figure
    assert second.reason == "not_found" and second.assumed == ""


def test_the_same_question_alone_is_only_a_park_name(engine):
    assert engine.ask("那徐州呢？").reason == "only_park"


# -- how long a conversation lasts ---------------------------------------------------------------------


def test_start_forgets_the_conversation(engine):
    replies = talk(engine, HIGH_TECH, "/start", "那徐州呢？")
    assert "接上一问" not in replies[2] and "请把问题说完整" in replies[2]


def test_the_conversation_is_forgotten_after_the_quiet_period(engine):
    clock = iter([0.0, 0.0, 601.0, 601.0])
    replies = talk(engine, HIGH_TECH, "那徐州呢？", quiet=600.0, clock=lambda: next(clock))
    assert "接上一问" not in replies[1]


def test_a_follow_up_within_the_quiet_period_continues(engine):
    clock = iter([0.0, 0.0, 599.0, 599.0])
    replies = talk(engine, HIGH_TECH, "那徐州呢？", quiet=600.0, clock=lambda: next(clock))
    assert "接上一问" in replies[1]


def test_a_quiet_period_of_zero_turns_follow_ups_off(engine):
    replies = talk(engine, HIGH_TECH, "那徐州呢？", quiet=0)
    assert "接上一问" not in replies[1]


# -- data and the command line -------------------------------------------------------------------------


def test_every_answer_carries_a_context_that_survives_json(engine):
    answer = engine.ask(HIGH_TECH)
    data = json.loads(json.dumps(answer.to_dict(), ensure_ascii=False))
    assert data["assumed"] == "" and data["context"]["parks"] == ["兰州高新区"]
    assert Context.from_dict(data["context"]) == answer.context


def test_a_malformed_context_is_refused():
    with pytest.raises(ValueError):
        Context.from_dict({"parks": "兰州高新区"})


def test_follow_up_words_are_read_from_the_corpus(engine):
    words = FollowupWords.load(CORPUS / "followup.toml")
    assert "那" in words.lead and "还有呢" in words.more and words == engine.lexicon.followup


@pytest.fixture
def cli(engine, clean_env):
    """`python -m bot …` in this process, with the session's engine."""
    clean_env.setattr(Engine, "load", classmethod(lambda cls, *a, **k: engine))

    def run(*argv: str) -> tuple[int, str]:
        out, old = io.StringIO(), sys.stdin
        sys.stdin = io.StringIO("")
        try:
            return main(list(argv), out), out.getvalue()
        finally:
            sys.stdin = old

    return run


def test_ask_with_the_previous_json_as_context_answers_the_follow_up(cli, tmp_path: Path):
    code, out = cli("ask", HIGH_TECH, "--json")
    (tmp_path / "turn1.json").write_text(out, encoding="utf-8")
    code, out = cli("ask", "那徐州呢？", "--context", str(tmp_path / "turn1.json"), "--json")
    data = json.loads(out)
    assert code == 0 and data["query"] == "那徐州呢？"
    assert data["assumed"] == "徐州高新区 · 高新技术企业"
    assert data["message"].startswith("（接上一问：徐州高新区 · 高新技术企业）")
    assert data["context"]["parks"] == ["徐州高新区"]


def test_ask_takes_the_context_as_inline_json(cli):
    _, out = cli("ask", "兰州新区有多少党员", "--json")
    context = json.dumps(json.loads(out)["context"], ensure_ascii=False)
    code, out = cli("ask", "那夏河呢？", "--context", context)
    assert code == 0 and out.startswith("（接上一问：夏河县 · 党员）")


def test_ask_without_context_answers_the_question_alone(cli):
    code, out = cli("ask", "那徐州呢？")
    assert "接上一问" not in out and "请把问题说完整" in out


def test_ask_with_an_unreadable_context_is_a_usage_error(cli, capsys):
    code, _ = cli("ask", "那徐州呢？", "--context", '{"parks": 3}')
    assert code == 2 and "--context" in capsys.readouterr().err


def test_thanks_between_two_questions_keeps_the_conversation(engine):
    replies = talk(engine, HIGH_TECH, "谢谢", "那徐州呢？")
    assert replies[2].startswith("（接上一问：徐州高新区 · 高新技术企业）")


def test_a_real_place_starting_with_na_is_still_a_place(engine):
    assert engine.registry.places_in("那曲高新区有多少企业")[1] == ["那曲高新区"]
    assert engine.registry.places_in("那个新区有多少党员")[1] == []


def test_chat_json_replays_a_conversation_one_json_object_a_line(cli, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("兰州新区有多少党员\n那夏河呢？\n/start\n那夏河呢？\n"))
    out = io.StringIO()
    assert main(["chat", "--json"], out) == 0
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [row["assumed"] for row in rows] == ["", "夏河县 · 党员", ""]
    assert rows[2]["reason"] == "only_park"
