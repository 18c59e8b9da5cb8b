"""rjieba cuts as jieba (the reference) does, on every paragraph and every question we have."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bot.ingest import load_articles
from bot.tokens import Tokenizer
from tests.conftest import CORPUS, corpus_lexicon

ROOT = Path(__file__).resolve().parent.parent
QUESTION_SETS = [ROOT / "benchmarks" / "own_qa.jsonl", ROOT.parent / "shared" / "eval" / "dev_qa.jsonl",
                 ROOT / "benchmarks" / "chat_qa.jsonl", ROOT / "benchmarks" / "fresh_qa.jsonl",
                 ROOT / "benchmarks" / "street_qa.jsonl"]
# Where the two differ (README, Speed): Latin words joined by - _ . (jieba: high / - / tech; rjieba: high-tech).
JOINED_LATIN = re.compile(r"[a-z0-9][-_.][a-z]|[a-z][-_][0-9]", re.I)


def texts() -> list[str]:
    """Every paragraph as indexed (title, section, text) and as written, every title, every question."""
    out = []
    for article in load_articles(CORPUS):
        out.append(article.title)
        for p in article.paragraphs:
            out += [f"{article.title} {p.section} {p.text}", p.text]
    out += [json.loads(line)["q"] for path in QUESTION_SETS if path.exists()
            for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return out


@pytest.fixture(scope="module")
def cutters() -> tuple[Tokenizer, Tokenizer]:
    lexicon = corpus_lexicon()
    reference = Tokenizer(lexicon.dictionary, lexicon.stopwords, reference=True)
    return lexicon.tokenizer, reference


def test_rjieba_cuts_every_paragraph_and_question_as_jieba_does(cutters):
    fast, reference = cutters
    checked = [t for t in texts() if not JOINED_LATIN.search(t)]
    assert len(checked) > 500
    for text in checked:
        assert fast(text) == reference(text), text
        assert fast.words(text, keep_stopwords=True) == reference.words(text, keep_stopwords=True), text
        assert fast.cut(text) == reference.cut(text), text


def test_rjieba_knows_the_same_words_as_jieba(cutters):
    fast, reference = cutters
    words = {w for t in texts() for w in reference.cut(t)} | {"昆明", "贵州", "泸洲", "兰洲", "产业链党", "两个覆盖"}
    assert [w for w in words if fast.is_word(w) != reference.is_word(w)] == []


def test_the_known_difference_is_latin_words_joined_by_a_hyphen(cutters):
    fast, reference = cutters
    assert reference("high-tech企业") == ["high", "tech", "企业"]
    assert fast("high-tech企业") == ["high", "tech", "high-tech", "企业"]
