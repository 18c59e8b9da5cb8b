"""Statistics: every figure with its unit, qualifier, label, sentence and park; headline ones first."""

from __future__ import annotations

import pytest

from bot.ingest import Article, Paragraph, read_articles
from bot.parks import Registry
from bot.stats import Fact, chinese_number, extract_facts, facts_for, headline, headline_rank, load_facts, vocabulary

from .conftest import SEEDS, corpus_lexicon, corpus_registry


def facts_of(*paragraphs: str, park: str = "测试高新区") -> list[Fact]:
    article = Article("T-1", "test.txt", "测试文章", park=park,
                      paragraphs=[Paragraph(n, text) for n, text in enumerate(paragraphs, start=1)])
    return extract_facts([article], Registry([], corpus_lexicon().tokenizer))


def only(text: str) -> Fact:
    facts = facts_of(text)
    assert len(facts) == 1, [f.text for f in facts]
    return facts[0]


@pytest.fixture(scope="module")
def corpus_facts() -> list[Fact]:
    registry = corpus_registry()
    articles, _ = read_articles(SEEDS, registry)
    return extract_facts(articles, registry)


# -- numbers, units and qualifiers ------------------------------------------------


@pytest.mark.parametrize("unit", [u for u, kind in vocabulary().units.items() if kind != "time"])
def test_every_unit_in_the_units_file_is_read_after_a_number(unit):
    fact = only(f"园区目前共有样品数量12{unit}，情况良好。")
    assert (fact.value, fact.number, fact.unit) == (f"12{unit}", 12, unit)


@pytest.mark.parametrize("unit", [u for u, kind in vocabulary().units.items() if kind == "time"])
def test_a_duration_below_a_thousand_is_a_figure(unit):
    assert only(f"项目建设仅用了3{unit}，进展顺利。").value == f"3{unit}"


def test_a_year_is_a_date_not_a_duration():
    assert facts_of("2024年，园区召开大会；2022年6月，成立党委；6月18日开展活动。") == []


def test_wan_and_yi_give_the_number_in_base_units():
    facts = {f.value: f for f in facts_of("走访企业2.5万户，投资13.7亿元，产值3000万元，面积6.67万平方公里。")}
    assert (facts["2.5万户"].number, facts["2.5万户"].unit) == (25_000, "户")
    assert (facts["13.7亿元"].number, facts["13.7亿元"].unit) == (1_370_000_000, "元")
    assert facts["3000万元"].number == 30_000_000
    assert (facts["6.67万平方公里"].number, facts["6.67万平方公里"].unit) == (66_700, "平方公里")


def test_a_decimal_percentage_keeps_its_decimals():
    fact = only("企业党组织覆盖率达95.9%。")
    assert (fact.value, fact.number, fact.unit, fact.kind) == ("95.9%", 95.9, "%", "percent")


def test_thousands_separators_are_read():
    assert only("累计服务群众1,250人次。").number == 1250


@pytest.mark.parametrize("inner", vocabulary().inner_qualifiers)
def test_a_qualifier_inside_the_figure_stays_in_its_value(inner):
    fact = only(f"累计解决各类问题300{inner}项。")
    assert (fact.value, fact.qualifier, fact.number) == (f"300{inner}项", inner, 300)


@pytest.mark.parametrize("prefix", vocabulary().prefix_qualifiers)
def test_a_qualifier_before_the_figure_is_kept_apart_from_its_value(prefix):
    fact = only(f"园区为{prefix}900名职工办理了社保。")
    assert (fact.value, fact.qualifier, fact.text) == ("900名", prefix, f"{prefix}900名")


def test_a_qualifier_after_the_unit_is_kept_apart_from_its_value():
    fact = only("每年供应良种牦牛900头以上，带动牧民增收。")
    assert (fact.value, fact.qualifier, fact.text) == ("900头", "以上", "900头以上")


def test_a_threshold_inside_a_noun_phrase_is_not_a_figure():
    assert facts_of("实现50人以上企业党组织全覆盖。") == []


def test_round_chinese_estimates_are_figures():
    facts = {f.text: f for f in facts_of("开展活动百余场次，提供服务近百项，聚集数千家企业。")}
    assert facts["百余场次"].number == 100 and facts["百余场次"].qualifier == "余"
    assert (facts["近百项"].value, facts["近百项"].qualifier) == ("百项", "近")
    assert facts["数千家"].number == 1000


def test_plain_chinese_numerals_are_words_not_figures():
    assert facts_of("实施四大行动，推出三大类服务，经过十多年发展，一次转场途中，"
                    "两户牧民起了争执，全市第一个党委成立。") == []


def test_a_chinese_count_after_a_verb_that_defines_the_group_is_a_figure():
    fact = only("科才镇通过统筹三个村党支部“跨村联建”，整合资源。")
    assert (fact.value, fact.number, fact.unit, fact.scope) == ("三个", 3, "个", "科才镇")


def test_a_chinese_ordinal_after_a_rank_verb_is_a_rank():
    fact = only("在《2024年度全国综合实力千强镇》榜单中，昆山高新区（玉山镇）蝉联第一……")
    assert (fact.value, fact.text, fact.kind, fact.number, fact.label) == ("第一", "蝉联第一", "rank", 1,
                                                                           "全国综合实力千强镇排名")


def test_a_streak_of_rises_belongs_to_the_rank_before_it():
    rank, streak = facts_of("在2024年国家高新区综合评价结果中位列第31名，实现“八连升”。")
    assert (streak.value, streak.number, streak.label) == ("八连升", 8, rank.label)


def test_a_span_something_was_shortened_by_is_a_figure():
    fact = only("团队成功将出栏周期缩短了半年。")
    assert (fact.value, fact.number, fact.unit, fact.label) == ("半年", 0.5, "年", "出栏周期缩短")


def test_a_round_size_before_a_base_is_its_scale():
    fact = only("科才镇以万头牦牛标准化养殖基地作为核心载体。")
    assert (fact.value, fact.number, fact.label) == ("万头", 10_000, "牦牛标准化养殖基地规模")


def test_chinese_numerals_are_read_as_numbers():
    numerals = ("十", "二十", "百", "三千五百", "十万", "两百")
    assert [chinese_number(t) for t in numerals] == [10, 20, 100, 3500, 100_000, 200]


def test_consecutive_years_are_a_duration_with_what_lasted():
    fact = only("该企业连续4年被评为全省服务业企业50强。")
    assert (fact.value, fact.qualifier, fact.kind) == ("4年", "连续", "time")
    assert "被评为" in fact.label


def test_an_ordinal_is_a_rank():
    fact = only("园区在全国综合评价中位列第31名。")
    assert (fact.value, fact.number, fact.kind) == ("第31名", 31, "rank")


def test_a_rate_per_year_keeps_its_period():
    fact = only("一期建设40万吨/年高纯度金属硅。")
    assert (fact.value, fact.number, fact.unit) == ("40万吨/年", 400_000, "吨/年")


def test_numbers_in_names_and_titles_are_not_figures():
    assert facts_of("开展“4项行动”，建立“3张清单”，入选《2024年度百强名单》。") == []


def test_a_quoted_statement_keeps_its_figures():
    fact = only("“我们统筹150名党员干部组建专项工作组，逐企核查。”负责人说。")
    assert fact.value == "150名"


# -- labels -------------------------------------------------------------------------


def test_the_label_after_a_count_ends_where_the_sentence_goes_on():
    assert only("园区已集聚81家重点企业开展技术攻关。").label == "重点企业"


def test_the_label_before_a_figure_starts_after_the_verb():
    assert only("目前，园区拥有省级以上创新平台112个。").label == "省级以上创新平台"


def test_money_is_labelled_by_what_it_measures():
    assert only("今年以来，产业规模达77亿元。").label == "产业规模"


def test_a_rate_is_labelled_without_the_linking_verb():
    assert only("规模以上企业占比达72.1%。").label == "规模以上企业占比"


def test_events_keep_the_action_they_count():
    assert only("园区干部累计走访企业3000余次。").label == "走访企业"


def test_a_figure_right_after_another_counts_the_same_thing():
    first, second = facts_of("覆盖群众1214户6847人。")
    assert first.label == second.label == "覆盖群众"


def test_a_label_does_not_start_with_the_park_doing_the_counting():
    facts = extract_facts([Article("T-1", "t", "t", park="兰州新区",
                                   paragraphs=[Paragraph(1, "今年兰州新区引进实施项目65个。")])],
                          corpus_registry())
    assert facts[0].label == "引进实施项目"


def test_a_short_quoted_name_stays_whole_in_a_label():
    assert only("精准确定“三有”企业402家。").label == "“三有”企业"


def test_a_verb_after_the_group_stays_in_its_label():
    fact = only("推动269家企业完成“党建入章”。")
    assert (fact.label, fact.subject) == ("完成“党建入章”的企业", "企业")


def test_adverbs_between_the_group_and_its_verb_are_left_out():
    assert only("30余家重点企业相继成立党组织。").label == "成立党组织的重点企业"


def test_a_verb_before_the_figure_stays_with_what_it_governs():
    assert only("合作社已带动12户牧民发展产业。").label == "带动牧民"


def test_a_verb_governing_a_list_of_examples_stays_in_the_label():
    assert only("联动欧亚乳业等13家龙头企业。").label == "联动龙头企业"


def test_the_second_group_of_one_verb_keeps_the_verb():
    assert [f.label for f in facts_of("合作社吸纳51户脱贫户和3户边缘户。")] == ["吸纳脱贫户", "吸纳边缘户"]


def test_a_beneficiary_is_counted_as_who_received():
    first, money = facts_of("为87家企业提供授信额度13.7亿元。")
    assert (first.label, first.subject, money.label) == ("获授信额度的企业", "企业", "授信额度")


def test_a_container_word_gives_way_to_what_it_holds():
    assert only("提供可选服务近百项菜单。").label == "可选服务"


def test_a_label_with_its_verb_that_would_be_too_long_keeps_the_noun():
    assert only("推动7家企业跻身全国制造业单项冠军示范企业和专精特新小巨人企业名单。").label == "企业"


def test_planned_figures_are_marked_planned():
    facts = facts_of("规划新建超10万平方米科创载体、超2000套人才公寓。")
    assert [(f.label, f.status) for f in facts] == [("科创载体", "planned"), ("人才公寓", "planned")]


def test_goals_and_forecasts_are_not_done():
    assert only("力争培育高新技术企业50家。").status == "target"
    assert only("预计今年产值可达3000万元。").status == "expected"


def test_figures_reported_as_done_are_done():
    assert only("园区已建成标准化养殖基地7个。").status == "done"


def test_a_subset_is_scoped_to_what_it_is_part_of():
    facts = facts_of("推动134家社会组织全部建立党组织，其中党委4个、党支部168个。")
    assert [(f.label, f.scope) for f in facts[1:]] == [("党委", "建立的党组织中"), ("党支部", "建立的党组织中")]


def test_a_subset_of_a_figure_is_scoped_to_that_figure():
    assert facts_of("现有党员1732名，其中女党员300名。")[1].scope == "党员中"


def test_a_from_to_pair_is_one_change():
    fact = only("覆盖范围从400户扩展至750户，成效明显。")
    assert (fact.label, fact.value, fact.change) == ("覆盖范围", "750户", {"from": "400户", "to": "750户"})


def test_a_span_of_years_before_another_figure_is_its_period():
    fact = only("连续3年为周边地区供应良种牦牛900头以上。")
    assert (fact.value, fact.period) == ("900头", "连续3年")


def test_a_streak_on_its_own_is_a_figure_without_who_it_describes():
    assert only("成为唯一的连续5年入围“中国互联网100强”的互联网医疗企业。").label == "入围“中国互联网100强”"


def test_the_year_a_sentence_gives_is_the_period():
    assert only("2024年，农投集团实现花卉营收近1亿元。").period == "2024年"


def test_one_persons_attribute_is_not_a_statistic():
    assert facts_of("年逾八旬、党龄55年的贾世亿眼眶里泛起了泪光。") == []


def test_a_threshold_on_who_receives_is_not_a_statistic():
    assert [f.value for f in facts_of("为党龄满50年的老党员颁发纪念章239枚。")] == ["239枚"]


def test_the_size_of_a_thing_is_not_a_statistic():
    assert [f.value for f in facts_of("一排排8米多高的货架鳞次栉比，每小时发货量达到2000件。")] == ["2000件"]


def test_a_service_pattern_is_not_a_statistic():
    assert facts_of("服务队伍7天全天候值守。") == []


def test_the_sub_park_a_sentence_points_back_to_is_the_scope():
    facts = facts_of("走进淮海生物医药产业园，满目新意。目前，该园区已集聚81家重点企业，产业规模达77亿元。")
    assert [f.scope for f in facts] == ["淮海生物医药产业园", "淮海生物医药产业园"]


def test_a_sentence_about_one_industry_scopes_its_figures():
    fact = only("安全应急产业是园区重点发展的产业，规模以上企业占比达72.1%。")
    assert (fact.label, fact.scope) == ("规模以上企业占比", "安全应急产业")


def test_a_township_opening_a_sentence_scopes_the_rest_of_its_paragraph():
    facts = facts_of("科才镇以养殖基地作为核心载体，惠及3个行政村。值得一提的是，合作社吸纳51户脱贫户。"
                     "全县已培育示范合作社28家。")
    assert [f.scope for f in facts] == ["科才镇", "科才镇", ""]


def test_a_figure_of_one_person_names_the_person():
    facts = facts_of("道吉才布旦是致富带头人。目前，他已带动12户牧民增收。")
    assert facts[0].scope == "道吉才布旦"


def test_a_quoted_figure_belongs_to_the_speakers_unit():
    facts = facts_of("在夏河县畜牧产业园区的现代化养殖基地里，设备一应俱全。",
                     "“我们带动10家合作社发展牦牛产业。”基地负责人看召甲介绍。")
    assert facts[0].scope == "现代化养殖基地"


def test_a_share_right_after_a_count_of_people_is_a_share_of_them():
    facts = facts_of("今年，兰州新区在新兴领域发展党员54名，企业管理层、技术骨干占比超80%。")
    assert facts[1].scope == "新兴领域发展党员中"


def test_a_stock_takes_no_period_from_an_earlier_clause():
    facts = facts_of("今年5月以来，精准确定“三有”企业402家，现有党员1732名。")
    assert [f.period for f in facts] == ["今年5月以来", ""]


def test_a_sentence_opening_with_a_field_scopes_its_figures_unless_the_label_names_it():
    facts = facts_of("此外，在高端制造领域，目前园区集聚高端制造业企业65家，建立精密制造等6条产业链。")
    assert [f.scope for f in facts] == ["", "高端制造领域"]


def test_the_verb_of_a_list_is_the_one_before_its_first_item():
    assert only("帮助企业解决融资贷款、用工需求、人才引进等难点问题500余个。").label == "解决难点问题"


def test_a_bare_head_after_a_list_keeps_the_lists_first_item():
    assert only("认真开展党建联建、人才招引、政策宣讲等活动百余场次。").label == "党建联建等活动"


def test_a_figure_for_each_of_something_says_so():
    assert facts_of("每条产业链明确1名指导领导。")[0].scope == "每条产业链"


def test_inside_the_chain_means_the_chain_named_before():
    facts = facts_of("高端装备制造业产业链党委重点扶持一批链主企业。产业链内现有高新技术企业166家。")
    assert facts[0].scope == "高端装备制造业产业链"


def test_time_ahead_of_schedule_is_not_how_long_it_took():
    assert only("园区提前3个月完成管网延伸工程。").label == "提前完成管网延伸工程"


def test_the_same_figure_twice_in_an_article_is_one_fact_with_two_sources():
    facts = facts_of("精准确定“三有”企业402家。", "选派指导员，对402家“三有”非公企业开展服务。")
    assert [f.value for f in facts] == ["402家"]
    assert [s["paragraph"] for s in facts[0].sources] == [1, 2]


def test_different_groups_of_the_same_size_stay_apart():
    facts = facts_of("推动269家有党员的非公企业建立党组织。", "推动269家企业完成“党建入章”。")
    assert len(facts) == 2


def test_equal_plain_labels_in_one_article_are_not_taken_for_a_repeat():
    facts = facts_of("布局4条产业链。", "在数字经济领域，建立4条产业链。")
    assert len(facts) == 2


def test_a_stats_file_without_the_new_fields_still_loads(tmp_path):
    (tmp_path / "stats.json").write_text('[{"label": "企业", "value": "5家", "number": 5, "unit": "家", '
                                         '"qualifier": "", "sentence": "有企业5家。", "article_id": "T-1", '
                                         '"paragraph": 1, "park": "测试高新区"}]', encoding="utf-8")
    fact = load_facts(tmp_path)[0]
    assert (fact.status, fact.scope, fact.change, fact.sources) == ("done", "", None, [])


def test_an_overview_leaves_out_a_share_that_does_not_say_of_what():
    facts = facts_of("园区拥有高新技术企业605家。", "当选书记6名，占比为新建党支部书记总数55%。")
    assert "55%" not in [f.value for f in headline(facts_for("测试高新区", facts), 2)]


def test_an_overview_heads_with_done_park_wide_figures():
    facts = facts_of("规划新建企业孵化器5家。", "其中高新技术企业8家。", "园区拥有高新技术企业605家。")
    assert [f.value for f in headline(facts_for("测试高新区", facts), 1)] == ["605家"]


# -- companies -------------------------------------------------------------------------


def test_a_figure_about_a_company_names_the_company():
    facts = facts_of("园区企业兰州某某基因技术有限公司（以下简称“某某基因”）投产。",
                     "今年年初，某某基因投资2亿元建设生产基地。")
    assert facts[0].company == "兰州某某基因技术有限公司"
    assert facts[0].label == "投资"


def test_a_company_listed_as_an_example_does_not_own_the_figure():
    facts = facts_of("甘肃某某能源有限公司党支部书记介绍。", "甘肃某某、乙丙材料等7家企业跻身50强。")
    assert facts[0].company == ""


def test_the_company_a_sentence_points_back_to_owns_its_figures():
    facts = facts_of("刘某生物科技有限公司是园区的一家企业。目前，该公司获得国内外67项专利权。")
    assert facts[0].company == "刘某生物科技有限公司"


def test_park_figures_have_no_company():
    assert only("园区拥有高新技术企业605家。").company == ""


# -- the real corpus ---------------------------------------------------------------------


def test_every_figure_is_written_in_the_sentence_it_cites(corpus_facts):
    assert corpus_facts
    for fact in corpus_facts:
        assert fact.value in fact.sentence and fact.text in fact.sentence, fact


def test_every_figure_belongs_to_a_park_and_a_paragraph(corpus_facts):
    assert all(f.park and f.article_id and f.paragraph >= 1 for f in corpus_facts)


def test_nothing_comes_from_the_advertisement(corpus_facts):
    assert not [f for f in corpus_facts if "0851" in f.sentence or "招商热线" in f.sentence]


def test_every_figure_has_a_label(corpus_facts):
    assert [f for f in corpus_facts if not f.label] == []


def test_every_article_with_a_park_reports_figures(corpus_facts):
    parks = {f.park for f in corpus_facts}
    assert {"兰州高新区", "兰州新区", "靖远县", "夏河县", "徐州高新区", "昆山高新区"} <= parks


# -- ordering and text -------------------------------------------------------------------------


def test_headline_figures_come_first(corpus_facts):
    for park in {f.park for f in corpus_facts}:
        ranks = [headline_rank(f) for f in facts_for(park, corpus_facts)]
        assert ranks == sorted(ranks), park


def test_a_parks_own_figures_come_before_its_companies_in_a_topic():
    facts = facts_of("某某能源有限公司营业收入达到42.3亿元。", "园区产业规模达77亿元。")
    assert [f.value for f in facts_for("测试高新区", facts)] == ["77亿元", "42.3亿元"]


def test_enterprises_come_before_other_counts():
    facts = facts_of("建成标准化养殖基地7个，拥有高新技术企业605家。")
    assert facts_for("测试高新区", facts)[0].value == "605家"


def test_a_qualifier_before_wan_or_yi_stays_in_the_value():
    fact = only("协调企业融资1000余万元。")
    assert (fact.value, fact.number, fact.unit, fact.qualifier) == ("1000余万元", 10_000_000, "元", "余")
