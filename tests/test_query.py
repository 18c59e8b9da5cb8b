"""Reading a question once: the parks it names, its content words and the kind of answer it wants."""

from __future__ import annotations

from bot.engine import Engine
from bot.query import Query, analyse


def read(engine: Engine, question: str) -> Query:
    return analyse(question, engine.lexicon, engine.registry, lambda t: bool(engine.index.idf(t)))


def test_which_ones_asks_for_a_list_not_a_number(engine: Engine):
    intent = read(engine, "兰州高新区有哪几个主导产业").intent
    assert intent.listing and not intent.number and intent.kind == "list"


def test_how_many_people_asks_for_a_figure_of_people(engine: Engine):
    intent = read(engine, "兰州新区有多少名党员").intent
    assert intent.number and intent.unit == "名" and intent.figure == "people"


def test_which_place_in_an_order_asks_for_a_rank(engine: Engine):
    assert read(engine, "昆山高新区排第几").intent.figure == "rank"


def test_which_year_asks_for_a_date(engine: Engine):
    intent = read(engine, "兰州高新区成立于哪一年").intent
    assert intent.time and intent.kind == "time"


def test_what_is_names_the_term_asked_about(engine: Engine):
    assert read(engine, "“两个覆盖”是什么").intent.definition == "两个覆盖"


def test_the_park_named_is_not_part_of_the_content(engine: Engine):
    query = read(engine, "泸州高新区有哪些产业链")
    assert query.park == "泸州国家高新区"
    assert [c.word for c in query.content] == ["产业链"]


def test_a_question_in_traditional_characters_reads_as_simplified(engine: Engine):
    query = read(engine, "蘭州高新區有多少家高新技術企業")
    assert query.park == "兰州高新区" and "高新技术企业" in [c.word for c in query.content]


def test_an_unknown_zone_is_kept_as_a_place_not_read_as_ours(engine: Engine):
    query = read(engine, "深圳高新区有多少家企业")
    assert query.unknown == ["深圳高新区"] and not query.parks


def test_an_unseen_word_that_sounds_like_an_article_word_is_a_typo_not_a_word_and_a_particle(engine):
    concepts = analyse("兰州新区花会营收有多少", engine.lexicon, engine.registry, lambda t: bool(engine.index.idf(t)),
                       speller=engine.speller).content
    assert any("花卉" in c.synonyms for c in concepts)


def test_what_things_asks_for_a_list(engine: Engine):
    assert read(engine, "游牧课堂上都讲些什么").intent.listing


def test_a_synonym_of_a_part_of_a_word_stands_for_that_part_only(engine: Engine):
    """「公司 = 企业」 makes 上市公司 also 上市企业, never any 企业: a paragraph of companies that are not listed
    does not answer how many are."""
    concept = next(c for c in read(engine, "兰州新区有多少家上市公司").content if c.word == "上市公司")
    assert "上市企业" in concept.synonyms and "企业" not in concept.synonyms
    assert not engine.ask("兰州新区有多少家上市公司").found


def test_how_many_without_a_measure_word_counts_people_when_the_thing_names_people(engine: Engine):
    """「…牧民有多少」 asks for a figure of people (名/人), not a count of things given to them."""
    assert read(engine, "肃北县的牧民有多少").intent.figure == "people"
    assert read(engine, "昆山高新区志愿者有多少").intent.figure == "people"
    assert read(engine, "夏河县的合作社有多少").intent.figure == ""


def test_how_many_yi_asks_for_an_amount_in_yi_and_keeps_the_measure_word_after_it(engine: Engine):
    intent = read(engine, "某区产值有多少亿").intent
    assert intent.scale == "亿" and intent.unit == ""
    people = read(engine, "某县有几万人参加培训").intent
    assert people.scale == "万" and people.unit == "人" and people.figure == "people"
    assert "亿" not in [c.word for c in read(engine, "某区产值有多少亿").content]


def test_a_typo_whose_wrong_character_is_a_stop_word_is_still_corrected(engine: Engine):
    """「合做」: 做 is a stop word, so the word's parts are only 合, which the articles use; it is 合作 all the same."""
    concepts = analyse("中国电子和泸州高新区怎么合做的", engine.lexicon, engine.registry,
                       lambda t: bool(engine.index.idf(t)), speller=engine.speller).content
    assert any("合作" in c.synonyms for c in concepts)


def test_a_city_and_a_word_later_its_kind_of_park_name_that_one_park(engine: Engine):
    """兰州 has two parks; 「兰州那个新区」「兰州的高新区」 say which."""
    assert [p.name for p in read(engine, "兰州那个新区有多少党员").parks] == ["兰州新区"]
    assert [p.name for p in read(engine, "兰州的高新区有几家高企").parks] == ["兰州高新区"]
    assert read(engine, "杭州的高新区有几家高企").parks == []


def test_a_measure_cue_asks_a_measure_and_its_adjective_is_no_word_to_look_for(engine: Engine):
    """「多快」 asks how long it took (a duration), 「多高」 a length; 快 and 高 are what is measured, not content."""
    fast = read(engine, "东金硅业多快建成投产")
    assert fast.intent.figure == "time" and "快" not in [c.word for c in fast.content]
    high = read(engine, "威海那个医药仓库的货架有多高")
    assert high.intent.figure == "length" and "高" not in [c.word for c in high.content]
