"""The sparse index ranks exactly as rank-bm25 (with Lucene's IDF) does; both keep the interface's promises."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from bot.engine import Engine, Options
from bot.index import MAX_QUERY_TERMS, RankBM25Index, SparseIndex, bigrams, top

ROOT = Path(__file__).resolve().parent.parent
QUESTION_SETS = [ROOT / "benchmarks" / "own_qa.jsonl", ROOT.parent / "shared" / "eval" / "dev_qa.jsonl",
                 ROOT / "benchmarks" / "chat_qa.jsonl", ROOT / "benchmarks" / "fresh_qa.jsonl",
                 ROOT / "benchmarks" / "street_qa.jsonl"]
DOCS = [["党建", "引领", "产业", "党建"], ["产业", "链", "党委"], ["高新", "企业", "企业", "党建"], [], ["链"]]


def questions() -> list[str]:
    """Every question of the own, dev and chat sets that are present, read at test time."""
    return [json.loads(line)["q"] for path in QUESTION_SETS if path.exists()
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def ranking(scores: np.ndarray, k: int = 10) -> list[tuple[float, int]]:
    """Top k as (score, doc), scores rounded so that sums taken in another order compare equal."""
    return sorted((-round(s.score, 9), s.doc) for s in top(scores, k))


@pytest.fixture(scope="module")
def seed_indexes(engine: Engine):
    texts = [engine._doc_text(d) for d in engine.docs]
    words = [engine.tokenize(t) for t in texts]
    pairs = [bigrams(t) for t in texts]
    return (RankBM25Index(words), SparseIndex.build(words)), (RankBM25Index(pairs), SparseIndex.build(pairs))


def test_sparse_index_ranks_every_question_as_rank_bm25_does(engine, seed_indexes):
    (ref_words, fast_words), (ref_pairs, fast_pairs) = seed_indexes
    asked = questions()
    assert len(asked) >= 60
    for q in asked:
        tokens, pairs = engine.tokenize(q), bigrams(q)
        assert ranking(fast_words.scores(tokens)) == ranking(ref_words.scores(tokens)), q
        assert ranking(fast_pairs.scores(pairs)) == ranking(ref_pairs.scores(pairs)), q


def test_engine_on_the_sparse_index_answers_every_question_as_on_rank_bm25(engine):
    reference = Engine.load(ROOT / "corpus", Options(reference_index=True))
    for q in questions():
        fast, ref = engine.ask(q, top_k=10), reference.ask(q, top_k=10)
        assert fast.found == ref.found, q
        assert [(h.article_id, h.paragraph, h.score) for h in fast.hits] == \
               [(h.article_id, h.paragraph, h.score) for h in ref.hits], q


@pytest.mark.parametrize("kind", [RankBM25Index, SparseIndex.build])
def test_index_answers_idf_contains_and_postings(kind):
    index = kind(DOCS)
    assert index.size == 5
    assert index.idf("党委") > index.idf("党建") > 0 and index.idf("没有") == 0
    assert index.contains(0, "党建") and index.contains(4, "链") and not index.contains(3, "链")
    assert not index.contains(1, "没有")
    assert index.docs_with("党建").tolist() == [0, 2] and index.docs_with("没有").tolist() == []


def test_sparse_scores_equal_rank_bm25_scores():
    ref, fast = RankBM25Index(DOCS), SparseIndex.build(DOCS)
    for query in (["党建"], ["产业", "链", "党建", "链"], ["没有"], []):
        assert np.allclose(fast.scores(query), ref.scores(query), rtol=0, atol=1e-12)


def test_a_repeated_question_word_counts_as_often_as_it_is_written():
    index = SparseIndex.build(DOCS)
    assert np.allclose(index.scores(["链", "链", "党委"]), 2 * index.scores(["链"]) + index.scores(["党委"]))


def test_only_the_first_distinct_terms_of_a_long_question_are_ranked():
    docs = [[f"词{i}"] for i in range(MAX_QUERY_TERMS + 10)]
    index = SparseIndex.build(docs)
    scores = index.scores([f"词{i}" for i in range(MAX_QUERY_TERMS + 10)])
    assert (scores[:MAX_QUERY_TERMS] > 0).all() and not scores[MAX_QUERY_TERMS:].any()


def test_scores_outside_the_mask_are_zero():
    index = SparseIndex.build(DOCS)
    mask = np.array([False, True, True, False, False])
    scores = index.scores(["党建", "产业"], mask)
    assert scores[0] == 0 and scores[1] > 0 and scores[2] > 0


def test_top_keeps_the_best_positive_scores_ties_in_document_order():
    scores = np.array([0.0, 2.0, 5.0, 2.0, -1.0, 2.0, 7.0])
    assert [(s.doc, s.score) for s in top(scores, 3)] == [(6, 7.0), (2, 5.0), (1, 2.0)]
    assert [s.doc for s in top(scores, 5)] == [6, 2, 1, 3, 5]
    assert [s.doc for s in top(scores, 50)] == [6, 2, 1, 3, 5]
    assert top(np.zeros(4), 3) == []


def test_sparse_index_saved_and_loaded_scores_the_same(tmp_path):
    index = SparseIndex.build(DOCS, meta={"corpus": "abc"})
    index.save(tmp_path)
    loaded = SparseIndex.load(tmp_path)
    assert loaded.meta["corpus"] == "abc" and loaded.size == 5
    assert np.array_equal(loaded.scores(["党建", "链"]), index.scores(["党建", "链"]))
    assert loaded.contains(2, "企业") and not loaded.contains(1, "企业")


def test_a_truncated_index_file_is_refused(tmp_path):
    SparseIndex.build(DOCS).save(tmp_path)
    data = (tmp_path / "weights.npy").read_bytes()
    (tmp_path / "weights.npy").write_bytes(data[:-8])
    with pytest.raises(ValueError):
        SparseIndex.load(tmp_path)


ARRAYS = ("_idf", "indptr", "docs", "weights", "tf", "lengths")


def assert_same_index(extended: SparseIndex, full: SparseIndex) -> None:
    assert extended.vocab == full.vocab
    assert extended.meta == full.meta
    for name in ARRAYS:
        a, b = getattr(extended, name), getattr(full, name)
        assert a.dtype == b.dtype and np.array_equal(a, b), name


@pytest.mark.parametrize("split", [0, 1, 3, 5])
def test_an_index_extended_with_documents_equals_one_built_over_all_of_them(split):
    assert_same_index(SparseIndex.build(DOCS[:split], meta={"m": 1}).extend(DOCS[split:]),
                      SparseIndex.build(DOCS, meta={"m": 1}))


@pytest.mark.parametrize("part", ["words", "pairs"])
def test_the_seed_corpus_index_extended_from_a_saved_one_equals_a_full_build_bit_for_bit(engine, tmp_path, part):
    """Split at an article's first paragraph, the first part saved and loaded memory-mapped as `add` finds it."""
    cut = engine.tokenize if part == "words" else bigrams
    docs = [cut(engine._doc_text(d)) for d in engine.docs]
    full = SparseIndex.build(docs, meta={"corpus": "all"})
    starts = [i for i, d in enumerate(engine.docs) if d.para.n == 1]
    for split in (starts[1], starts[len(starts) // 2], starts[-1]):
        SparseIndex.build(docs[:split], meta={"corpus": "old"}).save(tmp_path / str(split))
        extended = SparseIndex.load(tmp_path / str(split)).extend(docs[split:], meta={"corpus": "all"})
        assert_same_index(extended, full)
        for q in questions()[:40]:
            tokens = cut(q)
            assert np.array_equal(extended.scores(tokens), full.scores(tokens)), q
