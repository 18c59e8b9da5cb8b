"""Corrections to the BM25 order for what BM25 cannot see.

`reweigh` knows paragraph kinds: captions, definitions, enumerations, and the figures a
question quotes.
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
FIGURE_WEIGHT = 1.5  # a question that quotes figures prefers the paragraph that states them
_QUOTED_FIGURE = re.compile(r"\d+(?:\.\d+)?")
_CLAUSE = re.compile(r"[，。；！？]")
_DATE = re.compile(r"\d{4}年|\d{1,2}月")
_FIGURE = re.compile(r"\d+(?:\.\d+)?[%万亿]?"
                     r"|[一二两三四五六七八九十百千万半]+(?:余|多)?(?=[个家名项条户人次年月天头倍])")
_STRICT = {"people", "percent"}  # classes whose figures the statistics always read: no fallback
_PERIOD = re.compile(r"(今年|去年|前年|明年)|(\d{4})年")
_ORDINAL = re.compile(r"第[一二三四五六七八九十百\d]+|榜首|首位|[一二三四五六七八九十\d]+连升")


def reweigh(results: list[Scored], query: Query, docs: Sequence[Passage], caption_weight: float,
            list_weight: float) -> list[Scored]:
    """Captions repeat the text they illustrate, so the paragraph wins when both match.

    A question asking what a term means (「“两个覆盖”是什么」) prefers the paragraph
    that defines it: the term followed by a bracket or 「是指」「即」. A question
    asking for a list (「有哪些」「包括什么」) prefers a paragraph that enumerates
    (「甲、乙、丙」) over one that only names the topic. A question that quotes figures
    (「1732名」) prefers the paragraph stating them all: the same sentence is often reported
    again with other figures.
    """
    figures = _QUOTED_FIGURE.findall(query.normal)
    defined = query.intent.definition
    # The term is the end of what comes before 「是什么」 (「兰州高新区的两个覆盖是什么」 asks about 两个覆盖); a
    # paragraph defines it after it (「两个覆盖”（…）」「…是指」) or quotes its content before it (「‘A+B+C’的…模式」).
    terms = "|".join(re.escape(defined[i:]) for i in range(len(defined) - 1)) if defined else ""
    definition = re.compile(f"(?:{terms})[”\"]?(（|\\(|是指|即|指的是|就是)|[’”」』]的(?:{terms})") if terms else None
    # A list names its topic by a part of the question's word as often as by the word (「数字产品制造、数字技术应用」
    # for 数字经济): each word counts by its search-mode parts too.
    list_terms = list(dict.fromkeys(t for c in query.content for alt in c.alternatives for t in [c.word, *alt]
                                    if len(t) >= 2))
    topics = [c.word for c in query.content if len(c.word) >= 2]
    for r in results:
        para = docs[r.doc].para
        if para.caption:
            r.score *= caption_weight
        if definition and definition.search(para.text):
            r.score *= DEFINITION_WEIGHT
        if query.intent.listing:
            r.score *= list_weight ** _enumerates(para.text, list_terms, topics)
        if figures and all(f in para.text for f in figures):  # 「1732名党员…」: the paragraph with those figures
            r.score *= FIGURE_WEIGHT
    return sorted(results, key=lambda r: -r.score)


def _enumerates(text: str, terms: list[str], topics: list[str]) -> int:
    """2 if a clause lists three or more items (「甲、乙、丙」) and then names them by a word of the question
    (「…、医药产业等4个各具特色的产业链党委」: the list is of the thing asked about); 1 if such a clause only
    holds one of the question's words or their parts (「汇集产业链上下游企业、…、驻区单位等232家成员单位」); else 0."""
    level = 0
    for clause in re.split(r"[，。；：！？]", text):
        if clause.count("、") < 2:
            continue
        last = clause[clause.rindex("、") + 1:]  # the last item and what follows it: the word after names them
        if any(last.find(t) > 0 for t in topics):  # not the item itself (「…、数字经济4个主导产业」 about 数字经济)
            return 2
        if any(t in clause for t in terms):
            level = 1
    return level


@dataclass
class Counted:
    """What a how-many question asks for: a class of figure, of a thing, or a date."""

    kind: str
    words: list[str]
    when: bool = False
    parts: dict[str, list[str]] = field(default_factory=dict)
    unit: str = ""
    weights: dict[str, float] = field(default_factory=dict)  # no thing named after the cue: the question's words
    alternatives: list[list[list[str]]] = field(default_factory=list)  # …each with its alternatives' tokens
    asked: dict[str, float] = field(default_factory=dict)  # the thing named after the cue: all the question's words
    measures: list[str] = field(default_factory=list)  # 「多高」 without a measure word: the units of its class
    periods: frozenset[str] = frozenset()  # the years the question names: a figure of another year does not answer
    places: list[str] = field(default_factory=list)  # a when-question about the park's own event: its names
    events: list[str] = field(default_factory=list)  # that event (「成立」)
    whole: str = ""  # the question's content words run together: 「党员」 in 「兰州新区有多少党员」
    one_word: bool = False  # the question's content is that one word
    scale: str = ""  # 「多少亿」: only an amount written with 万 or 亿 answers (not 70%)
    groups: list[str] = field(default_factory=list)  # one-character measure words counting alike things

    def alike(self, unit: str) -> bool:
        """A figure's measure word counts what the one asked counts: 「多少户牧民」 is not answered by 「10余项服务」.
        Units of no group, and 个, fit any."""
        if not self.unit or unit == self.unit or "个" in (unit, self.unit):
            return True
        asked = next((g for g in self.groups if len(self.unit) == 1 and self.unit in g), "")
        given = next((g for g in self.groups if len(unit) == 1 and unit in g), "")
        return not asked or not given or asked == given

    def about(self, sentence: str) -> bool:
        """The park and its event share a clause: 「兰州高新区成立于…」, not 「…共产党成立105周年…兰州高新区将…」."""
        if not self.places:
            return True
        return any(any(p in c for p in self.places) and any(e in c for e in self.events)
                   for c in _CLAUSE.split(sentence))

    def is_subject(self, subject: str) -> bool:
        """The figure counts exactly what is asked (「党员」), not a part of it (「发展党员」)."""
        return bool(subject) and subject == self.whole

    def only_narrower(self, facts: list[Fact]) -> bool:
        """The figures a paragraph gives of the thing asked all count a narrower kind of it (「26名困难党员」 for
        「多少党员」): the paragraph does not report the whole, so no figure of it answers. Only for people, of whom
        news counts kinds (困难、流动、老、发展党员) beside no total, and only for a thing of one word; a count of
        organisations names its scope as a kind (「两新组织党组织412个」 is the park's 党组织 asked)."""
        if len(self.whole) < 2 or not self.one_word or self.kind != "people":
            return False
        of_thing = [f for f in facts if f.subject.endswith(self.whole) and (not self.kind or f.kind == self.kind)]
        return bool(of_thing) and not any(self.is_subject(f.subject) for f in of_thing)

    def figure_in(self, clause: str) -> bool:
        """A number of the kind asked in the clause, though the statistics did not read it: in the unit
        asked, as money for a money question, or any number that is not a date."""
        if self.kind == "rank":  # 「蝉联第一」「八连升」: a place in an order
            return bool(_ORDINAL.search(clause))
        for match in _FIGURE.finditer(clause):
            after = clause[match.end():match.end() + 2]
            if not self.scaled(match.group() + after[:1]):
                continue
            if _DATE.match(clause[match.start():match.end() + 1]):
                continue
            if self.kind == "money":
                if re.search(r"[万亿元]", match.group() + after[:1]):
                    return True
            elif self.unit and self.kind:  # 「多少家」 wants 家; 「多少个」「多少吨」 (no class) any number
                if after.startswith(self.unit) or match.group().endswith(self.unit):
                    return True
            elif self.measures:  # 「多高」 wants a length: 「8米」, not 「200多家」
                if any(clause[match.end():].lstrip("多余近约").startswith(u) for u in self.measures):
                    return True
            else:
                return True
        return False

    def scaled(self, figure: str) -> bool:
        """「多少亿」 asks for an amount in 亿 (or 万): 「77亿元」「3000万元」 answer, 「70%」 and 「638家」 do not."""
        return not self.scale or any(m in figure for m in ("万", "亿"))

    def concepts(self) -> list[list[list[str]]]:
        """The question's words, each with its alternatives' tokens (one alternative each if none were given)."""
        return self.alternatives or [[[t]] for t in self.weights]

    def held_by(self, sentence: str) -> bool:
        """Most of the question (IDF-weighted) is in the figure's sentence."""
        return self.share_in(sentence) >= 0.5

    def share_in(self, sentence: str) -> float:
        """The share of the question (IDF-weighted) in a text, each word by its best alternative:
        「花会」 (a typo) by 「花卉」, 「营收」 by 「营业收入」, weighing as the word asked."""
        if not self.weights:  # the thing is named after the cue: the whole question, word by word
            return sum(w for t, w in self.asked.items() if t in sentence) / (sum(self.asked.values()) or 1.0)

        def share(tokens: list[str]) -> float:
            return sum(self.weights.get(t, 0.0) for t in tokens if t in sentence) / (
                sum(self.weights.get(t, 0.0) for t in tokens) or 1.0)

        total = held = 0.0
        for alternatives in self.concepts():
            weight = sum(self.weights.get(t, 0.0) for t in alternatives[0])
            total += weight
            held += weight * max(share(alt) for alt in alternatives)
        return held / (total or 1.0)

    def names(self, fact: Fact, before: str = "") -> int:
        """The figure is of the thing asked: its sentence holds the question (2), or its clause names the thing (2),
        or, read after the sentences of its paragraph `before` it, its sentence holds the question (1).

        News paragraphs name their subject first and give its figures a sentence or two later
        (「…设立党内关怀激励救助基金…。截至目前，已为26名困难党员发放关爱帮扶资金11.8万元」): the later
        sentence must still hold some of the question. A question that names nothing but its park
        (「昆山高新区排名第几」) takes any figure of the class.
        """
        if not self.words and not self.weights:
            return 2
        if not self.weights:
            return 2 * self.named_in(_clause(fact))
        if self.held_by(fact.sentence):
            return 2
        shares = any(t in fact.sentence for t in self.weights if len(t) >= 2)
        return int(bool(before) and shares and self.held_by(before + fact.sentence))

    def all_in(self, text: str) -> bool:
        """Every word of the question is in the text (by its parts for a compound, or by one of its alternatives)."""
        if self.weights:
            concepts = self.concepts()
            return bool(concepts) and all(any(all(t in text for t in alt) for alt in alts) for alts in concepts)
        words = self.words
        return bool(words) and all(w in text or all(p in text for p in self.parts.get(w, [w])) for w in words)

    def named_in(self, text: str) -> bool:
        """A word is named whole, or by all its parts (「服务菜单」 in 「服务近百项菜单」)."""
        return any(w in text or (self.parts.get(w) and all(p in text for p in self.parts[w])) for w in self.words)


def counted_thing(query: Query, weights: dict[str, float], tokenize: Tokenizer,
                  units: dict[str, str] | None = None, groups: list[str] | None = None) -> Counted:
    """What a how-many question counts: its measure word's class and the words after the cue.
    `units`: every measure word and its class (units.txt), for a measure question with none (「多高」);
    `groups`: measure words that count alike things (question_words.toml)."""
    intent = query.intent
    measures = [u for u, kind in (units or {}).items() if kind == intent.figure] if not intent.unit else []
    after = intent.after
    words = [c.word for c in query.content]
    events = [w for w in words if w in query.events]
    places = [n for p in query.parks for n in p.names()] if intent.time and events == words else []
    thing = [w for c in query.content if c.word in after and c.word not in intent.unit for w in (c.word, *c.synonyms)]
    if not thing:  # 「专精特新中小企业有多少家」: the thing comes before the cue, anywhere in the sentence
        weights = {t: w for t, w in weights.items() if t != intent.unit}  # 「多少人」: 人 is the measure, not the thing
        concepts = [[alt for alt in ([t for t in alt if t in weights] for alt in c.alternatives) if alt]
                    for c in query.content]
        return Counted(intent.figure, [t for t in weights if len(t) >= 2], intent.time, unit=intent.unit,
                       weights=weights, alternatives=[c for c in concepts if c], places=places, events=events,
                       whole="".join(words), one_word=len(words) == 1, measures=measures,
                       periods=periods(query.normal), scale=intent.scale, groups=groups or [])
    parts = {w: [t for t in tokenize(w) if len(t) >= 2 and t != w] for w in thing}
    return Counted(intent.figure, thing, intent.time, parts, unit=intent.unit, places=places, events=events,
                   whole="".join(words), one_word=len(words) == 1, asked=weights, measures=measures,
                   periods=periods(query.normal), scale=intent.scale, groups=groups or [])


def answering_figures(counted: Counted, facts: list[Fact], paragraph: str = "") -> list[tuple[int, Fact]]:
    """The figures the statistics read that answer, each with its tier, best first.

    Of the class asked; better named in its own sentence than only after its paragraph's
    opening, better in the very unit asked, better still when it counts exactly the thing
    (「党员1732名」 before 「发展党员54名」); of two figures alike in all that, the one whose own
    clause holds more of the question (「58名流动党员」 before 「150名党员干部」 for 流动党员).
    """
    return sorted(_tiers(counted, facts, paragraph), key=lambda t: (-t[0], -counted.share_in(_clause(t[1]))))


def _tiers(counted: Counted, facts: list[Fact], paragraph: str) -> list[tuple[int, Fact]]:
    def before(f: Fact) -> str:
        return paragraph[:max(paragraph.find(f.sentence), 0)]

    # A figure with no year of its own is of the year its paragraph named before it (「今年…引进实施项目65个…；
    # …新引进24个关联项目」): news paragraphs give the time once.
    named = [(counted.names(f, before(f)), f) for f in facts
             if (not counted.kind or f.kind == counted.kind) and counted.scaled(f.text or f.value)
             and counted.alike(f.unit)
             and not (counted.periods and _other_period(counted.periods, f.period or _dated(f.sentence, before(f))))]
    return [(n + (bool(counted.unit) and f.unit == counted.unit) + 2 * counted.is_subject(f.subject), f)
            for n, f in named if n]


def counted_first(results: list[Scored], counted: Counted, docs: Sequence[Passage],
                  facts_at: Callable[[Passage], list[Fact]], reporting: set[int] | None = None) -> list[Scored]:
    """For 「多少」「几」 questions, paragraphs that report a figure of the thing asked come first.

    The figure must be one the statistics extracted (so not a date, a 「4+1」 or a list
    name), of the class the measure word asks for (「多少名」 → people), in a clause that
    names the thing (「现有党员1732名」); a figure in the very unit asked (「几个」 → 「4个」)
    goes before one of the same class (「11家」). When no paragraph has one, the articles do
    not report it and nothing is returned, rather than a passage that only mentions the thing.
    `reporting`, if given, receives the paragraphs that report one (the others follow them, for the next hits).
    """
    def reports(r: Scored) -> int:
        doc = docs[r.doc]
        if counted.when:  # a date in a sentence that holds what happened then, to whom
            return int(any(_DATE.search(s) and counted.all_in(s) and counted.about(s)
                           for s in split_sentences(doc.para.text)))
        if counted.only_narrower(facts_at(doc)):
            return 0
        extracted = max((tier for tier, _ in _tiers(counted, facts_at(doc), doc.para.text)), default=0)
        if extracted or counted.kind in _STRICT:
            return extracted
        # A figure the statistics do not read (「融资额度超20亿」「7天全天候值守」), in a sentence that holds the
        # question (or a clause naming the thing asked after the cue), of the year asked if it or its paragraph
        # before it names one.
        sentences = split_sentences(doc.para.text)
        return int(any(counted.figure_in(c) and (counted.held_by(s) if counted.weights else counted.named_in(c))
                       for i, s in enumerate(sentences)
                       if not counted.periods or not _other_period(counted.periods, _dated(s, "".join(sentences[:i])))
                       for c in _CLAUSE.split(s)))

    tiers = {r.doc: reports(r) for r in results}
    found = sorted((r for r in results if tiers[r.doc]), key=lambda r: -tiers[r.doc])
    if reporting is not None:
        reporting.update(r.doc for r in found)
    return found + [r for r in results if not tiers[r.doc]] if found else []


def periods(text: str) -> frozenset[str]:
    """The years a text names, as written (「2024」) or relative (「今年」「去年」)."""
    return frozenset(m.group(1) or m.group(2) for m in _PERIOD.finditer(text))


def _dated(sentence: str, before: str) -> str:
    """The text whose years a sentence's figures are of: its own, else those its paragraph named before it."""
    return sentence if periods(sentence) else before + sentence


def _other_period(asked: frozenset[str], period: str) -> bool:
    """A figure of another year than the one asked: 「今年」 asked, 「去年」 reported (or 2023 and 2024).
    A relative year against a written one is not compared: the article's date would be needed."""
    if not asked:
        return False
    given = periods(period)
    relative = {p for p in asked if not p.isdigit()}, {p for p in given if not p.isdigit()}
    written = {p for p in asked if p.isdigit()}, {p for p in given if p.isdigit()}
    return any(a and g and not a & g for a, g in (relative, written))


def _clause(fact: Fact) -> str:
    """The clause of its sentence a figure stands in, and its label."""
    at = fact.text or fact.value
    return next((c for c in _CLAUSE.split(fact.sentence) if at in c), fact.sentence) + fact.label
