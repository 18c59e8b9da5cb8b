"""Corrections to the BM25 order for what BM25 cannot see.

`reweigh` knows paragraph kinds: captions, definitions, enumerations.
`counted_first` knows figures: for a how-many question, a paragraph that reports a
figure of the thing asked goes first, and none at all means the articles do not
report it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from bot.index import Scored
from bot.ingest import Passage
from bot.query import Query
from bot.stats import Fact
from bot.text import split_sentences
from bot.tokens import Tokenizer

DEFINITION_WEIGHT = 1.5
_CLAUSE = re.compile(r"[，。；！？]")
_DATE = re.compile(r"\d{4}年|\d{1,2}月")


def reweigh(results: list[Scored], query: Query, docs: Sequence[Passage], caption_weight: float,
            list_weight: float) -> list[Scored]:
    """Captions repeat the text they illustrate, so the paragraph wins when both match.

    A question asking what a term means (「“两个覆盖”是什么」) prefers the paragraph
    that defines it: the term followed by a bracket or 「是指」「即」. A question
    asking for a list (「有哪些」「包括什么」) prefers a paragraph that enumerates
    (「甲、乙、丙」) over one that only names the topic.
    """
    defined = query.intent.definition
    definition = re.compile(re.escape(defined) + r"[”\"]?(（|\(|是指|即|指的是|就是)") if defined else None
    list_terms = [c.word for c in query.content if len(c.word) >= 2]
    for r in results:
        para = docs[r.doc].para
        if para.caption:
            r.score *= caption_weight
        if definition and definition.search(para.text):
            r.score *= DEFINITION_WEIGHT
        if query.intent.listing and _enumerates(para.text, list_terms):
            r.score *= list_weight
    return sorted(results, key=lambda r: -r.score)


def _enumerates(text: str, terms: list[str]) -> bool:
    """A clause that lists three or more items (「甲、乙、丙」) next to one of the question's words."""
    clauses = re.split(r"[，。；：！？]", text)
    return any(clause.count("、") >= 2 and any(t in clause for t in terms) for clause in clauses)


@dataclass
class Counted:
    """What a how-many question asks for: a class of figure, of a thing, or a date."""

    kind: str
    words: list[str]
    when: bool = False
    parts: dict[str, list[str]] = field(default_factory=dict)
    unit: str = ""
    weights: dict[str, float] = field(default_factory=dict)  # no thing named after the cue: the question's words

    def held_by(self, sentence: str) -> bool:
        """Most of the question (IDF-weighted) is in the figure's sentence."""
        total = sum(self.weights.values()) or 1.0
        return sum(w for t, w in self.weights.items() if t in sentence) / total >= 0.5

    def named_in(self, text: str) -> bool:
        """A word is named whole, or by all its parts (「服务菜单」 in 「服务近百项菜单」)."""
        return any(w in text or (self.parts.get(w) and all(p in text for p in self.parts[w])) for w in self.words)


def counted_thing(query: Query, weights: dict[str, float], tokenize: Tokenizer) -> Counted:
    """What a how-many question counts: its measure word's class and the words after the cue."""
    intent = query.intent
    after = intent.after
    thing = [w for c in query.content if c.word in after and c.word not in intent.unit for w in (c.word, *c.synonyms)]
    if not thing:  # 「专精特新中小企业有多少家」: the thing comes before the cue, anywhere in the sentence
        return Counted(intent.figure, [t for t in weights if len(t) >= 2], intent.time, unit=intent.unit,
                       weights=weights)
    parts = {w: [t for t in tokenize(w) if len(t) >= 2 and t != w] for w in thing}
    return Counted(intent.figure, thing, intent.time, parts, unit=intent.unit)


def counted_first(results: list[Scored], counted: Counted, docs: Sequence[Passage],
                  facts_at: Callable[[Passage], list[Fact]]) -> list[Scored]:
    """For 「多少」「几」 questions, paragraphs that report a figure of the thing asked come first.

    The figure must be one the statistics extracted (so not a date, a 「4+1」 or a list
    name), of the class the measure word asks for (「多少名」 → people), in a clause that
    names the thing (「现有党员1732名」); a figure in the very unit asked (「几个」 → 「4个」)
    goes before one of the same class (「11家」). When no paragraph has one, the articles do
    not report it and nothing is returned, rather than a passage that only mentions the thing.
    """
    def reports(r: Scored) -> int:
        doc = docs[r.doc]
        if counted.when:  # a date and what happened then share a sentence, often not a clause
            sentences = split_sentences(doc.para.text)
            return int(any(_DATE.search(s) and any(w in s for w in counted.words) for s in sentences))
        return max((2 if counted.unit and f.unit == counted.unit else 1
                    for f in facts_at(doc)
                    if (not counted.kind or f.kind == counted.kind)
                    and (counted.held_by(f.sentence) if counted.weights else counted.named_in(_clause(f)))),
                   default=0)

    tiers = {r.doc: reports(r) for r in results}
    found = sorted((r for r in results if tiers[r.doc]), key=lambda r: -tiers[r.doc])
    return found + [r for r in results if not tiers[r.doc]] if found else []


def _clause(fact: Fact) -> str:
    """The clause of its sentence a figure stands in, and its label."""
    at = fact.text or fact.value
    return next((c for c in _CLAUSE.split(fact.sentence) if at in c), fact.sentence) + fact.label
