"""The saved index: used only when built from this corpus and lexicon, rebuilt with one log line otherwise."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.engine import INDEX_DIR, Engine
from bot.index import IndexStore, SparseIndex
from bot.tokens import Tokenizer

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "兰州高新区有多少家高新技术企业？"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    out = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", out, ignore=shutil.ignore_patterns(INDEX_DIR))
    return out


def index_logs(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "bot.index"]


def saved(corpus: Path) -> list[Path]:
    return [p for p in (corpus / INDEX_DIR).iterdir() if p.is_dir() and not p.name.startswith(".")]


def test_a_missing_index_is_built_and_saved_with_one_log_line(corpus, caplog):
    Engine.load(corpus)
    assert len(index_logs(caplog)) == 1 and "missing" in index_logs(caplog)[0]
    assert len(saved(corpus)) == 1


def test_a_saved_index_is_loaded_without_cutting_the_corpus_again(corpus, caplog, monkeypatch):
    first = Engine.load(corpus).ask(QUESTION)
    caplog.clear()
    cuts = []
    original = Tokenizer.__call__
    monkeypatch.setattr(Tokenizer, "__call__", lambda self, text: cuts.append(text) or original(self, text))
    engine = Engine.load(corpus)
    assert cuts == [] and index_logs(caplog) == []
    assert engine.ask(QUESTION).hits == first.hits


def test_an_index_of_another_corpus_text_is_not_used(corpus, caplog):
    Engine.load(corpus)
    articles = json.loads((corpus / "articles.json").read_text(encoding="utf-8"))
    articles[0]["paragraphs"][0]["text"] += "新增的句子提到了量子计算产业园。"
    (corpus / "articles.json").write_text(json.dumps(articles, ensure_ascii=False), encoding="utf-8")
    caplog.clear()
    engine = Engine.load(corpus)
    assert len(index_logs(caplog)) == 1 and "another corpus" in index_logs(caplog)[0]
    assert engine.index.idf("量子") > 0
    assert len(saved(corpus)) == 1  # the stale one is removed


def test_a_damaged_index_is_rebuilt_with_one_log_line_and_answers_as_before(corpus, caplog):
    first = Engine.load(corpus).ask(QUESTION)
    weights = saved(corpus)[0] / "words" / "weights.npy"
    weights.write_bytes(weights.read_bytes()[:-100])
    caplog.clear()
    engine = Engine.load(corpus)
    assert len(index_logs(caplog)) == 1 and "unreadable" in index_logs(caplog)[0]
    assert engine.ask(QUESTION).hits == first.hits
    caplog.clear()
    Engine.load(corpus)
    assert index_logs(caplog) == []  # the rebuilt index was saved


KEY = {"corpus": "c1", "lexicon": "l1"}
DOCS = [["党建", "引领"], ["产业", "链"], ["党建", "企业"]]


def small_store(root: Path) -> tuple[IndexStore, dict[str, SparseIndex]]:
    store = IndexStore(root)
    indexes = {"words": SparseIndex.build(DOCS), "pairs": SparseIndex.build(DOCS)}
    store.save(KEY, {part: lambda index=index: index for part, index in indexes.items()})
    return store, indexes


@pytest.mark.parametrize("damage", ["truncate", "zeros", "delete", "meta", "key"])
def test_a_damaged_index_is_refused_with_one_log_line(tmp_path, caplog, damage):
    store, _ = small_store(tmp_path)
    where = tmp_path / store.name(KEY)
    weights = where / "words" / "weights.npy"
    if damage == "truncate":
        weights.write_bytes(weights.read_bytes()[:-8])
    elif damage == "zeros":
        weights.write_bytes(b"\x00" * weights.stat().st_size)
    elif damage == "delete":
        (where / "pairs" / "vocab.json").unlink()
    elif damage == "meta":
        (where / "meta.json").write_text("{not json", encoding="utf-8")
    else:
        (where / "meta.json").write_text(json.dumps({"key": {**KEY, "corpus": "c2"}, "sizes": {}}), encoding="utf-8")
    assert store.load(KEY, ("words", "pairs")) is None
    assert len(index_logs(caplog)) == 1 and "unreadable" in index_logs(caplog)[0]


def test_a_save_interrupted_before_its_rename_leaves_the_previous_index_in_use(tmp_path, caplog, monkeypatch):
    store, indexes = small_store(tmp_path)

    def killed(self, directory):
        directory.mkdir(parents=True)
        (directory / "idf.npy").write_bytes(b"half")
        raise KeyboardInterrupt  # as a kill would, mid-write

    monkeypatch.setattr(SparseIndex, "save", killed)
    monkeypatch.setattr("bot.index.os.getpid", lambda: 4194305)  # above Linux's highest process id: a dead build
    for key in (KEY, {**KEY, "corpus": "c2"}):
        with pytest.raises(KeyboardInterrupt):
            store.save(key, {"words": lambda: indexes["words"]})
    monkeypatch.undo()
    loaded = store.load(KEY, ("words", "pairs"))
    assert loaded is not None and index_logs(caplog) == []
    assert loaded["words"].scores(["党建"]).tolist() == indexes["words"].scores(["党建"]).tolist()
    store.save({**KEY, "corpus": "c3"}, {"words": lambda: indexes["words"]})  # clears what the dead build left
    assert [p.name for p in tmp_path.iterdir()] == [store.name({**KEY, "corpus": "c3"})]
