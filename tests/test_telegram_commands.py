"""/start, /help, /parks, /park and /stats, and the buttons under their replies."""

from __future__ import annotations

from tests.fakebot import BOT_USERNAME


async def test_start_welcomes_with_example_questions_as_buttons(bot, alice):
    reply = await alice.says("/start")
    assert "园区党建问答" in reply.text
    assert "兰州高新区有多少家高新技术企业？" in reply.buttons


async def test_an_example_button_answers_that_question(bot, alice):
    welcome = await alice.says("/start")
    answer = await alice.presses(welcome, "兰州高新区有多少家高新技术企业？")
    assert not answer.edited
    assert "605家" in answer.text


async def test_help_lists_the_commands_and_inline_use(bot, alice):
    reply = await alice.says("/help")
    for command in ("/parks", "/park", "/stats", "/ask", f"@{BOT_USERNAME}"):
        assert command in reply.text


async def test_parks_lists_every_park_grouped_by_kind_each_a_button(bot, alice, engine):
    reply = await alice.says("/parks")
    assert set(reply.buttons) == {p.name for p in engine.parks()}
    kinds = {p.kind for p in engine.parks()}
    assert kinds <= set(reply.bold)


async def test_a_park_button_shows_that_parks_overview(bot, alice):
    listing = await alice.says("/parks")
    overview = await alice.presses(listing, "兰州新区")
    assert overview.edited
    assert overview.text.startswith("兰州新区")
    assert "国家级新区" in overview.text


async def test_park_shows_kind_province_and_articles(bot, alice):
    reply = await alice.says("/park 兰州高新区")
    assert reply.bold[0] == "兰州高新区"
    assert "国家高新区" in reply.text and "甘肃省" in reply.text
    assert "《兰州高新区探索党建与产业融合新路径》" in reply.text


async def test_park_understands_aliases(bot, alice):
    assert (await alice.says("/park 泸州高新区")).bold[0] == "泸州国家高新区"
    assert (await alice.says("/park 威海高新区")).bold[0] == "威海火炬高新区"


async def test_an_ambiguous_park_name_offers_both_choices_as_buttons(bot, alice):
    reply = await alice.says("/park 兰州")
    assert set(reply.buttons) == {"兰州高新区", "兰州新区"}
    chosen = await alice.presses(reply, "兰州新区")
    assert chosen.bold[0] == "兰州新区"


async def test_an_unknown_park_gets_suggestions_and_the_whole_list(bot, alice, engine):
    reply = await alice.says("/park 泸洲")
    assert "没有找到「泸洲」" in reply.text
    assert "泸州国家高新区" in reply.buttons
    for park in engine.parks():
        assert park.name in reply.text


async def test_park_without_a_name_explains_usage_and_lists_the_parks(bot, alice):
    reply = await alice.says("/park")
    assert "用法" in reply.text
    assert "兰州高新区" in reply.buttons


async def test_stats_shows_the_parks_headline_figures_with_their_sources(bot, alice, engine):
    facts = engine.stats("兰州高新区")[1]
    reply = await alice.says("/stats 兰州高新区")
    assert reply.text.startswith("兰州高新区 · 统计数据")
    assert facts[0].value in reply.bold
    assert f"《兰州高新区探索党建与产业融合新路径》第{facts[0].paragraph}段" in reply.text


async def test_stats_are_paged_with_buttons(bot, alice, engine):
    facts = engine.stats("兰州高新区")[1]
    first = await alice.says("/stats 兰州高新区")
    second = await alice.presses(first, "下一页")
    assert second.edited and second.text.startswith("兰州高新区 · 统计数据")
    assert f"6. {facts[5].label}" in second.text and "上一页" in second.buttons
    assert (await alice.presses(second, "上一页")).text == first.text


async def test_the_last_stats_page_has_no_next_button(bot, alice, engine):
    reply = await alice.says("/stats 柳州高新区")
    assert len(engine.stats("柳州高新区")[1]) <= 5
    assert "下一页" not in reply.buttons


async def test_stats_link_back_to_the_parks_overview(bot, alice):
    reply = await alice.says("/stats 兰州新区")
    overview = await alice.presses(reply, "概况")
    assert overview.text.startswith("兰州新区")


async def test_a_park_overview_shows_its_headline_figures(bot, alice, engine):
    headline = engine.overview("兰州高新区").headline
    reply = await alice.says("/park 兰州高新区")
    assert "主要数据" in reply.text and headline
    assert all(f.value in reply.text for f in headline)


async def test_stats_of_an_ambiguous_name_offers_the_choices(bot, alice):
    reply = await alice.says("/stats 兰州")
    assert set(reply.buttons) == {"兰州高新区", "兰州新区"}


async def test_overview_buttons_lead_to_stats_and_back_to_the_list(bot, alice, engine):
    overview = await alice.says("/park 昆山高新区")
    stats = await alice.presses(overview, "统计数据")
    assert stats.edited and "昆山高新区" in stats.text
    listing = await alice.presses(await alice.presses(stats, "概况"), "全部园区")
    assert set(listing.buttons) == {p.name for p in engine.parks()}


async def test_commands_are_registered_with_chinese_descriptions_at_start(bot, fake):
    commands = {c["command"]: c["description"] for c in fake.state.commands}
    assert {"start", "help", "parks", "park", "stats", "ask"} <= set(commands)
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in d) for d in commands.values())
