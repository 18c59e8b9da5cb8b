"""The park registry: what each entry is, which articles it owns, and how any name finds it."""

from __future__ import annotations

import pytest

from bot.ingest import read_articles
from bot.parks import Registry, split_name
from bot.stats import Fact, headline

from .conftest import SEEDS, corpus_registry


@pytest.fixture(scope="module")
def registry() -> Registry:
    return corpus_registry()


@pytest.fixture(scope="module")
def built(registry):
    """The registry after attribution, with the articles it was given."""
    articles, unplaced = read_articles(SEEDS, registry)
    return registry, articles, unplaced


def resolved(registry: Registry, name: str) -> str | None:
    res = registry.resolve(name)
    return res.park.name if res.status == "ok" else None


# -- the registry itself ----------------------------------------------------------


def test_every_article_of_the_seeds_is_placed(built):
    _, articles, unplaced = built
    assert unplaced == [] and all(a.park for a in articles)


def test_the_counties_of_page_001_are_their_own_kind(registry):
    counties = {p.name for p in registry.parks if p.kind == "县"}
    assert {"靖远县", "肃北县", "夏河县"} <= counties
    assert all(p.kind not in ("国家高新区", "国家级新区") for p in registry.parks if p.name in counties)


def test_the_table_tennis_tournament_belongs_to_its_host(built):
    _, articles, _ = built
    tournament = next(a for a in articles if "乒乓球" in a.title)
    assert tournament.park == "柳州高新区"


def test_a_park_lists_its_articles_with_titles(built):
    registry, articles, _ = built
    park = registry.get("兰州新区")
    assert park.articles == [{"article_id": a.article_id, "title": a.title} for a in articles if a.park == "兰州新区"]


def test_a_park_serialises_to_the_parks_json_shape(registry):
    data = registry.get("泸州国家高新区").to_dict()
    assert {"name", "kind", "province", "aliases", "articles"} <= set(data)
    assert data["province"] == "四川省" and "泸州高新区" in data["aliases"]


def test_a_resolution_serialises_to_the_park_json_shape(registry):
    assert set(registry.resolve("兰州").to_dict()) == {"status", "park", "candidates"}
    assert registry.resolve("兰州新区").to_dict()["park"]["name"] == "兰州新区"


# -- resolution ------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["兰州高新区", "兰州新区", "靖远县", "威海火炬高新区", "泸州国家高新区"])
def test_an_exact_name_resolves_to_itself(registry, name):
    assert resolved(registry, name) == name


@pytest.mark.parametrize("alias, park", [("泸州高新区", "泸州国家高新区"), ("威海高新区", "威海火炬高新区"),
                                         ("贵阳高新技术产业开发区", "贵阳高新区"), ("肃北蒙古族自治县", "肃北县")])
def test_an_alias_resolves_to_its_park(registry, alias, park):
    assert resolved(registry, alias) == park


@pytest.mark.parametrize("name, park", [("蘭州新區", "兰州新区"), ("貴陽高新區", "贵阳高新区")])
def test_traditional_characters_resolve(registry, name, park):
    assert resolved(registry, name) == park


@pytest.mark.parametrize("name, park", [("昆山", "昆山高新区"), ("威海火炬", "威海火炬高新区"),
                                        ("泸州高新", "泸州国家高新区")])
def test_a_partial_name_resolves(registry, name, park):
    assert resolved(registry, name) == park


def test_a_longer_text_holding_a_name_resolves_to_the_longest_name(registry):
    assert resolved(registry, "兰州新区管委会") == "兰州新区"
    assert resolved(registry, "四川泸州国家高新区") == "泸州国家高新区"


def test_another_suffix_of_the_same_kind_resolves(registry):
    assert resolved(registry, "兰州高新技术开发区") == "兰州高新区"
    assert resolved(registry, "泸州国家高新技术产业开发区") == "泸州国家高新区"


@pytest.mark.parametrize("typo, park", [("泸洲高新区", "泸州国家高新区"), ("兰洲新区", "兰州新区"),
                                        ("兰州高薪区", "兰州高新区"), ("贵杨高新区", "贵阳高新区")])
def test_a_small_typo_resolves(registry, typo, park):
    assert resolved(registry, typo) == park


def test_a_bare_two_character_typo_gets_a_suggestion_not_a_guess(registry):
    res = registry.resolve("泸洲")
    assert res.status == "unknown" and res.candidates[0] == "泸州国家高新区"


def test_a_name_two_parks_share_is_ambiguous(registry):
    res = registry.resolve("兰州")
    assert res.status == "ambiguous" and res.park is None
    assert set(res.candidates) == {"兰州高新区", "兰州新区"}


@pytest.mark.parametrize("name", ["杭州高新区", "苏州工业园区", "深圳高新区", "南宁高新区"])
def test_an_unknown_name_is_unknown(registry, name):
    res = registry.resolve(name)
    assert res.status == "unknown" and res.park is None


def test_an_unknown_name_gets_the_closest_suggestions_and_the_whole_list(registry):
    res = registry.resolve("杭州高新区")
    assert res.candidates and all(registry.get(c) for c in res.candidates)
    assert res.known == [p.name for p in registry.parks]


def test_a_real_city_one_character_off_is_another_place_not_a_typo(registry):
    res = registry.resolve("昆明高新区")
    assert res.status == "unknown" and res.candidates[0] == "昆山高新区"


def test_another_kind_of_zone_in_a_known_city_is_unknown(registry):
    assert registry.resolve("兰州经济技术开发区").status == "unknown"


def test_a_town_resolves_to_its_county(registry):
    assert resolved(registry, "科才镇") == "夏河县"


def test_empty_and_generic_names_are_unknown(registry):
    assert registry.resolve("").status == "unknown"
    assert registry.resolve("高新区").status == "unknown"


def test_split_name_separates_core_and_suffix_family():
    assert split_name("泸州国家高新区") == ("泸州", "高新")
    assert split_name("威海火炬高技术产业开发区") == ("威海", "高新")
    assert split_name("兰州国家级新区") == ("兰州", "新区")
    assert split_name("肃北蒙古族自治县") == ("肃北", "县")
    assert split_name("兰州") == ("兰州", "")


# -- names in questions -----------------------------------------------------------------


def test_mentions_prefers_the_longest_name(registry):
    assert [p.name for p in registry.mentions("兰州新区有多少党员")] == ["兰州新区"]
    assert {p.name for p in registry.mentions("兰州有多少企业")} == {"兰州高新区", "兰州新区"}


def test_unknown_places_finds_unregistered_parks_only(registry):
    assert registry.unknown_places("杭州高新区有多少上市公司") == ["杭州高新区"]
    assert registry.unknown_places("兰州经济技术开发区有多少企业") == ["兰州经济技术开发区"]
    assert registry.unknown_places("泸州高新区有多少企业") == []
    assert registry.unknown_places("这标志着全国高新区工会首次举办比赛") == []


def test_an_unknown_place_is_named_without_the_words_before_it(registry):
    assert registry.unknown_places("请问南宁高新区获得了什么奖") == ["南宁高新区"]


# -- overview --------------------------------------------------------------------------------


def test_overview_prefers_a_telling_label_to_a_bare_head_word():
    def fact(label: str, value: str) -> Fact:
        return Fact(label, value, 1, "家", "", f"有{label}{value}。", "T-1", 1, "测试高新区", text=value)

    facts = [fact("企业", "20余家"), fact("高新技术企业", "166家")]
    assert [f.value for f in headline(facts, 1)] == ["166家"]


def test_a_name_the_articles_spell_is_a_place_not_a_typo(registry):
    spelled = registry.reading(lambda text: text == "泸洲高新区")
    assert resolved(registry, "泸洲高新区") == "泸州国家高新区"
    assert spelled.resolve("泸洲高新区").status == "unknown"


def test_an_engine_reads_the_registry_it_is_given_without_changing_it(engine):
    given = Registry(engine.registry.parks, engine.tokenize)
    reader = type(engine)(list(engine.articles.values()), given, engine.facts, engine.lexicon)
    assert reader.registry is not given and given.spelled("兰州高新区") is False
    assert reader.registry.spelled("兰州高新区") is True


def test_a_two_character_place_with_a_homophone_first_character_is_a_typo(registry):
    assert resolved(registry, "敬远县") == "靖远县"


def test_a_two_character_place_whose_first_character_sounds_different_is_another_place(registry):
    assert registry.resolve("洛阳高新区").status == "unknown"


def test_a_real_place_name_said_just_like_ours_before_its_kind_of_park_is_a_typo(registry):
    """庐州 is a word (an old city name) the articles never spell; typed before 高新区 it is 泸州 by sound."""
    assert registry.resolve("庐州高新区").park.name == "泸州国家高新区"


def test_a_real_place_name_that_sounds_different_stays_another_place(registry):
    assert registry.resolve("昆明高新区").status == "unknown"
    assert registry.resolve("庐州").status != "ok"  # without its kind of park, too little to go on
