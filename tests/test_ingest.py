"""The build turns newspaper pages into clean articles and paragraphs."""

from __future__ import annotations

import codecs
import json
import shutil
from pathlib import Path

import pytest

from bot.ingest import (
    SeedError,
    build_corpus,
    parse_page,
    parse_seeds,
    read_articles,
    read_seed,
    screen,
    seed_paths,
)

from .conftest import CORPUS, SEEDS, corpus_registry


@pytest.fixture(scope="module")
def articles():
    articles, _unplaced = read_articles(SEEDS, corpus_registry())
    return articles


def by_title(articles, fragment: str):
    return next(a for a in articles if fragment in a.title)


def all_text(articles) -> str:
    return "\n".join(p.text for a in articles for p in a.paragraphs)


def test_seeds_are_the_shared_documents_byte_for_byte():
    shared = SEEDS.parent.parent / "shared" / "seeds"
    if not shared.exists():
        pytest.skip("../shared/seeds is not beside this checkout")
    for path in shared.iterdir():
        assert (SEEDS / path.name).read_bytes() == path.read_bytes()


def test_page_001_holds_four_articles_about_four_places(articles):
    titles = [a.title for a in articles if a.seed.startswith("001")]
    assert len(titles) == 4
    assert [a.park for a in articles if a.seed.startswith("001")] == ["兰州新区", "靖远县", "肃北县", "夏河县"]


def test_page_002_holds_three_articles_and_drops_the_advertisement(articles):
    page = [a for a in articles if a.seed.startswith("002")]
    assert len(page) == 3
    text = all_text(page)
    assert "招商热线" not in text and "0851" not in text and "欢迎您" not in text


def test_page_004_holds_two_articles(articles):
    assert [a.park for a in articles if a.seed.startswith("004")] == ["昆山高新区", "贵阳高新区"]


def test_every_article_is_attributed_to_a_park(articles):
    assert all(a.park for a in articles)
    assert by_title(articles, "乒乓球").park == "柳州高新区"


def test_wrap_spaces_inside_chinese_words_are_joined(articles):
    text = all_text(articles)
    assert "国家高新区综合评价" in text and "工业和信息化部" in text
    assert "国家高 新区" not in text and "信息 化部" not in text


def test_half_width_punctuation_in_chinese_becomes_full_width(articles):
    text = all_text([by_title(articles, "逐水草")])
    assert "," not in text and "，" in text


def test_decimal_points_survive_punctuation_normalisation(articles):
    assert "13.7亿元" in all_text(articles) and "95.9%" in all_text(articles)


def test_sentence_cut_by_a_photo_caption_is_joined_again(articles):
    lanzhou = by_title(articles, "兰州高新区探索")
    joined = [p for p in lanzhou.paragraphs if "第二个“1”是发挥好高新区“两新”党委的统筹协调作用" in p.text]
    assert len(joined) == 1 and not joined[0].caption


def test_photo_caption_is_kept_as_its_own_marked_passage(articles):
    luzhou = by_title(articles, "泸州国家高新区")
    captions = [p.text for p in luzhou.paragraphs if p.caption]
    assert "2022年6月，全市第一个产业链党委在泸州国家高新区成立。" in captions


def test_caption_split_over_two_lines_is_one_caption(articles):
    kunshan = by_title(articles, "昆山高新区")
    assert "昆山高新区推行党员“红色实验室”等务实管用做法。" in [p.text for p in kunshan.paragraphs if p.caption]


def test_page_break_inside_a_word_is_joined(articles):
    assert "专职干部分片覆盖小微企业”选派模式" in all_text(articles)


def test_photo_credit_in_the_middle_of_a_sentence_is_dropped(articles):
    text = all_text(articles)
    assert "串联80余家上下游企业和服务机构。" in text


def test_bylines_credits_and_markdown_marks_are_not_text(articles):
    text = all_text(articles)
    for noise in ("本报记者", "供图", "/图", "图片来源", "#", "▶", "党建在高新"):
        assert noise not in text


def test_title_subtitle_and_byline_are_kept(articles):
    lanzhou_new = by_title(articles, "打造集群产业链")
    assert lanzhou_new.subtitle.startswith("兰州新区“四项行动”")
    assert "魏晓倩" in lanzhou_new.byline


def test_place_kicker_joins_the_title(articles):
    assert any(a.title == "靖远：全周期关怀暖人心" for a in articles)


def test_section_headings_are_kept_on_their_paragraphs(articles):
    xuzhou = by_title(articles, "徐州高新区")
    assert any(p.section == "向新图强 协同发展融在“链”上" and "638家" in p.text for p in xuzhou.paragraphs)


def test_inline_byline_at_the_end_is_moved_out_of_the_text(articles):
    luzhou = by_title(articles, "泸州国家高新区")
    assert "综合报道" not in all_text([luzhou]) and "杜英姿" in luzhou.byline


def test_fresh_build_equals_the_committed_corpus(tmp_path: Path):
    out = tmp_path / "corpus"
    shutil.copytree(CORPUS, out)
    for built in ("articles.json", "parks.json", "stats.json", "parks_found.toml"):
        (out / built).unlink()
    build_corpus(SEEDS, out)
    for built in ("articles.json", "parks.json", "stats.json", "parks_found.toml"):
        assert (out / built).read_text(encoding="utf-8") == (CORPUS / built).read_text(encoding="utf-8"), built


@pytest.mark.parametrize("content,reason", [(b"", "empty"), (b"\x00\x01binary\x00", "binary"),
                                            ("兰州".encode("gbk") + b"\xff\xfe", "UTF-8")])
def test_broken_seed_stops_the_build_naming_the_file_and_keeps_the_corpus(tmp_path: Path, content, reason):
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    (seeds / "009_broken.txt").write_bytes(content)
    out = tmp_path / "corpus"
    shutil.copytree(CORPUS, out)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    with pytest.raises(SeedError, match=r"009_broken\.txt") as err:
        build_corpus(seeds, out)
    assert reason in str(err.value)
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before


def test_a_page_with_one_unmarked_article_is_parsed():
    page = "\n\n某某高新区党建见闻\n\n▶ 本报记者 张三\n\n某某高新区今年新建党支部3个。\n"
    [article] = parse_page(page, "x.txt", "x")
    assert article.title == "某某高新区党建见闻" and article.byline == "本报记者 张三"
    assert [p.text for p in article.paragraphs] == ["某某高新区今年新建党支部3个。"]


def test_corpus_files_are_valid_json():
    for name in ("articles.json", "parks.json", "stats.json"):
        json.loads((CORPUS / name).read_text(encoding="utf-8"))


def test_heading_closes_a_paragraph_whose_end_was_lost_in_print(articles):
    guiyang = by_title(articles, "贵阳高新区")
    assert not any("党建工作示贵阳高新区" in p.text for p in guiyang.paragraphs)
    assert any(p.text.startswith("贵阳高新区通过将党建") for p in guiyang.paragraphs)


def test_line_opening_with_a_time_phrase_starts_a_new_paragraph(articles):
    kunshan = by_title(articles, "昆山高新区")
    assert any(p.text.startswith("近年来，昆山高新区坚持党建引领") for p in kunshan.paragraphs)


PAGE = "\n\n某某高新区党建见闻\n\n▶ 本报记者 张三\n\n某某高新区今年新建党支部3个。\n"


def test_an_article_repeating_another_is_dropped_with_a_note_naming_both():
    articles = parse_page(PAGE, "005.txt", "005") + parse_page(PAGE, "006.txt", "006")
    kept, notes, _ = screen(articles, ["005.txt", "006.txt"])
    assert [a.article_id for a in kept] == ["005-1"]
    assert len(notes) == 1 and "006-1（006.txt）" in notes[0] and "005-1（005.txt）" in notes[0]


def test_a_seed_that_yields_no_article_is_named_in_a_note():
    kept, notes, _ = screen(parse_page(PAGE, "005.txt", "005"), ["005.txt", "007_headings.txt"])
    assert len(kept) == 1
    assert len(notes) == 1 and "007_headings.txt" in notes[0]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-8-sig"])
def test_a_seed_saved_with_a_byte_order_mark_is_read(tmp_path: Path, encoding):
    path = tmp_path / "005.txt"
    data = PAGE.encode(encoding)
    path.write_bytes(codecs.BOM_UTF16_BE + data if encoding == "utf-16-be" else data)
    assert read_seed(path) == PAGE


def test_control_characters_and_escape_sequences_in_a_seed_do_not_reach_the_text():
    page = PAGE.replace("今年", "\x1b[31m今年\x01").replace("党建", "党\u200b建")
    [article] = parse_page(page, "005.txt", "005")
    assert article.title == "某某高新区党建见闻"
    assert [p.text for p in article.paragraphs] == ["某某高新区今年新建党支部3个。"]


def test_seeds_are_read_in_the_order_of_their_numbers(tmp_path: Path):
    """`1000_…` sorts before `101_…` by name; by number it comes after 999, so the newest seed is always the last."""
    for n in (1000, 101, 999, 7):
        (tmp_path / f"{n:03d}_abc.txt").write_text(PAGE.replace("3个", f"{n}个"), encoding="utf-8")
    (tmp_path / "extra.txt").write_text(PAGE.replace("3个", "5个"), encoding="utf-8")
    assert [p.name for p in seed_paths(tmp_path)] == ["007_abc.txt", "101_abc.txt", "999_abc.txt", "1000_abc.txt",
                                                      "extra.txt"]
    ids = [a.article_id for a in parse_seeds(tmp_path)]
    assert ids == ["007-1", "101-1", "999-1", "1000-1", "extra-1"]


def test_the_committed_seeds_keep_their_order():
    assert [p.name for p in seed_paths(SEEDS)] == sorted(p.name for p in SEEDS.iterdir() if not p.name.startswith("."))
