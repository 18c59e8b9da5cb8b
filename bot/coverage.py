"""How much of a question a paragraph holds: the found/not-found gate and the order of the hits shown.

BM25 ranks; coverage decides whether the best paragraph answers at all. It is
the share of the question's content words (IDF-weighted) the paragraph holds.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from bot.index import BM25Index, bigrams
from bot.ingest import Passage
from bot.query import Concept

BACKOFF_WEIGHT = 0.5  # an unseen word matched by its single characters
PAIR_WEIGHT = 0.8  # a word matched by its character pairs, not as a word
# A word the articles never use weighs by how telling it is in general Chinese: its information
# (−log of its share of jieba's dictionary counts) scaled between these two, as a share of the
# rarest word's weight. 「现在」「一共」 weigh nothing; a name or typo jieba does not know weighs most.
COMMON_BITS = 7.0
RARE_BITS = 16.0


class Coverage:
    def __init__(self, index: BM25Index, pairs: BM25Index | None, docs: Sequence[Passage],
                 frequency: Callable[[str], float] | None = None):
        self.index = index
        self.pairs = pairs  # None when character pairs are switched off
        self.docs = docs
        self.frequency = frequency  # a word's share of general Chinese; None: every unseen word is the rarest
        self.max_idf = math.log(1 + (len(docs) + 0.5) / 0.5)

    def idf(self, token: str) -> float:
        """A word the articles use weighs by its IDF; one they never use by `unseen`."""
        return self.index.idf(token) or self.unseen(token)

    def unseen(self, token: str) -> float:
        """A question about words no article uses is not answered by chance, unless they are common words.

        Counting every unseen word as the rarest let one chat word (「一共」「现在」) sink a
        question; a word unknown to general Chinese too (a name, a typo) still weighs most.
        """
        share = self.frequency(token) if self.frequency else 0.0
        if not share:
            return self.max_idf
        bits = -math.log(share)
        return self.max_idf * min(1.0, max(0.0, (bits - COMMON_BITS) / (RARE_BITS - COMMON_BITS)))

    def of(self, concepts: list[Concept], doc: int) -> float:
        """A concept counts by its best alternative.

        「面积」 is covered by a paragraph that says 「平方公里」, a compound word in
        part by its parts, a word cut differently in the paragraph by its character
        pairs (its own or a synonym's: the paragraph may cut 「红领专员」 otherwise), an unseen word at half weight
        by its characters.
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
            if self.pairs is not None:  # the word, or a word standing for it (「红岭」 typed for 红领), cut otherwise
                best = max(best, PAIR_WEIGHT * max(self._pair_share(w, doc) for w in [concept.word, *concept.synonyms]))
            total += weight
            covered += weight * best
        # Nothing asked but the park's figure (「昆山高新区排名第几」): the figure check has decided.
        return covered / total if total else 1.0

    def _pair_share(self, word: str, doc: int) -> float:
        """Share of a word's character pairs in the paragraph; a one-character word is there or not."""
        assert self.pairs is not None
        if len(word) == 1:
            return float(word in self.docs[doc].para.text)
        pairs = bigrams(word)
        return sum(self.pairs.contains(doc, p) for p in pairs) / len(pairs) if pairs else 0.0
