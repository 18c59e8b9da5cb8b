"""The reference ranking: rank-bm25 itself, with Lucene's IDF.

Only `RankBM25Index` (bot/index.py), the tests and the benchmarks use it; it is a
module of its own so that answering a question never imports rank-bm25, which
brings multiprocessing and sockets with it (1.2 ms at every start).
"""

from __future__ import annotations

import math

from rank_bm25 import BM25Okapi

__all__ = ["BM25Okapi", "MonotoneBM25"]


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
