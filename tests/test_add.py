"""`python -m bot add` / `remove`: a new web article stored, its park placed or registered, the corpus rebuilt.

The two fixtures are web articles as copied from the sites (tests/fixtures/): 武进国家高新区 from
中国江苏网 with its `2024年05月13日来源:中国江苏网` line, and 徐庄高新区 from 龙虎网 opening with the
dateline 「龙虎网讯(通讯员 任乐萍 记者 汤鑫磊)」. Each test works on its own copy of seeds/ and corpus/.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot import render
from bot.cli import main
from bot.engine import Engine
from bot.ingest import build_corpus, parse_page
from bot.seeds import AddError, add, remove

from .conftest import CORPUS, SEEDS

FIXTURES = Path(__file__).parent / "fixtures"
WUJIN = FIXTURES / "wujin_jschina.txt"
XUZHUANG = FIXTURES / "xuzhuang_longhoo.txt"
BUILT = ("articles.json", "parks.json", "stats.json", "parks_found.toml")


def copy_of_project(root: Path) -> tuple[Path, Path]:
    """seeds/ and corpus/ as committed, less the fixtures themselves if `bot add` has put them there, rebuilt."""
    seeds, corpus = root / "seeds", root / "corpus"
    fixtures = {WUJIN.read_bytes(), XUZHUANG.read_bytes()}
    shutil.copytree(SEEDS, seeds, ignore=lambda d, names: [n for n in names if (Path(d) / n).read_bytes() in fixtures])
    shutil.copytree(CORPUS, corpus, ignore=shutil.ignore_patterns("index"))
    if len(list(seeds.iterdir())) < len(list(SEEDS.iterdir())):
        build_corpus(seeds, corpus)
    return seeds, corpus


def next_number(seeds: Path) -> int:
    return max(int(p.name[:3]) for p in seeds.iterdir() if p.name[:3].isdigit()) + 1


def snapshot(*dirs: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for d in dirs for p in sorted(d.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def added(tmp_path_factory):
    """Both fixtures added to a copy of the project, as `python -m bot add` does."""
    seeds, corpus = copy_of_project(tmp_path_factory.mktemp("project"))
    change = add(seeds, corpus, [(WUJIN.name, WUJIN.read_bytes()), (XUZHUANG.name, XUZHUANG.read_bytes())])
    return change, seeds, corpus, Engine.load(corpus)


# -- web-article cleaning ----------------------------------------------------------------------


def test_a_source_line_is_metadata_not_a_heading():
    [article] = parse_page(WUJIN.read_text(encoding="utf-8"), "x.txt", "x")
    assert (article.date, article.source, article.editor) == ("2024-05-13", "中国江苏网", "王珏")
    assert all(p.section == "" and "来源" not in p.text for p in article.paragraphs)


def test_a_dateline_moves_to_the_byline_and_out_of_the_text():
    [article] = parse_page(XUZHUANG.read_text(encoding="utf-8"), "x.txt", "x")
    assert article.byline == "通讯员 任乐萍 记者 汤鑫磊" and article.source == "龙虎网"
    assert article.paragraphs[0].text.startswith("位于南京市玄武区的徐庄高新区")
    assert not any("编辑" in p.text for p in article.paragraphs)


# -- add ---------------------------------------------------------------------------------------


def test_each_article_is_stored_under_the_documented_seed_name(added):
    change, seeds, _, _ = added
    assert [p.name for p in sorted(seeds.iterdir())][-2:] == change.seeds
    numbers = [int(name[:3]) for name in change.seeds]
    assert numbers[1] == numbers[0] + 1
    assert all(int(p.name[:3]) < numbers[0] for p in seeds.iterdir() if p.name not in change.seeds)
    assert all(len(name) == len("005_") + 16 + len(".txt") for name in change.seeds)


def test_a_known_park_is_placed_and_an_unknown_one_registered(added):
    change, _, corpus, _ = added
    by_title = {s.title.split("：")[0]: s for s in change.articles}
    assert (by_title["武进国家高新区"].park, by_title["武进国家高新区"].registered) == ("武进国家高新区", False)
    assert (by_title["徐庄高新区"].park, by_title["徐庄高新区"].registered) == ("徐庄高新区", True)
    found = (corpus / "parks_found.toml").read_text(encoding="utf-8")
    assert 'name = "徐庄高新区"' in found and 'province = "江苏省"' in found and 'city = "南京市"' in found
    assert "武进" not in found  # parks.toml has it: the hand-kept registry wins


def test_the_preview_counts_paragraphs_and_figures(added):
    change, _, _, engine = added
    for s in change.articles:
        article = engine.article(s.article_id)
        assert article is not None and s.paragraphs == len(article.paragraphs) > 3
        assert s.figures == sum(1 for f in engine.facts if f.article_id == s.article_id) > 5


@pytest.mark.parametrize("question,figure", [
    ("武进国家高新区有多少家高新技术企业？", "586家"),
    ("徐庄高新区有多少家高新技术企业？", "312家"),
    ("徐庄高新区有多少名党员？", "3400余名"),
    ("武进国家高新区有几大产业片区？", "五大产业片区"),  # a Chinese numeral before a measure word
    ("徐庄高新区构建了几级组织体系？", "三级组织体系"),
])
def test_questions_about_both_parks_are_answered_from_their_articles(added, question, figure):
    answer = added[3].ask(question)
    assert answer.found and figure in answer.hits[0].excerpt
    assert answer.hits[0].park == question[:question.index("区") + 1]


def test_a_real_name_is_not_taken_for_a_typo_of_another(added):
    engine = added[3]
    assert engine.park("徐庄高新区").park.name == "徐庄高新区"
    assert engine.park("徐州高新区").park.name == "徐州高新区"
    ambiguous = engine.park("徐洲高新区")
    assert ambiguous.status == "ambiguous" and set(ambiguous.candidates) == {"徐州高新区", "徐庄高新区"}


def test_a_question_naming_a_name_two_parks_fit_is_asked_back(added):
    answer = added[3].ask("徐洲高新区有多少家企业？")
    assert not answer.found and answer.reason == "ambiguous"
    assert set(answer.parks) == {"徐州高新区", "徐庄高新区"}
    assert "徐州高新区" in render.no_answer(answer) and "徐庄高新区" in render.no_answer(answer)


def test_chinese_numeral_groups_are_figures(added):
    facts = {(f.value, f.label) for f in added[3].facts}
    assert {("五大", "产业片区"), ("三级", "组织体系")} <= facts


def test_a_dry_run_writes_nothing(tmp_path):
    seeds, corpus = copy_of_project(tmp_path)
    before = snapshot(seeds, corpus)
    change = add(seeds, corpus, [(XUZHUANG.name, XUZHUANG.read_bytes())], dry_run=True)
    assert not change.written and change.articles[0].park == "徐庄高新区"
    assert snapshot(seeds, corpus) == before


def test_park_option_places_the_article_by_hand(tmp_path):
    seeds, corpus = copy_of_project(tmp_path)
    change = add(seeds, corpus, [(XUZHUANG.name, XUZHUANG.read_bytes())], park="玄武高新园")
    assert change.articles[0].park == "玄武高新园" and change.articles[0].registered
    placed = change.articles[0].article_id
    assert f'[[placement]]\narticle = "{placed}"\npark = "玄武高新园"' in (corpus / "parks_found.toml").read_text()


def test_gbk_text_is_converted_with_a_note(tmp_path):
    seeds, corpus = copy_of_project(tmp_path)
    change = add(seeds, corpus, [("gbk.txt", XUZHUANG.read_text(encoding="utf-8").encode("gbk"))], dry_run=True)
    assert change.converted == {"gbk.txt": "GB18030"}
    assert "GB18030" in render.add_text(change)


def test_remove_takes_an_added_article_out_again(tmp_path):
    seeds, corpus = copy_of_project(tmp_path)
    before = {name: (corpus / name).read_text(encoding="utf-8") for name in BUILT}
    change = add(seeds, corpus, [(XUZHUANG.name, XUZHUANG.read_bytes())])
    removed = remove(seeds, corpus, change.articles[0].article_id)
    assert removed.written and not (seeds / change.seeds[0]).exists()
    assert {name: (corpus / name).read_text(encoding="utf-8") for name in BUILT} == before


# -- bad input: one line naming the input, nothing written -----------------------------------------

BAD = {
    "empty": b"  \n\n",
    "binary": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 20,
    "too_big": ("园区党建" * 1_000_000).encode("utf-8"),
    "nothing": "党建引领\n\n产业发展\n\n楼宇党建\n\n人才服务\n\n科技创新\n\n数字经济发展新高地\n".encode(),
    "not_chinese": b"Hello world, this is an English text.\n" * 20,
}


@pytest.mark.parametrize("problem", sorted(BAD))
def test_bad_input_is_refused_naming_the_file_and_nothing_is_written(tmp_path, problem):
    seeds, corpus = copy_of_project(tmp_path)
    before = snapshot(seeds, corpus)
    with pytest.raises(AddError) as err:
        add(seeds, corpus, [(f"{problem}.txt", BAD[problem])])
    assert err.value.problem == problem
    line = render.add_error(err.value)
    assert f"{problem}.txt" in line and "\n" not in line
    assert snapshot(seeds, corpus) == before


def test_an_article_already_in_the_seeds_is_a_duplicate(tmp_path):
    seeds, corpus = copy_of_project(tmp_path)
    page = (SEEDS / "003_341c0684415e400c.txt").read_bytes()
    with pytest.raises(AddError) as err:
        add(seeds, corpus, [("again.txt", page)])
    assert err.value.problem == "duplicate" and "003_341c0684415e400c.txt" in err.value.detail


def test_the_same_article_with_other_line_breaks_is_a_duplicate(tmp_path):
    seeds, corpus = copy_of_project(tmp_path)
    add(seeds, corpus, [(XUZHUANG.name, XUZHUANG.read_bytes())])
    with pytest.raises(AddError) as err:
        add(seeds, corpus, [("copy.txt", XUZHUANG.read_text(encoding="utf-8").replace("\n\n", "\n\n\n").encode())])
    assert err.value.problem == "duplicate" and f"{next_number(seeds) - 1:03d}-1" in err.value.detail


@pytest.mark.parametrize("broken,expected", [
    ('\n[[park]]\nname = "某某高新区"\nkind = "国家高新区"\n',
     ["parks.toml", "第 13 个条目", "某某高新区", "province"]),
    ('\n[[park]\nname = "x"\n', ["parks.toml", "TOML 语法错误"]),
])
def test_a_broken_parks_toml_is_one_line_naming_file_and_entry(tmp_path, monkeypatch, capsys, broken, expected):
    seeds, corpus = copy_of_project(tmp_path)
    with (corpus / "parks.toml").open("a", encoding="utf-8") as registry:
        registry.write(broken)
    before = snapshot(seeds, corpus)
    monkeypatch.setenv("SEEDS_DIR", str(seeds))
    monkeypatch.setenv("CORPUS_DIR", str(corpus))
    assert main(["add", str(XUZHUANG)]) == 1
    err = capsys.readouterr().err.strip()
    assert all(part in err for part in expected) and "\n" not in err
    assert snapshot(seeds, corpus) == before


def test_add_on_the_command_line_prints_each_article_and_its_park(tmp_path, monkeypatch, capsys):
    seeds, corpus = copy_of_project(tmp_path)
    monkeypatch.setenv("SEEDS_DIR", str(seeds))
    monkeypatch.setenv("CORPUS_DIR", str(corpus))
    assert main(["add", "--dry-run", str(XUZHUANG)]) == 0
    out = capsys.readouterr().out
    assert "徐庄高新区：楼宇党建串起创新生态链" in out and "新登记园区 徐庄高新区" in out and "5 段" in out


def test_nothing_parsed_exits_non_zero(tmp_path, monkeypatch, capsys):
    seeds, corpus = copy_of_project(tmp_path)
    monkeypatch.setenv("SEEDS_DIR", str(seeds))
    monkeypatch.setenv("CORPUS_DIR", str(corpus))
    headings = tmp_path / "headings.md"
    headings.write_bytes(BAD["nothing"])
    assert main(["add", str(headings)]) == 1
    assert "headings.md" in capsys.readouterr().err


# -- a registered park with no article yet -------------------------------------------------------


def test_a_registered_park_without_articles_is_listed_and_answered_not_found(tmp_path):
    _, corpus = copy_of_project(tmp_path)
    with (corpus / "parks.toml").open("a", encoding="utf-8") as registry:
        registry.write('\n[[park]]\nname = "某某高新区"\nkind = "国家高新区"\nprovince = "江苏省"\n')
    from bot.ingest import build_corpus

    build_corpus(SEEDS, corpus)
    engine = Engine.load(corpus)
    assert "某某高新区" in render.parks_text(engine.parks())
    answer = engine.ask("某某高新区有多少家高新技术企业？")
    assert not answer.found and answer.reason == "not_found"
    parks = json.loads((corpus / "parks.json").read_text(encoding="utf-8"))
    assert next(p for p in parks if p["name"] == "某某高新区")["articles"] == []


def test_add_saves_the_index_the_next_load_uses(tmp_path, monkeypatch, caplog):
    seeds, corpus = copy_of_project(tmp_path)
    monkeypatch.setenv("SEEDS_DIR", str(seeds))
    monkeypatch.setenv("CORPUS_DIR", str(corpus))
    assert main(["add", str(XUZHUANG)]) == 0
    caplog.clear()
    engine = Engine.load(corpus)
    assert engine.article(f"{next_number(seeds) - 1:03d}-1") is not None and "search index" not in caplog.text


def test_the_build_names_an_unplaced_article_by_title_and_the_names_it_saw(tmp_path, monkeypatch):
    seeds, corpus = copy_of_project(tmp_path)
    page = "园区党建见闻\n\n▶ 本报记者 李华\n\n杭州高新区近年来持续推进党建工作，杭州高新区共有高新技术企业1200家。\n"
    (seeds / "900_x.txt").write_text(page, encoding="utf-8")
    monkeypatch.setenv("SEEDS_DIR", str(seeds))
    monkeypatch.setenv("CORPUS_DIR", str(corpus))
    import io

    out = io.StringIO()
    assert main(["build"], out) == 0
    line = next(x for x in out.getvalue().splitlines() if "900-1" in x)
    assert "《园区党建见闻》" in line and "杭州高新区" in line and "--park" in line


def test_park_shows_a_found_park_and_a_park_without_articles(added, tmp_path):
    engine = added[3]
    assert "自动登记" in render.park_text(engine.overview("徐庄高新区"))
    _, corpus = copy_of_project(tmp_path)
    assert render.NO_ARTICLES in render.park_text(Engine.load(corpus).overview("武进国家高新区"))
