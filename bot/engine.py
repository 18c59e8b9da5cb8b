"""The answering core: one object the CLI, the console chat and Telegram all call.

It knows the articles, the parks and their figures, and turns a question into
an `Answer`. It knows nothing about how the answer is shown.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bot import stats as stats_mod
from bot.answer import Answer, Hit, cite, excerpt
from bot.index import BM25Index, RankBM25Index, Scored, SparseIndex, bigrams, top
from bot.ingest import Article, Paragraph, load_articles
from bot.lexicon import Lexicon
from bot.parks import Park, Registry, Resolution
from bot.stats import Fact, Overview, overview
from bot.text import normalize_query, split_sentences

MAX_QUESTION = 500
_HAS_WORDS = re.compile(r"[\u4e00-\u9fff0-9A-Za-z]")
_CJK_WORD = re.compile(r"^[\u4e00-\u9fff]+$")
_NUMERAL = re.compile(r"[零一二两三四五六七八九十百千万亿]")


@dataclass(frozen=True)
class Options:
    """Retrieval choices, each measured on the dev set (benchmarks/retrieval.py)."""

    search_mode: bool = True
    user_dict: bool = True
    stopwords: bool = True
    synonyms: bool = True
    index_titles: bool = True
    park_filter: bool = True
    lucene_idf: bool = True
    caption_weight: float = 0.85
    list_weight: float = 1.6
    bigram_weight: float = 0.3
    k1: float = 1.2
    b: float = 0.75
    min_coverage: float = 0.5
    min_hit_coverage: float = 0.3
    drop_park_terms: bool = True
    number_check: bool = True
    reference_index: bool = False  # rank-bm25 itself instead of the sparse matrix that ranks as it does


CANDIDATES = 30  # hits re-ranked after BM25
_CLAUSE = re.compile(r"[，。；！？]")
_DATE = re.compile(r"\d{4}年|\d{1,2}月")


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


BACKOFF_WEIGHT = 0.5  # an unseen word matched by its single characters
PAIR_WEIGHT = 0.8  # a word matched by its character pairs, not as a word


@dataclass
class Concept:
    """One word of a question and the token lists that may stand for it in a paragraph."""

    word: str
    alternatives: list[list[str]]
    backoff: list[str] = field(default_factory=list)
    synonyms: list[str] = field(default_factory=list)


@dataclass
class _Doc:
    article: Article
    para: Paragraph


class Engine:
    def __init__(self, articles: list[Article], registry: Registry, facts: list[Fact], lexicon: Lexicon,
                 options: Options = Options()):
        self.articles = {a.article_id: a for a in articles}
        self.registry = registry
        self.facts = facts
        self._facts_at: dict[tuple[str, int], list[Fact]] = {}
        for fact in facts:
            self._facts_at.setdefault((fact.article_id, fact.paragraph), []).append(fact)
        self.lexicon = lexicon
        self.units = lexicon.vocabulary.units
        self.options = options
        self.synonyms = lexicon.synonyms
        self.cues = lexicon.cues
        self.tokenize = lexicon.tokenizer
        self.docs = [_Doc(a, p) for a in articles for p in a.paragraphs]
        texts = [self._doc_text(d) for d in self.docs]
        self.index = self._index([self.tokenize(t) for t in texts], okapi=not options.lucene_idf)
        self.pairs = self._index([bigrams(t) for t in texts])
        self._park_docs = {p.name: self._docs_about(p) for p in registry.parks}
        self._park_words = {p.name: {w for n in p.names() for w in self.tokenize.words(n)} for p in registry.parks}
        self._max_idf = math.log(1 + (len(self.docs) + 0.5) / 0.5)

    @classmethod
    def load(cls, corpus_dir: Path | str, options: Options = Options()) -> Engine:
        corpus_dir = Path(corpus_dir)
        lexicon = Lexicon.load(corpus_dir, user_dict=options.user_dict, stopwords=options.stopwords,
                               synonyms=options.synonyms, search_mode=options.search_mode)
        articles = load_articles(corpus_dir)
        registry = Registry.load(corpus_dir, lexicon.tokenizer)
        facts = stats_mod.load_facts(corpus_dir)
        return cls(articles, registry, facts, lexicon, options)

    def _index(self, docs: list[list[str]], okapi: bool = False) -> BM25Index:
        if self.options.reference_index or okapi:
            return RankBM25Index(docs, self.options.k1, self.options.b, okapi=okapi)
        return SparseIndex.build(docs, self.options.k1, self.options.b)

    # -- looking things up -------------------------------------------------

    def article(self, article_id: str) -> Article | None:
        return self.articles.get(article_id)

    def paragraph(self, article_id: str, n: int) -> Paragraph | None:
        article = self.articles.get(article_id)
        if article is None or not 1 <= n <= len(article.paragraphs):
            return None
        return article.paragraphs[n - 1]

    def parks(self) -> list[Park]:
        return self.registry.parks

    def park(self, name: str) -> Resolution:
        return self.registry.resolve(name)

    def overview(self, name: str) -> Overview:
        """/park: the park a name means, with its headline figures."""
        return overview(*self.stats(name), self.lexicon.vocabulary)

    def stats(self, name: str) -> tuple[Resolution, list]:
        res = self.registry.resolve(name)
        if res.status != "ok" or res.park is None:
            return res, []
        return res, stats_mod.facts_for(res.park.name, self.facts, self.lexicon.vocabulary)

    # -- answering -----------------------------------------------------------

    def ask(self, question: str, top_k: int = 3) -> Answer:
        """Normalise, limit to the parks named, rank, check the answer is there, cut excerpts."""
        query = normalize_query(question or "")[:MAX_QUESTION]
        if not _HAS_WORDS.search(query):
            return Answer(question or "", False, None, "empty")
        named, unknown, written = self.registry.places_in(query) if self.options.park_filter else ([], [], [])
        park = named[0].name if len(named) == 1 else None
        allowed = self._scope(named, unknown)
        if allowed is not None and not allowed.any():
            return Answer(question, False, None, "not_covered", place=unknown[0],
                          parks=[p.name for p in self.registry.parks])

        concepts = self._concepts(query)
        park_words = set().union(*(self._park_words[p.name] for p in named), *(self.tokenize.words(w) for w in written))
        content = [c for c in concepts if c.word not in park_words]
        if named and not content:
            return Answer(question, False, park, "only_park", parks=[p.name for p in named])
        # Once the search is limited to a park, its name only rewards the paragraphs that happen
        # to spell it the way the question does (「泸州高新区」 in one caption, 「泸州国家高新区」 elsewhere).
        ranked = content if named and self.options.drop_park_terms else concepts
        results = self._rank(query, ranked, allowed, max(top_k, CANDIDATES))
        weights = {t: self._idf(t) for c in content for alt in c.alternatives for t in alt}
        wants_number = bool(self.cues.asks_number(query))
        if wants_number and self.options.number_check:
            results = self._counted_first(results, self._counted_thing(query, content, weights))
        coverage = {r.doc: self._coverage(content, r.doc) for r in results[:top_k]}
        # Among the hits shown, one that holds enough of the question goes first.
        results = sorted(results[:top_k], key=lambda r: coverage[r.doc] < self.options.min_coverage)
        confidence = coverage[results[0].doc] if results else 0.0
        every = [t for c in concepts for alt in c.alternatives for t in alt]  # shown in bold, park names too
        terms = [t for t in dict.fromkeys(every) if len(t) >= 2 or t.isdigit()]
        if not results or confidence < self.options.min_coverage:
            return Answer(question, False, park, "not_found", terms=terms, confidence=confidence)
        # The next best passages too, but not ones that share only a word or two with the question.
        results = results[:1] + [r for r in results[1:]
                                 if coverage[r.doc] >= self.options.min_hit_coverage]

        explains = not wants_number and bool(self.cues.list.search(query))
        wants_place = bool(self.cues.place.search(query))
        hits = []
        for rank, r in enumerate(results, start=1):
            doc = self.docs[r.doc]
            names = [doc.article.park] if wants_place and doc.article.park else []
            shown = excerpt(doc.para.text, weights, wants_number, names, explains=explains)
            hits.append(_hit(rank, r.score, doc, shown))
        return Answer(question, True, park or hits[0].park, "answered", hits, terms, confidence)

    def _scope(self, named: list[Park], unknown: list[str]) -> np.ndarray | None:
        """The paragraphs a question may be answered from (a mask): its parks', or those naming the unknown place."""
        if named:
            return np.logical_or.reduce([self._park_docs[p.name] for p in named])
        if unknown:
            mask = np.zeros(len(self.docs), dtype=bool)
            for place in unknown:
                mask[[d for d in self._candidates(place) if place in self.docs[d].para.text]] = True
            return mask
        return None

    def _candidates(self, place: str) -> Sequence[int]:
        """Paragraphs that may hold `place`: those with its rarest character pair, looked up, not scanned.

        A place with a Chinese numeral (which the index reads as a digit) or without a pair is
        searched for in every paragraph.
        """
        pairs = bigrams(place)
        if not pairs or "".join(p[0] for p in pairs) + pairs[-1][-1] != place or _NUMERAL.search(place):
            return range(len(self.docs))
        return self.pairs.docs_with(min(pairs, key=lambda p: len(self.pairs.docs_with(p)))).tolist()

    def _rank(self, query: str, concepts: list[Concept], allowed: np.ndarray | None, k: int) -> list[Scored]:
        """BM25 on words plus a share of BM25 on character pairs, then the corrections of `_reweigh`."""
        scores = self.index.scores([t for c in concepts for alt in [*c.alternatives, c.backoff] for t in alt], allowed)
        if self.options.bigram_weight:
            scores = scores + self.options.bigram_weight * self.pairs.scores(self._query_pairs(query), allowed)
        return self._reweigh(top(scores, k=k), query)

    # -- helpers -------------------------------------------------------------

    def _doc_text(self, doc: _Doc) -> str:
        if not self.options.index_titles:
            return doc.para.text
        return f"{doc.article.title} {doc.para.section} {doc.para.text}"

    def _docs_about(self, park: Park) -> np.ndarray:
        """A park's paragraphs (a mask): those of its articles, and any other that names it in full."""
        full_names = [n for n in park.names() if len(self.registry.mentions(n)) == 1 and len(n) > 2]
        return np.array([d.article.park == park.name or any(n in d.para.text for n in full_names)
                         for d in self.docs], dtype=bool)

    def _concepts(self, query: str) -> list[Concept]:
        """The question as concepts: each a word's search-mode parts, plus its synonyms as alternatives."""
        concepts = []
        for word in dict.fromkeys(self.tokenize.words(query)):
            concept = Concept(word, [self.tokenize(word) or [word]])
            for short, full in self.synonyms.items():
                if short in query and (word in short or short in word):
                    concept.alternatives += [self.tokenize(f) for f in full if self.tokenize(f)]
                    concept.synonyms += full
            if len(word) > 1 and _CJK_WORD.match(word) and not any(self.index.idf(t) for t in concept.alternatives[0]):
                # An unseen word may be a mis-cut (「中排」): its characters are a weak alternative.
                concept.backoff = [c for c in self.tokenize.words(" ".join(word)) if self.index.idf(c)]
            concepts.append(concept)
        return concepts

    def _query_pairs(self, query: str) -> list[str]:
        """Character pairs of the question's content: stop words break the runs."""
        words = self.tokenize.words(query, keep_stopwords=True)
        return bigrams("".join(w if w not in self.tokenize.stopwords else " " for w in words))

    def _idf(self, token: str) -> float:
        """Unseen words count as the rarest: a question about them is not answered by chance."""
        return self.index.idf(token) or self._max_idf

    def _coverage(self, concepts: list[Concept], doc: int) -> float:
        """How much of the question's content (IDF-weighted) the paragraph holds.

        A concept counts by its best alternative: 「面积」 is covered by a paragraph
        that says 「平方公里」, a compound word in part by its parts, a word cut
        differently in the paragraph by its character pairs, an unseen word at
        half weight by its characters.
        """
        def share(tokens: list[str]) -> float:
            held = sum(self._idf(t) for t in tokens if self.index.contains(doc, t))
            return held / (sum(self._idf(t) for t in tokens) or 1)

        total = covered = 0.0
        for concept in concepts:
            weight = sum(self._idf(t) for t in concept.alternatives[0])
            best = max(share(alt) for alt in concept.alternatives)
            if concept.backoff:
                best = max(best, BACKOFF_WEIGHT * share(concept.backoff))
            if self.options.bigram_weight:
                best = max(best, PAIR_WEIGHT * self._pair_share(concept.word, doc))
            total += weight
            covered += weight * best
        return covered / total if total else 0.0

    def _pair_share(self, word: str, doc: int) -> float:
        """Share of a word's character pairs in the paragraph; a one-character word is there or not."""
        if len(word) == 1:
            return float(word in self.docs[doc].para.text)
        pairs = bigrams(word)
        return sum(self.pairs.contains(doc, p) for p in pairs) / len(pairs) if pairs else 0.0

    def _counted_thing(self, query: str, content: list[Concept], weights: dict[str, float]) -> Counted:
        """What a how-many question counts: its measure word's class and the words after the cue."""
        cue = self.cues.asks_number(query)
        after = query[cue.end():] if cue else ""
        unit = next((u for u in sorted(self.units, key=len, reverse=True) if after.startswith(u)), "")
        if cue and (cue.group().startswith("第") or "排" in query[:cue.start()][-2:]):
            kind = "rank"  # 「第几家」「排第几名」 ask for a place in an order, not a count
        elif self.cues.percent.search(query):
            kind = "percent"
        elif self.cues.money.search(query):
            kind = "money"
        else:
            kind = self.units.get(unit, "")
        thing = [w for c in content if c.word in after and c.word not in unit for w in (c.word, *c.synonyms)]
        when = bool(self.cues.time.search(query))
        if not thing:  # 「专精特新中小企业有多少家」: the thing comes before the cue, anywhere in the sentence
            return Counted(kind, [t for t in weights if len(t) >= 2], when, unit=unit, weights=weights)
        parts = {w: [t for t in self.tokenize(w) if len(t) >= 2 and t != w] for w in thing}
        return Counted(kind, thing, when, parts, unit=unit)

    def _counted_first(self, results: list, counted: Counted) -> list:
        """For 「多少」「几」 questions, paragraphs that report a figure of the thing asked come first.

        The figure must be one the statistics extracted (so not a date, a 「4+1」 or a list
        name), of the class the measure word asks for (「多少名」 → people), in a clause that
        names the thing (「现有党员1732名」); a figure in the very unit asked (「几个」 → 「4个」)
        goes before one of the same class (「11家」). When no paragraph has one, the articles do
        not report it and nothing is returned, rather than a passage that only mentions the thing.
        """
        def reports(r: Scored) -> int:
            doc = self.docs[r.doc]
            if counted.when:  # a date and what happened then share a sentence, often not a clause
                sentences = split_sentences(doc.para.text)
                return int(any(_DATE.search(s) and any(w in s for w in counted.words) for s in sentences))
            return max((2 if counted.unit and f.unit == counted.unit else 1
                        for f in self._facts_at.get((doc.article.article_id, doc.para.n), [])
                        if (not counted.kind or f.kind == counted.kind)
                        and (counted.held_by(f.sentence) if counted.weights else counted.named_in(_clause(f)))),
                       default=0)

        tiers = {r.doc: reports(r) for r in results}
        found = sorted((r for r in results if tiers[r.doc]), key=lambda r: -tiers[r.doc])
        return found + [r for r in results if not tiers[r.doc]] if found else []

    def _reweigh(self, results: list, query: str) -> list:
        """Adjust BM25 for what it cannot see.

        Captions repeat the text they illustrate, so the paragraph wins when both
        match. A question asking what a term means (「“两个覆盖”是什么」) prefers the
        paragraph that defines it: the term followed by a bracket or 「是指」「即」.
        A question asking for a list (「有哪些」「包括什么」) prefers a paragraph that
        enumerates (「甲、乙、丙」) over one that only names the topic.
        """
        defined = self.cues.defined_term(query)
        asks_list = bool(self.cues.list.search(query)) and not self.cues.number.search(query)
        list_terms = [w for w in self.tokenize.words(query) if len(w) >= 2 and not self.registry.mentions(w)]
        for r in results:
            para = self.docs[r.doc].para
            if para.caption:
                r.score *= self.options.caption_weight
            if defined and re.search(re.escape(defined) + r"[”\"]?(（|\(|是指|即|指的是|就是)", para.text):
                r.score *= 1.5
            if asks_list and _enumerates(para.text, list_terms):
                r.score *= self.options.list_weight
        return sorted(results, key=lambda r: -r.score)


def _clause(fact: Fact) -> str:
    """The clause of its sentence a figure stands in, and its label."""
    at = fact.text or fact.value
    return next((c for c in _CLAUSE.split(fact.sentence) if at in c), fact.sentence) + fact.label


def _enumerates(text: str, terms: list[str]) -> bool:
    """A clause that lists three or more items (「甲、乙、丙」) next to one of the question's words."""
    clauses = re.split(r"[，。；：！？]", text)
    return any(clause.count("、") >= 2 and any(t in clause for t in terms) for clause in clauses)


def _hit(rank: int, score: float, doc: _Doc, shown: str) -> Hit:
    a, p = doc.article, doc.para
    return Hit(rank=rank, score=round(score, 4), article_id=a.article_id, title=a.title, park=a.park,
               paragraph=p.n, source=cite(a.title, a.park, p.n, p.caption), text=p.text, excerpt=shown,
               section=p.section, caption=p.caption)
