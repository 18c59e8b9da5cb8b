"""How much of a question a paragraph holds: the found/not-found gate and the order of the hits shown.

BM25 ranks; coverage decides whether the best paragraph answers at all. It is
the share of the question's content words (IDF-weighted) the paragraph holds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from bot.index import BM25Index, bigrams
from bot.ingest import Passage
from bot.query import Concept

BACKOFF_WEIGHT = 0.5  # an unseen word matched by its single characters
PAIR_WEIGHT = 0.8  # a word matched by its character pairs, not as a word


class Coverage:
    def __init__(self, index: BM25Index, pairs: BM25Index | None, docs: Sequence[Passage]):
        self.index = index
        self.pairs = pairs  # None when character pairs are switched off
        self.docs = docs
        self.max_idf = math.log(1 + (len(docs) + 0.5) / 0.5)

    def idf(self, token: str) -> float:
        """Unseen words count as the rarest: a question about them is not answered by chance."""
        return self.index.idf(token) or self.max_idf

    def of(self, concepts: list[Concept], doc: int) -> float:
        """A concept counts by its best alternative.

        「面积」 is covered by a paragraph that says 「平方公里」, a compound word in
        part by its parts, a word cut differently in the paragraph by its character
        pairs, an unseen word at half weight by its characters.
        """
        def share(tokens: list[str]) -> float:
            held = sum(self.idf(t) for t in tokens if self.index.contains(doc, t))
            return held / (sum(self.idf(t) for t in tokens) or 1)

        total = covered = 0.0
        for concept in concepts:
            weight = sum(self.idf(t) for t in concept.alternatives[0])
            best = max(share(alt) for alt in concept.alternatives)
            if concept.backoff:
                best = max(best, BACKOFF_WEIGHT * share(concept.backoff))
            if self.pairs is not None:
                best = max(best, PAIR_WEIGHT * self._pair_share(concept.word, doc))
            total += weight
            covered += weight * best
        return covered / total if total else 0.0

    def _pair_share(self, word: str, doc: int) -> float:
        """Share of a word's character pairs in the paragraph; a one-character word is there or not."""
        assert self.pairs is not None
        if len(word) == 1:
            return float(word in self.docs[doc].para.text)
        pairs = bigrams(word)
        return sum(self.pairs.contains(doc, p) for p in pairs) / len(pairs) if pairs else 0.0
