"""Tokenising Chinese text and ranking paragraphs with BM25.

jieba cuts words; the domain dictionary keeps terms like 产业链党委 whole; stop
words drop what carries no content; synonyms widen a question to the words the
articles use. Ranking is rank-bm25's Okapi BM25 with one change to its IDF
(see `MonotoneBM25`).
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import jieba
import numpy as np
from rank_bm25 import BM25Okapi

from bot.text import arabic_numerals, fold_width

jieba.setLogLevel(logging.WARNING)  # its dictionary-loading chatter is not for users of the console chat
_TOKEN_OK = re.compile(r"[\u4e00-\u9fff0-9a-z]")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")


def read_list(path: Path) -> list[str]:
    """Lines of a corpus data file, without its `#` comment header and blank lines."""
    if not path.exists():
        return []
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [s for s in lines if s and not s.startswith("#")]


def read_synonyms(path: Path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for line in read_list(path):
        left, _, right = line.partition("=")
        out[left.strip()] = [w.strip() for w in right.split(",") if w.strip()]
    return out


class Tokenizer:
    """jieba with the domain dictionary, the stop words and search-mode cutting."""

    def __init__(self, words: Iterable[str] = (), stopwords: Iterable[str] = (), search_mode: bool = True):
        self.jieba = jieba.Tokenizer()
        self.jieba.initialize()
        for word in words:
            self.jieba.add_word(word, freq=None)
        self.stopwords = set(stopwords)
        self.search_mode = search_mode

    def __call__(self, text: str) -> list[str]:
        text = arabic_numerals(fold_width(text)).lower()
        cut = self.jieba.cut_for_search(text) if self.search_mode else self.jieba.cut(text)
        return [t for t in cut if _TOKEN_OK.search(t) and t not in self.stopwords]

    def words(self, text: str, keep_stopwords: bool = False) -> list[str]:
        """Whole words (precise mode), the units a question's meaning is counted in."""
        text = arabic_numerals(fold_width(text)).lower()
        return [t for t in self.jieba.cut(text) if keep_stopwords or (_TOKEN_OK.search(t) and t not in self.stopwords)]


class MonotoneBM25(BM25Okapi):
    """BM25Okapi with Lucene's IDF, log(1 + (N - n + 0.5) / (n + 0.5)).

    rank-bm25 gives a word found in more than half of the paragraphs a negative IDF
    and replaces it with a floor of 0.25 × the average IDF (its issue #39). Here that
    floor is larger than the IDF of words in 30–50 % of paragraphs, so 「党建」 or
    「企业」 — in most paragraphs — would outweigh rarer, more telling words. Lucene's
    formula is positive and decreasing in the document frequency, so common words
    always count less than rarer ones.
    """

    def _calc_idf(self, nd: dict[str, int]) -> None:
        for word, freq in nd.items():
            self.idf[word] = math.log(1 + (self.corpus_size - freq + 0.5) / (freq + 0.5))
        self.average_idf = sum(self.idf.values()) / max(len(self.idf), 1)


@dataclass
class Scored:
    doc: int
    score: float


class Index:
    """BM25 over token lists; searching can be limited to some documents."""

    def __init__(self, docs: list[list[str]], k1: float = 1.2, b: float = 0.75):
        self.docs = docs
        self.bm25 = MonotoneBM25(docs, k1=k1, b=b)
        self.doc_sets = [set(d) for d in docs]

    def idf(self, token: str) -> float:
        return self.bm25.idf.get(token, 0.0)

    def scores(self, query: list[str]) -> np.ndarray:
        return self.bm25.get_scores(query) if query else np.zeros(len(self.docs))


def top(scores: np.ndarray, allowed: set[int] | None = None, k: int = 10) -> list[Scored]:
    """The k best positive scores, limited to `allowed` documents when given."""
    out = []
    for doc in np.argsort(-scores, kind="stable"):
        if allowed is not None and int(doc) not in allowed:
            continue
        if scores[doc] <= 0:
            break
        out.append(Scored(int(doc), float(scores[doc])))
        if len(out) == k:
            break
    return out


def bigrams(text: str) -> list[str]:
    """Overlapping character pairs of each run of Chinese characters.

    They match where the question and the paragraph were cut into different
    words (「每年产多少生鲜乳」 against 「年产生鲜乳」).
    """
    return [run[i:i + 2] for run in _CJK_RUN.findall(arabic_numerals(text)) for i in range(len(run) - 1)]
