"""What an answer is, and how its excerpt is chosen.

The excerpt is the one or two sentences of a paragraph that best answer the
question, never text of our own. An answer is data with a `reason`; the words
a user reads are written from it in bot/render.py and bot/telegram/views.py.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Literal

from bot.followup import Context
from bot.text import split_sentences

EXCERPT_MAX = 150
NEIGHBOUR_SHARE = 0.3
NUMBER = re.compile(
    r"[0-9]|[一二两三四五六七八九十百千万]+(?:余|多)?[个家名项条户人次年]|[百千万]余?[个家名项条户人次]"
)
_CLAUSE_END = "，、：,"
_DIGIT = re.compile(r"\d")


@dataclass
class Hit:
    rank: int
    score: float
    article_id: str
    title: str
    park: str
    paragraph: int
    source: str
    text: str
    excerpt: str
    section: str = ""
    caption: bool = False

    def to_dict(self) -> dict:
        return asdict(self)


# Why an answer is what it is: found, or which kind of "no".
#   answered     hits that hold the question
#   empty        nothing to look up (no words, only emoji or punctuation)
#   not_covered  the question names a place no article is about (`place`)
#   only_park    the question is only a park's name (`parks`)
#   not_found    the articles hold no answer
#   greeting     only a greeting or thanks (`examples` to try)
#   not_chinese  mostly Latin letters and nothing found: the bot reads Chinese (`examples`)
#   no_more      a follow-up asked for more results (「还有呢」) and there are none
#   ambiguous    the question names a park-like name that fits two parks (「徐洲高新区」: `place`, `parks`)
Reason = Literal["answered", "empty", "not_covered", "only_park", "not_found", "greeting", "not_chinese",
                 "no_more", "ambiguous"]


@dataclass
class Answer:
    query: str
    found: bool
    park: str | None
    reason: Reason
    hits: list[Hit] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)
    confidence: float = 0.0
    place: str = ""  # not_covered: the place as the question names it
    parks: list[str] = field(default_factory=list)  # only_park: the parks named; not_covered: those we cover
    examples: list[str] = field(default_factory=list)  # greeting, not_chinese, empty: questions to try
    assumed: str = ""  # a follow-up: what it took from the previous question (Context.label)
    context: Context | None = None  # what the next question of a conversation is read against (bot/followup.py)

    def to_dict(self) -> dict:
        """The `ask --json` shape without `message`, which the adapter adds from bot.render."""
        return {"query": self.query, "found": self.found, "park": self.park, "reason": self.reason,
                "hits": [h.to_dict() for h in self.hits], "terms": self.terms,
                "confidence": round(self.confidence, 3), "assumed": self.assumed,
                "context": self.context.to_dict() if self.context else None}


def cite(title: str, park: str, paragraph: int, caption: bool = False) -> str:
    where = "图片说明" if caption else f"第{paragraph}段"
    return f"《{title}》· {park or '未归属'} · {where}"


def _unit_score(unit: str, weights: dict[str, float], wants_number: bool, names: list[str],
                explains: bool = False) -> float:
    score = sum(w for term, w in weights.items() if term in unit)
    if wants_number and NUMBER.search(unit):
        score *= 1.5
    if explains and unit.count("、") >= 2:  # a what/which question is answered by the list
        score *= 1.5
    if names and any(name in unit for name in names):
        score += max(weights.values(), default=1.0)
    return score


def _counted(units: list[str], scores: list[float], wants_number: bool) -> list[int]:
    """For a how-many question, the matching units that hold digits, else those with a number word."""
    if not wants_number:
        return []
    for pattern in (_DIGIT, NUMBER):
        found = [i for i, u in enumerate(units) if scores[i] > 0 and pattern.search(u)]
        if found:
            return found
    return []


def _clauses(sentence: str) -> list[str]:
    return [c for c in re.findall(f"[^{_CLAUSE_END}]*[{_CLAUSE_END}]?", sentence) if c]


def excerpt(text: str, weights: dict[str, float], wants_number: bool = False, names: list[str] | None = None,
            limit: int = EXCERPT_MAX, explains: bool = False) -> str:
    """The sentence that best matches the question, and its best neighbour if both fit.

    A sentence longer than `limit` is cut to the clauses around its best clause,
    marked with 「…」 where text was left out. When the question asks what
    something is (`explains`), the explanation follows the sentence naming it, so
    the next sentence is preferred as the neighbour.
    """
    names = names or []
    sentences = split_sentences(text) or [text]
    scores = [_unit_score(s, weights, wants_number, names, explains) for s in sentences]
    best = max(_counted(sentences, scores, wants_number) or range(len(sentences)), key=lambda i: (scores[i], -i))
    chosen = sentences[best].strip()
    if len(chosen) > limit:
        return _trim(chosen, weights, wants_number, names, limit, explains)
    # A neighbour joins only if it answers part of the question too, not one shared word.
    neighbours = [i for i in (best + 1, best - 1)
                  if 0 <= i < len(sentences) and scores[i] > 0 and scores[i] >= NEIGHBOUR_SHARE * scores[best]]
    for i in sorted(neighbours, key=lambda i: (not (explains and i == best + 1), -scores[i])):
        pair = sentences[min(i, best)].strip() + sentences[max(i, best)].strip()
        if len(pair) <= limit:
            return pair
    return chosen


def _trim(sentence: str, weights: dict[str, float], wants_number: bool, names: list[str], limit: int,
          explains: bool = False) -> str:
    parts = _clauses(sentence)
    scores = [_unit_score(p, weights, wants_number, names, explains) for p in parts]
    best = max(_counted(parts, scores, wants_number) or range(len(parts)), key=lambda i: (scores[i], -i))
    lo = hi = best
    length = len(parts[best])
    while True:
        grown = False
        for cand in sorted((c for c in (lo - 1, hi + 1) if 0 <= c < len(parts)), key=lambda c: -scores[c]):
            if length + len(parts[cand]) <= limit - 6:  # room for two 「…」, three characters each once NFKC-folded
                length += len(parts[cand])
                lo, hi = min(lo, cand), max(hi, cand)
                grown = True
                break
        if not grown:
            break
    text = "".join(parts[lo:hi + 1])
    if len(text) > limit - 6:  # one clause longer than the limit
        text = text[: limit - 6]
    text = text.rstrip(_CLAUSE_END)
    return ("…" if lo > 0 else "") + text + ("…" if hi < len(parts) - 1 else "")
