"""Plain-text replies (bot/render.py): what the console chat and the command line show."""

from __future__ import annotations

from bot import render
from bot.answer import Answer
from bot.engine import Engine
from bot.stats import Fact
from bot.telegram import views


def test_parks_text_lists_every_park_under_its_kind(engine: Engine):
    text = render.parks_text(engine.parks())
    assert all(p.name in text and p.kind in text for p in engine.parks())


def test_park_text_shows_kind_place_aliases_articles_and_headline_figures(engine: Engine):
    overview = engine.overview("泸州高新区")
    text = render.park_text(overview)
    park = overview.resolution.park
    assert park is not None and overview.headline
    assert park.kind in text and park.province in text and "泸州高新区" in text
    assert all(a["title"] in text for a in park.articles)
    assert all(render.figure(f) in text for f in overview.headline)


def test_console_and_telegram_show_the_same_headline_figures(engine: Engine):
    overview = engine.overview("兰州高新区")
    html, _ = views.park_view(engine, "兰州高新区", overview)
    plain = render.park_text(overview)
    shown = [render.figure(f) for f in overview.headline]
    assert len(shown) > 3 and all(v in plain and v in html for v in shown)


def test_park_text_for_an_ambiguous_name_lists_the_choices(engine: Engine):
    text = render.park_text(engine.overview("兰州"))
    assert "兰州高新区" in text and "兰州新区" in text


def test_park_text_for_an_unknown_name_suggests_and_lists(engine: Engine):
    text = render.park_text(engine.overview("杭州高新区"))
    assert "您是不是要找" in text and all(p.name in text for p in engine.parks())


def test_stats_text_shows_each_figure_with_its_source(engine: Engine):
    text = render.stats_text(*engine.stats("兰州新区"))
    assert "兰州新区" in text and "402家" in text and "001-1" in text


def test_stats_text_pages_a_long_list(engine: Engine):
    res, facts = engine.stats("兰州高新区")
    page = render.stats_text(res, facts, start=5, count=5)
    assert "第 6–10 条" in page and f"共 {len(facts)} 条" in page
    first_line_of_figures = page.split("\n", 1)[1].split("\n")[0]
    assert facts[5].text in page and facts[0].text not in first_line_of_figures


def test_stats_text_for_an_ambiguous_name_offers_the_choices(engine: Engine):
    text = render.stats_text(*engine.stats("兰州"))
    assert "兰州高新区" in text and "兰州新区" in text


def test_each_reason_for_no_answer_has_its_own_reply():
    replies = {
        render.no_answer(Answer("", False, None, "empty")),
        render.no_answer(Answer("问", False, None, "not_covered", place="深圳高新区", parks=["兰州新区"])),
        render.no_answer(Answer("兰州新区", False, "兰州新区", "only_park", parks=["兰州新区"])),
        render.no_answer(Answer("问", False, None, "not_found")),
    }
    assert len(replies) == 4


def test_a_not_found_reply_quotes_a_long_question_shortened_on_one_line():
    question = "兰州\n高新区" + "很" * 100
    text = render.no_answer(Answer(question, False, None, "not_found"))
    assert "兰州 高新区" in text and "…" in text and "\n" not in text


def _fact(**fields) -> Fact:
    base = {"label": "科创载体", "value": "10万平方米", "number": 100_000, "unit": "平方米", "qualifier": "超",
            "sentence": "规划新建超10万平方米科创载体。", "article_id": "T-1", "paragraph": 3, "park": "测试高新区",
            "text": "超10万平方米"}
    return Fact(**{**base, **fields})


def test_a_planned_figure_says_it_is_planned():
    assert render.fact_label(_fact(status="planned")) == "科创载体（规划）"


def test_a_figure_of_part_of_the_park_says_of_what():
    assert render.fact_label(_fact(label="党委", scope="建立的党组织中")) == "党委（建立的党组织中）"


def test_a_done_park_wide_figure_is_its_label_alone():
    assert render.fact_label(_fact()) == "科创载体"


def test_a_change_reads_from_to():
    fact = _fact(label="覆盖范围", value="750户", text="750户", change={"from": "400户", "to": "750户"})
    assert render.figure(fact) == "400户→750户"


def test_a_figure_reported_twice_cites_both_paragraphs():
    fact = _fact(sources=[{"article_id": "T-1", "paragraph": 3, "sentence": ""},
                          {"article_id": "T-1", "paragraph": 13, "sentence": ""}])
    assert "[T-1 第3、13段]" in render.fact_line(1, fact)
