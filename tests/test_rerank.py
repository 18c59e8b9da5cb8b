"""Which figure answers a how-many question: the corrections of bot/rerank.py, on made-up paragraphs."""

from __future__ import annotations

from bot.rerank import Counted, _enumerates, answering_figures
from bot.stats import Fact

OPENING = "某县设立互助基金，帮扶困难家庭。"
FIGURES = "截至目前，已为26户家庭发放资金11.8万元。"
ELSEWHERE = "全县新建道路12公里，投入资金3万元。"


def fact(value: str, sentence: str, kind: str = "money") -> Fact:
    number = float(value.rstrip("万元户公里"))
    return Fact(label="", value=value, number=number, unit="万元", qualifier="", sentence=sentence,
                article_id="001-1", paragraph=1, park="某县", text=value, kind=kind)


ASKED = Counted("money", [], weights={"互助": 3.0, "基金": 3.0, "发放": 2.0})  # 「互助基金发放了多少钱」


def test_a_figure_given_after_the_sentence_naming_its_subject_answers():
    money = fact("11.8万元", FIGURES)
    assert [f for _, f in answering_figures(ASKED, [money], OPENING + FIGURES)] == [money]


def test_a_figure_whose_own_sentence_holds_the_question_ranks_above_one_that_needs_the_opening():
    own = fact("5万元", "互助基金发放5万元。")
    later = fact("11.8万元", FIGURES)
    ranked = answering_figures(ASKED, [later, own], OPENING + FIGURES + own.sentence)
    assert [f for _, f in ranked] == [own, later] and ranked[0][0] > ranked[1][0]


def test_a_later_sentence_sharing_none_of_the_question_does_not_answer():
    unrelated = fact("3万元", ELSEWHERE)
    assert answering_figures(ASKED, [unrelated], OPENING + ELSEWHERE) == []


def test_without_the_paragraph_a_figure_needs_its_own_sentence_to_hold_the_question():
    assert answering_figures(ASKED, [fact("11.8万元", FIGURES)]) == []


def test_a_duration_the_statistics_do_not_read_answers_when_its_sentence_holds_the_question():
    from bot.index import Scored
    from bot.ingest import Article, Paragraph, Passage
    from bot.rerank import counted_first

    text = "转场路上，志愿服务队伍搭起临时服务点，提供物资补给，7天全天候值守，保障牧民安全。"
    docs = [Passage(Article("001-1", "001.txt", "题目", paragraphs=[Paragraph(1, text)]), Paragraph(1, text))]
    asked = Counted("time", [], unit="天", weights={"转场": 4.0, "服务点": 3.0, "值守": 4.0})  # 「服务点值守几天」
    assert counted_first([Scored(0, 1.0)], asked, docs, lambda doc: []) != []
    asked_hours = Counted("time", [], unit="小时", weights=asked.weights)  # 「值守几小时」: no figure in hours
    assert counted_first([Scored(0, 1.0)], asked_hours, docs, lambda doc: []) == []


def test_a_word_of_the_question_is_held_by_its_correction_with_the_weight_of_the_word_asked():
    typo = Counted("money", [], weights={"花会": 9.0, "花卉": 4.0, "营收": 4.0},
                   alternatives=[[["花会"], ["花卉"]], [["营收"]]])  # 「花会营收有多少」, 花会 a typo of 花卉
    assert typo.held_by("花卉营收近1亿元")
    assert not typo.held_by("奶畜营收1亿元")


def test_of_two_figures_in_one_sentence_the_one_whose_clause_holds_the_question_answers():
    sentence = "统筹150名党员干部组建工作组，精准锁定58名流动党员。"
    cadres = Fact("党员干部", "150名", 150, "名", "", sentence, "001-1", 1, "某区", text="150名", kind="people")
    mobile = Fact("流动党员", "58名", 58, "名", "", sentence, "001-1", 1, "某区", text="58名", kind="people")
    asked = Counted("people", [], unit="名", weights={"流动": 4.0, "党员": 1.0})  # 「流动党员有几名」
    assert [f for _, f in answering_figures(asked, [cadres, mobile], sentence)][0] is mobile


def test_when_the_thing_is_named_after_the_cue_the_clause_holding_the_rest_of_the_question_answers():
    sentence = "覆盖雌性牦牛近3万头，诊治牦牛1400余头。"
    covered = Fact("雌性牦牛", "3万头", 30000, "头", "近", sentence, "001-1", 1, "某县", text="3万头", kind="count")
    treated = Fact("诊治牦牛", "1400余头", 1400, "头", "余", sentence, "001-1", 1, "某县", text="1400余头",
                   kind="count")
    asked = Counted("count", ["牦牛"], unit="头", asked={"诊治": 4.0, "牦牛": 2.0})  # 「诊治了多少头牦牛」
    assert [f for _, f in answering_figures(asked, [covered, treated], sentence)][0] is treated


def test_how_high_is_answered_by_a_length_not_by_a_count():
    asked = Counted("length", [], weights={"货架": 4.0}, measures=["米", "公里"])  # 「货架有多高」
    assert asked.figure_in("一排排8米多高的货架")
    assert not asked.figure_in("聚集了200多家企业")


def test_years_are_compared_only_when_both_are_relative_or_both_written():
    from bot.rerank import _other_period, periods

    assert _other_period(periods("莱安能源今年营收多少"), "去年")
    assert _other_period(periods("2023年引进多少项目"), "2024年")
    assert not _other_period(periods("今年引进多少项目"), "2024年")
    assert not _other_period(periods("今年引进多少项目"), "今年以来")


def test_a_paragraph_counting_only_a_narrower_kind_of_the_thing_does_not_answer_how_many_of_it():
    from bot.index import Scored
    from bot.ingest import Article, Paragraph, Passage
    from bot.rerank import counted_first

    text = "截至目前，已为31名困难职工发放补助。"
    docs = [Passage(Article("001-1", "001.txt", "题目", paragraphs=[Paragraph(1, text)]), Paragraph(1, text))]
    hardship = Fact("获补助的困难职工", "31名", 31, "名", "", text, "001-1", 1, "某县", text="31名", kind="people",
                    subject="困难职工")
    total = Counted("people", [], weights={"职工": 2.0}, whole="职工", one_word=True)  # 「某县有多少职工」
    assert counted_first([Scored(0, 1.0)], total, docs, lambda doc: [hardship]) == []
    hardship_asked = Counted("people", [], weights={"困难": 3.0, "职工": 2.0}, whole="困难职工")  # 「有多少困难职工」
    assert counted_first([Scored(0, 1.0)], hardship_asked, docs, lambda doc: [hardship]) != []


def test_how_many_hundred_millions_is_answered_by_an_amount_in_yi_not_by_a_share():
    sentence = "产业贡献率达70%，产业规模达77亿元。"
    share = Fact("产业贡献率", "70%", 70, "%", "", sentence, "001-1", 1, "某区", text="70%", kind="percent")
    size = Fact("产业规模", "77亿元", 7.7e9, "元", "", sentence, "001-1", 1, "某区", text="77亿元", kind="money")
    asked = Counted("", [], weights={"产业": 1.0}, scale="亿")  # 「产业有多少亿」
    assert [f for _, f in answering_figures(asked, [share, size], sentence)] == [size]
    assert not asked.figure_in("产业贡献率达70%") and asked.figure_in("产业规模达77亿元")


def test_a_list_named_after_the_thing_asked_ranks_above_a_list_that_only_mentions_it():
    named = "在全市率先成立甲制造、乙信息、丙服务等3个各具特色的产业链党委，形成工作格局。"
    mentioned = "依托产业链党委，汇集产业链上下游企业、托管社区、驻区单位等200家成员单位。"
    terms, topics = ["产业链党委", "产业链", "党委"], ["产业链党委"]
    assert _enumerates(named, terms, topics) == 2
    assert _enumerates(mentioned, terms, topics) == 1
    assert _enumerates("依托产业链党委，汇集成员单位。", terms, topics) == 0


def test_the_last_item_of_a_list_is_not_its_name():
    # 「…、丁经济4个主导产业」 lists industries, one of them the 丁经济 asked about: not a list of 丁经济.
    text = "围绕甲医药、乙制造、丙材料、丁经济4个主导产业布局4条产业链。"
    assert _enumerates(text, ["丁经济", "经济"], ["丁经济"]) == 1


def test_a_figure_in_a_measure_word_counting_other_things_does_not_answer():
    sentence = "服务站为牧民提供12项服务，覆盖300户牧民。"
    services = Fact("服务", "12项", 12, "项", "", sentence, "001-1", 1, "某县", text="12项", kind="count")
    homes = Fact("牧民", "300户", 300, "户", "", sentence, "001-1", 1, "某县", text="300户", kind="count")
    groups = ["家户所处", "项条件类种款批"]
    asked = Counted("count", ["牧民"], unit="户", asked={"牧民": 2.0}, groups=groups)  # 「有多少户牧民」
    assert [f for _, f in answering_figures(asked, [services, homes], sentence)] == [homes]
    enterprises = Counted("count", ["牧民"], unit="家", asked={"牧民": 2.0}, groups=groups)  # 家 and 户 count alike
    assert homes in [f for _, f in answering_figures(enterprises, [services, homes], sentence)]


def test_a_figure_without_a_year_is_of_the_year_its_paragraph_named_before_it():
    from bot.index import Scored
    from bot.ingest import Article, Paragraph, Passage
    from bot.rerank import counted_first, periods

    text = "今年某区引进实施项目65个。其中，新引进电子项目24个。"
    docs = [Passage(Article("001-1", "001.txt", "题目", paragraphs=[Paragraph(1, text)]), Paragraph(1, text))]
    last_year = Counted("", ["项目"], unit="个", periods=periods("去年引进了多少个项目"))
    this_year = Counted("", ["项目"], unit="个", periods=periods("今年引进了多少个项目"))
    assert counted_first([Scored(0, 1.0)], last_year, docs, lambda doc: []) == []
    assert counted_first([Scored(0, 1.0)], this_year, docs, lambda doc: []) != []
