"""`add` reads and cuts only the new article when that is exact: corpus/ and the index equal a full build's.

Each test works on a copy of a project built as `python -m bot build` leaves it (corpus/, its
search index and the build's stamp under corpus/index/), made once per module.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from bot import engine as engine_module
from bot.cli import main
from bot.engine import Engine
from bot.ingest import build_corpus, parse_page, plan_build, read_seed, seed_paths
from bot.seeds import add, remove

from .test_add import BUILT, WUJIN, XUZHUANG, copy_of_project
from .test_index import ARRAYS, questions

TEMPLATES = ("seeds", "repeated")  # the seed corpus; and with a page repeating another (the build drops it, noted)


def prepare(root: Path, repeated: bool) -> Path:
    seeds, corpus = copy_of_project(root)
    if repeated:
        first = seed_paths(seeds)[0]
        (seeds / "005_repeat.txt").write_text(read_seed(first) + "\n", encoding="utf-8")
    build_corpus(seeds, corpus)
    Engine.load(corpus)  # the saved index, as `python -m bot build` leaves it
    return root


@pytest.fixture(scope="module")
def templates(tmp_path_factory) -> dict[str, Path]:
    return {name: prepare(tmp_path_factory.mktemp(name), name == "repeated") for name in TEMPLATES}


def project(templates: dict[str, Path], tmp_path: Path, name: str = "seeds") -> tuple[Path, Path]:
    shutil.copytree(templates[name], tmp_path / "p")
    return tmp_path / "p" / "seeds", tmp_path / "p" / "corpus"


def fresh_engine(corpus: Path, tmp_path: Path) -> Engine:
    """An engine over a copy of `corpus` whose index is built from nothing."""
    copy = tmp_path / "fresh"
    shutil.copytree(corpus, copy, ignore=shutil.ignore_patterns("index"))
    return Engine.load(copy)


@pytest.mark.parametrize("template", TEMPLATES)
def test_an_article_added_alone_gives_the_files_of_a_full_build_byte_for_byte(templates, tmp_path, template):
    seeds, corpus = project(templates, tmp_path, template)
    change = add(seeds, corpus, [(WUJIN.name, WUJIN.read_bytes())])
    assert change.how == "incremental" and change.written
    full = plan_build(seeds, corpus)
    for name in BUILT:
        assert (corpus / name).read_text(encoding="utf-8") == full.outputs[name], name
    assert change.build is not None
    assert change.build.report == full.report
    assert [f.to_dict() for f in change.build.facts] == [f.to_dict() for f in full.facts]
    assert [a.to_dict() for a in change.build.articles] == [a.to_dict() for a in full.articles]
    if template == "repeated":
        assert full.report.notes  # the repeated page's articles, dropped with a note the stamp kept


def test_the_next_add_extends_again(templates, tmp_path):
    seeds, corpus = project(templates, tmp_path)
    first = add(seeds, corpus, [(WUJIN.name, WUJIN.read_bytes())])
    Engine.from_build(first.build, corpus)
    page = WUJIN.read_text(encoding="utf-8").replace("武进国家高新区", "昆山高新区").replace("。", "。\n", 1)
    second = add(seeds, corpus, [("second.txt", page.encode("utf-8"))])
    assert second.how == "incremental"
    full = plan_build(seeds, corpus)
    assert all((corpus / name).read_text(encoding="utf-8") == full.outputs[name] for name in BUILT)


@pytest.mark.parametrize("part", ["index", "pairs"])
def test_the_extended_index_equals_a_full_build_bit_for_bit(templates, tmp_path, part):
    seeds, corpus = project(templates, tmp_path)
    change = add(seeds, corpus, [(WUJIN.name, WUJIN.read_bytes())])
    extended = Engine.from_build(change.build, corpus)
    assert extended.extended
    full = fresh_engine(corpus, tmp_path)
    a, b = getattr(extended, part), getattr(full, part)
    assert a.vocab == b.vocab and {**a.meta, "corpus": ""} == {**b.meta, "corpus": ""}
    for name in ARRAYS:
        assert np.array_equal(getattr(a, name), getattr(b, name)), name


def test_the_engine_over_an_extended_index_answers_every_question_as_over_a_full_build(templates, tmp_path):
    seeds, corpus = project(templates, tmp_path)
    change = add(seeds, corpus, [(WUJIN.name, WUJIN.read_bytes())])
    extended, full = Engine.from_build(change.build, corpus), fresh_engine(corpus, tmp_path)
    asked = [*questions(), "武进国家高新区有多少个党组织？", "武进高新区的红色引擎是什么？"]
    for q in asked:
        one, other = extended.ask(q, top_k=10), full.ask(q, top_k=10)
        assert (one.found, one.reason) == (other.found, other.reason), q
        assert [(h.article_id, h.paragraph, h.score) for h in one.hits] == \
               [(h.article_id, h.paragraph, h.score) for h in other.hits], q


def test_only_the_new_paragraphs_are_cut(templates, tmp_path, monkeypatch):
    seeds, corpus = project(templates, tmp_path)
    change = add(seeds, corpus, [(WUJIN.name, WUJIN.read_bytes())])
    cut: list[str] = []
    real = engine_module.bigrams
    monkeypatch.setattr(engine_module, "bigrams", lambda text: cut.append(text) or real(text))
    Engine.from_build(change.build, corpus)
    [article] = parse_page(WUJIN.read_text(encoding="utf-8"), "x.txt", "x")
    assert len(cut) == len(article.paragraphs)


def test_a_new_park_builds_everything_again_and_says_why(templates, tmp_path, monkeypatch, capsys):
    seeds, corpus = project(templates, tmp_path)
    monkeypatch.setenv("SEEDS_DIR", str(seeds))
    monkeypatch.setenv("CORPUS_DIR", str(corpus))
    assert main(["add", str(XUZHUANG)]) == 0
    out = capsys.readouterr().out
    assert "新登记园区 徐庄高新区" in out and "每个段落都要重新切分" in out
    full = plan_build(seeds, corpus)
    assert all((corpus / name).read_text(encoding="utf-8") == full.outputs[name] for name in BUILT)


def test_the_command_line_says_only_the_new_article_was_read_and_saves_the_index_the_next_load_uses(
        templates, tmp_path, monkeypatch, capsys, caplog):
    seeds, corpus = project(templates, tmp_path)
    monkeypatch.setenv("SEEDS_DIR", str(seeds))
    monkeypatch.setenv("CORPUS_DIR", str(corpus))
    assert main(["add", str(WUJIN)]) == 0
    out = capsys.readouterr().out
    assert "归入 武进国家高新区" in out and "增量更新" in out and "6 段" in out
    caplog.clear()
    assert Engine.load(corpus).ask("武进国家高新区有多少个党组织？").found and "search index" not in caplog.text


def test_a_dry_run_of_an_incremental_add_writes_nothing_and_previews_as_before(templates, tmp_path):
    seeds, corpus = project(templates, tmp_path)
    before = {p: p.read_bytes() for d in (seeds, corpus) for p in sorted(d.rglob("*")) if p.is_file()}
    change = add(seeds, corpus, [(WUJIN.name, WUJIN.read_bytes())], dry_run=True)
    assert change.how == "incremental" and not change.written
    assert [(s.park, s.paragraphs) for s in change.articles] == [("武进国家高新区", 6)]
    assert {p: p.read_bytes() for d in (seeds, corpus) for p in sorted(d.rglob("*")) if p.is_file()} == before


@pytest.mark.parametrize("park, how", [("武进国家高新区", "incremental"), ("昆山高新区", "incremental"),
                                       ("某某新建高新区", "new_park")])
def test_park_option_extends_unless_it_names_a_new_park(templates, tmp_path, park, how):
    seeds, corpus = project(templates, tmp_path)
    change = add(seeds, corpus, [(WUJIN.name, WUJIN.read_bytes())], park=park)
    assert change.how == how and change.articles[0].park == park
    full = plan_build(seeds, corpus)
    assert all((corpus / name).read_text(encoding="utf-8") == full.outputs[name] for name in BUILT)


def edit_registry(seeds: Path, corpus: Path) -> None:
    with (corpus / "parks.toml").open("a", encoding="utf-8") as registry:
        registry.write("\n# a comment added by hand\n")


def edit_seed(seeds: Path, corpus: Path) -> None:
    path = seed_paths(seeds)[-1]
    path.write_text(read_seed(path) + "\n", encoding="utf-8")


def edit_corpus(seeds: Path, corpus: Path) -> None:
    path = corpus / "stats.json"
    path.write_text(path.read_text(encoding="utf-8").replace("[\n", "[\n\n", 1), encoding="utf-8")


def drop_index(seeds: Path, corpus: Path) -> None:
    shutil.rmtree(corpus / "index")


def garble_stamp(seeds: Path, corpus: Path) -> None:
    (corpus / "index" / "build.json").write_text('{"format": 2, "code": "x"}', encoding="utf-8")


@pytest.mark.parametrize("edit, how", [(edit_registry, "changed"), (edit_seed, "changed"), (edit_corpus, "changed"),
                                       (drop_index, "unrecorded"), (garble_stamp, "unrecorded")])
def test_a_corpus_not_built_from_what_is_there_now_is_built_in_full(templates, tmp_path, edit, how):
    seeds, corpus = project(templates, tmp_path)
    edit(seeds, corpus)
    change = add(seeds, corpus, [(WUJIN.name, WUJIN.read_bytes())])
    assert change.how == how
    full = plan_build(seeds, corpus)
    assert all((corpus / name).read_text(encoding="utf-8") == full.outputs[name] for name in BUILT)
    assert add(seeds, corpus, [("again.txt", XUZHUANG.read_bytes())], dry_run=True).how == "new_park"


def test_the_thousandth_seed_comes_last_and_is_added_alone(templates, tmp_path):
    seeds, corpus = project(templates, tmp_path)
    last = seed_paths(seeds)[-1]
    last.rename(seeds / f"999{last.name[3:]}")
    build_corpus(seeds, corpus)
    Engine.load(corpus)
    change = add(seeds, corpus, [(WUJIN.name, WUJIN.read_bytes())])
    assert change.seeds[0].startswith("1000_") and change.how == "incremental"
    assert change.articles[0].article_id == "1000-1"
    full = plan_build(seeds, corpus)
    assert all((corpus / name).read_text(encoding="utf-8") == full.outputs[name] for name in BUILT)
    assert Engine.from_build(change.build, corpus).extended


def test_a_remove_builds_everything_again_and_the_next_add_extends(templates, tmp_path):
    seeds, corpus = project(templates, tmp_path)
    added = add(seeds, corpus, [(WUJIN.name, WUJIN.read_bytes())])
    removed = remove(seeds, corpus, added.seeds[0][:3])
    assert removed.how == "remove"
    Engine.from_build(removed.build, corpus)
    again = add(seeds, corpus, [(WUJIN.name, WUJIN.read_bytes())])
    assert again.how == "incremental" and Engine.from_build(again.build, corpus).extended
