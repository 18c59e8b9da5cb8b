"""The answering core: one object the CLI, the console chat and Telegram all call.

It knows the articles, the parks and their figures, and turns a question into
an `Answer` in five steps: analyse (bot/query.py) → scope → rank (BM25, then
bot/rerank.py) → check (bot/coverage.py) → excerpt (bot/answer.py). It knows
nothing about how the answer is shown.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from bot import stats as stats_mod
from bot.answer import Answer, Hit, Reason, cite, excerpt
from bot.coverage import Coverage
from bot.followup import Context, context_of, follow, within
from bot.index import (
    INDEX_FORMAT,
    BM25Index,
    IndexStore,
    RankBM25Index,
    Scored,
    SparseIndex,
    bigrams,
    file_hash,
    texts_hash,
    top,
)
from bot.ingest import ARTICLES_FILE, Article, Build, Paragraph, Passage, load_articles
from bot.lexicon import Lexicon
from bot.parks import Park, Registry, Resolution
from bot.query import Concept, Query, analyse, names_in
from bot.rerank import Counted, answering_figures, counted_first, counted_thing, reweigh
from bot.spelling import Speller
from bot.stats import Fact, Overview, overview
from bot.tokens import Tokenizer

INDEX_DIR = "index"  # under the corpus directory: a cache, not committed (see .gitignore)
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
    spelling: bool = True  # an unseen word may be a homophone typo of a word the articles use
    unseen_prior: bool = True  # an unseen word weighs by its general-language frequency, not as the rarest
    reference_index: bool = False  # rank-bm25 itself instead of the sparse matrix that ranks as it does


CANDIDATES = 30  # hits re-ranked after BM25
PASSING: tuple[Reason, ...] = ("greeting", "empty", "not_chinese")  # no question: a conversation keeps its context


def doc_text(doc: Passage, options: Options) -> str:
    """What is indexed of a paragraph: with its article's title and its section heading, unless the option is off."""
    if not options.index_titles:
        return doc.para.text
    return f"{doc.article.title} {doc.para.section} {doc.para.text}"


@dataclass
class Indexing:
    """How the word and character-pair indexes of some paragraphs are had: loaded if saved from this text and
    lexicon, else extended from the saved index of an earlier corpus they continue (`base`), else built; saved
    when built or extended. The engine's, and (`Engine.save_index`) that of `add` on the command line, which
    only saves them for the next load."""

    docs: list[Passage]
    tokenize: Tokenizer
    fingerprint: str  # the lexicon's
    options: Options
    extended: bool = False  # the index was an earlier corpus's, extended with the paragraphs after its own

    def indexes(self, store_dir: Path | None, corpus_id: str | None,
                base: tuple[str, int] | None = None) -> tuple[BM25Index, BM25Index]:
        k1, b, okapi = self.options.k1, self.options.b, not self.options.lucene_idf
        if self.options.reference_index or okapi:
            listed = [doc_text(d, self.options) for d in self.docs]
            return (RankBM25Index([self.tokenize(t) for t in listed], k1, b, okapi=okapi),
                    RankBM25Index([bigrams(t) for t in listed], k1, b))

        def texts() -> Iterator[str]:  # made as needed: a million paragraphs' texts are not kept
            return (doc_text(d, self.options) for d in self.docs)

        key = {"format": INDEX_FORMAT, "corpus": corpus_id or texts_hash(texts()), "titles": self.options.index_titles,
               "lexicon": self.fingerprint, "cutter": self.tokenize.version, "k1": k1, "b": b}
        builders = {"words": lambda: SparseIndex.build((self.tokenize(t) for t in texts()), k1, b, meta=key),
                    "pairs": lambda: SparseIndex.build((bigrams(t) for t in texts()), k1, b, meta=key)}
        if store_dir is None:
            indexes = {part: build() for part, build in builders.items()}
            return indexes["words"], indexes["pairs"]
        store = IndexStore(store_dir)
        found = store.load(key, tuple(builders), quiet=base is not None)
        if found is None and base is not None:
            old = store.load({**key, "corpus": base[0]}, tuple(builders), quiet=True)
            if old is not None and all(index.size == base[1] for index in old.values()):
                added = self.docs[base[1]:]  # only these are cut
                cuts: dict[str, Callable[[str], list[str]]] = {"words": self.tokenize, "pairs": bigrams}
                extenders: dict[str, Callable[[], SparseIndex]] = {part: functools.partial(
                    self._extend, old[part], cuts[part], added, key) for part in builders}
                found = store.build(key, extenders)
                self.extended = True
            else:
                found = store.load(key, tuple(builders))  # says in one line that it is built
        indexes = found or store.build(key, builders)
        return indexes["words"], indexes["pairs"]

    def _extend(self, index: SparseIndex, cut: Callable[[str], list[str]], added: list[Passage],
                key: dict) -> SparseIndex:
        return index.extend((cut(doc_text(d, self.options)) for d in added), meta=key)


class Engine:
    def __init__(self, articles: list[Article], registry: Registry, facts: list[Fact], lexicon: Lexicon,
                 options: Options = Options(), index_dir: Path | None = None, corpus_id: str | None = None,
                 base: tuple[str, int] | None = None):
        """`index_dir`: where the search index is saved and looked for (None: built in memory only);
        `corpus_id`: a hash of the corpus file the articles were read from (else one of their text is made);
        `base`: the corpus id and paragraph count of an earlier corpus these articles continue (an `add`),
        whose saved index is then extended with the paragraphs after those rather than built again."""
        self.articles = {a.article_id: a for a in articles}
        self.facts = facts
        self._facts_at: dict[tuple[str, int], list[Fact]] = {}
        for fact in facts:
            self._facts_at.setdefault((fact.article_id, fact.paragraph), []).append(fact)
        self.lexicon = lexicon
        self.options = options
        self.tokenize = lexicon.tokenizer
        self.docs = [Passage(a, p) for a in articles for p in a.paragraphs]
        indexing = Indexing(self.docs, self.tokenize, lexicon.fingerprint, options)
        self.index, self.pairs = indexing.indexes(index_dir, corpus_id, base)
        self.extended = indexing.extended  # the index was an earlier corpus's, extended (`base`)
        self._park_docs: dict[str, np.ndarray] = {}  # made when a question first names the park
        self._article_docs: dict[str, list[int]] = {}
        for i, d in enumerate(self.docs):
            self._article_docs.setdefault(d.article.park or "", []).append(i)
        self.speller = Speller(self.index.terms, self.index.idf) if options.spelling else None
        self.coverage = Coverage(self.index, self.pairs if options.bigram_weight else None, self.docs,
                                 self.tokenize.frequency if options.unseen_prior else None)
        self.registry = registry.reading(self.in_text)
        # One reading per question: a follow-up's check, its answer and its context share it (Query is not changed).
        self._analysed = functools.lru_cache(maxsize=256)(self._read)

    @classmethod
    def load(cls, corpus_dir: Path | str, options: Options = Options()) -> Engine:
        corpus_dir = Path(corpus_dir)
        lexicon = Lexicon.load(corpus_dir, user_dict=options.user_dict, stopwords=options.stopwords,
                               synonyms=options.synonyms, search_mode=options.search_mode)
        articles = load_articles(corpus_dir)
        registry = Registry.load(corpus_dir, lexicon.tokenizer)
        facts = stats_mod.load_facts(corpus_dir)
        return cls(articles, registry, facts, lexicon, options, corpus_dir / INDEX_DIR,
                   file_hash(corpus_dir / ARTICLES_FILE))

    @classmethod
    def from_build(cls, build: Build, corpus_dir: Path | str, options: Options = Options()) -> Engine:
        """The engine over a build just written (`add`, `remove`), without reading it back; it saves the index
        where `load` looks for it. The build's lexicon has the default switches, so `options` must too."""
        corpus_dir = Path(corpus_dir)
        return cls(build.articles, build.registry, build.facts, build.lexicon, options, corpus_dir / INDEX_DIR,
                   file_hash(corpus_dir / ARTICLES_FILE), build.base)

    @staticmethod
    def save_index(build: Build, corpus_dir: Path | str, options: Options = Options()) -> bool:
        """Save the search index of a build just written where `load` looks for it, without making an engine (nor
        reading the figures): what `add` on the command line needs. True when the last index was extended."""
        corpus_dir = Path(corpus_dir)
        indexing = Indexing([Passage(a, p) for a in build.articles for p in a.paragraphs], build.lexicon.tokenizer,
                            build.lexicon.fingerprint, options)
        indexing.indexes(corpus_dir / INDEX_DIR, file_hash(corpus_dir / ARTICLES_FILE), build.base)
        return indexing.extended

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

    def ask(self, question: str, top_k: int = 3, context: Context | None = None) -> Answer:
        """Answer `question`; with the `context` of the previous answer, as its follow-up if it reads as one.

        Every answer carries the context the next question is read against; one that continued the
        previous question says what it took from it (`assumed`). The question stays the user's.
        """
        query = self._analyse(question)
        turn = follow(query, context, self.lexicon.followup, self.tokenize.cut, self.registry) if context else None
        if turn is None:
            answer = self._alone(question, top_k)
            if context and answer.reason in PASSING:  # 「谢谢」 between two questions: the conversation goes on
                return replace(answer, context=context)
            # Nothing on its own (「效果咋样」): asked about what was talked about, and said so, if found there.
            bent = within(query, context) if answer.reason == "not_found" else ()
            there = next((a for a in (self._alone(q, top_k, query.content) for q in bent) if a.found), None)
            if there is None:
                return replace(answer, context=self._context(answer, 0, len(answer.hits)))
            answer = replace(there, context=self._context(there, 0, len(there.hits)))
        elif turn.more and context:
            answer = self._more(context, top_k)
        else:
            tried = [self._alone(q, top_k) for q in turn.questions[:1]]
            for q in turn.questions[1:]:
                if tried[-1].found:
                    break
                tried.append(self._alone(q, top_k))
            answer = next((a for a in tried if a.found), tried[0])
            answer = replace(answer, context=self._context(answer, 0, len(answer.hits)))
        assert answer.context is not None
        return replace(answer, query=question, assumed=answer.context.label())

    def _more(self, previous: Context, top_k: int) -> Answer:
        """「还有呢」: the previous question's results after those already given."""
        given = previous.offset + previous.shown
        full = self._alone(previous.question, given + top_k)
        hits = full.hits[given:]
        context = replace(previous, offset=given, shown=len(hits))
        if not hits:
            return Answer(full.query, False, full.park, "no_more", terms=full.terms, context=context)
        return replace(full, hits=hits, context=context)

    def _analyse(self, question: str) -> Query:
        return self._analysed(question)

    def _read(self, question: str) -> Query:
        return analyse(question, self.lexicon, self.registry, lambda t: bool(self.index.idf(t)),
                       self.options.park_filter, self.speller)

    def _context(self, answer: Answer, offset: int, shown: int) -> Context:
        """What the answer was about: the parks the question named (or, if none, the park that answered)."""
        query = self._analyse(answer.query)
        parks = [p.name for p in query.parks] + query.unknown or ([answer.park] if answer.found and answer.park else [])
        return context_of(query, parks, [*query.written, *query.unknown], offset, shown)

    def _alone(self, question: str, top_k: int = 3, own: list[Concept] | None = None) -> Answer:
        """Analyse, limit to the parks named, rank, check the answer is there, cut excerpts.

        `own`: the words the user asked, when `question` is theirs read in the conversation's context: a
        passage answers only if it holds enough of those too, not just of what the context added."""
        query = self._analyse(question)
        scope = self._scope(query)
        if refusal := self._refusal(query, scope):
            return refusal
        results = self._rank(query, scope, max(top_k, CANDIDATES))
        counted = self._counted(query)
        reporting: set[int] = set()
        if counted is not None:
            results = counted_first(results, counted, self.docs, self._facts_of, reporting)
        if titles := self._titles_asked(query):  # 「党工委书记叫啥」: only a paragraph naming a 书记 can say who
            results = [r for r in results if any(t in self.docs[r.doc].para.text for t in titles)]
        # 「百源基因去年营收多少钱」: not another company's article.
        if names := names_in(query, self.tokenize.is_word, self.in_text):
            results = [r for r in results
                       if all(any(self._names(self.docs[r.doc].article, n) for n in alts) for alts in names)]
        coverage = {r.doc: self.coverage.of(query.content, r.doc) for r in results[:top_k]}
        if own is not None:
            coverage = {doc: min(share, self.coverage.of(own, doc)) for doc, share in coverage.items()}
        # Among the hits shown, one that holds enough of the question goes first; for a how-many question, one
        # that reports such a figure: a paragraph without one does not answer however much of the question it
        # holds (a date may be told otherwise: 「今年年初」).
        figures = counted is not None and not counted.when
        results = sorted(results[:top_k], key=lambda r: coverage[r.doc] < self.options.min_coverage
                         or (figures and r.doc not in reporting))
        confidence = coverage[results[0].doc] if results else 0.0
        if not results or confidence < self.options.min_coverage or (figures and results[0].doc not in reporting):
            reason: Reason = "not_chinese" if query.foreign else "not_found"
            return Answer(query.text, False, query.park, reason, terms=query.terms(), confidence=confidence,
                          examples=self.lexicon.examples if query.foreign else [])
        # The next best passages too, but not ones that share only a word or two with the question.
        results = results[:1] + [r for r in results[1:] if coverage[r.doc] >= self.options.min_hit_coverage]
        hits = self._excerpts(query, results, counted)
        return Answer(query.text, True, query.park or hits[0].park, "answered", hits, query.terms(), confidence)

    def _refusal(self, query: Query, scope: np.ndarray | None) -> Answer | None:
        """The questions not to rank at all: no words, only places we do not cover, only a park's name."""
        examples = self.lexicon.examples
        if query.greeting:
            return Answer(query.text, False, None, "greeting", examples=examples)
        if query.empty:
            return Answer(query.text, False, None, "empty", examples=examples)
        if not query.parks and (ambiguous := self.registry.ambiguous_in(query.normal)):
            return Answer(query.text, False, None, "ambiguous", place=ambiguous[0], parks=ambiguous[1])
        if scope is not None and not scope.any():
            if query.parks:  # a registered park no article is about yet: nothing to answer from
                return Answer(query.text, False, query.park, "not_found", terms=query.terms())
            return Answer(query.text, False, None, "not_covered", place=query.unknown[0],
                          parks=[p.name for p in self.registry.parks])
        if not query.parks and not query.content:  # 「有多少？」: nothing to look for
            return Answer(query.text, False, None, "not_found")
        if query.parks and not query.content and query.intent.figure != "rank":  # 「昆山高新区排名第几」 asks
            return Answer(query.text, False, query.park, "only_park", parks=[p.name for p in query.parks])
        return None

    def _scope(self, query: Query) -> np.ndarray | None:
        """The paragraphs a question may be answered from (a mask): its parks', or those naming the unknown place."""
        if query.parks:
            return np.logical_or.reduce([self._docs_about(p) for p in query.parks])
        if query.unknown:
            mask = np.zeros(len(self.docs), dtype=bool)
            for place in query.unknown:
                mask[self._holding(place)] = True
            return mask
        return None

    def in_text(self, text: str) -> bool:
        """Whether a paragraph holds `text` as written: a place name the articles spell is no typo."""
        return len(text) >= 2 and any(text in self.docs[d].para.text for d in self._candidates(text))

    def _holding(self, name: str) -> list[int]:
        """Paragraphs whose text holds `name`."""
        return [d for d in self._candidates(name) if name in self.docs[d].para.text]

    def _candidates(self, name: str) -> Sequence[int]:
        """The paragraphs holding every character pair of `name` (postings intersected, rarest first), not a scan.

        A name with a Chinese numeral (which the index reads as a digit) or without a pair may be
        in any paragraph.
        """
        pairs = bigrams(name)
        if not pairs or "".join(p[0] for p in pairs) + pairs[-1][-1] != name or _NUMERAL.search(name):
            return range(len(self.docs))
        postings = sorted((self.pairs.docs_with(p) for p in set(pairs)), key=len)
        found = postings[0]
        for other in postings[1:]:
            if not len(found):
                break
            found = np.intersect1d(found, other, assume_unique=True)
        return found.tolist()

    def _rank(self, query: Query, scope: np.ndarray | None, k: int) -> list[Scored]:
        """BM25 on words plus a share of BM25 on character pairs, then the corrections of bot/rerank.py.

        Once the search is limited to a park, its name only rewards the paragraphs that happen
        to spell it the way the question does (「泸州高新区」 in one caption, 「泸州国家高新区」 elsewhere).
        """
        ranked = query.content if query.parks and self.options.drop_park_terms and query.content else query.concepts
        scores = self.index.scores([t for c in ranked for t in c.tokens()], scope)
        if self.options.bigram_weight:
            scores = scores + self.options.bigram_weight * self.pairs.scores(self._query_pairs(query.normal), scope)
        return reweigh(top(scores, k=k), query, self.docs, self.options.caption_weight, self.options.list_weight)

    def _counted(self, query: Query) -> Counted | None:
        """What a how-many question counts: it is answered only by a paragraph reporting such a figure."""
        if not (query.intent.number and self.options.number_check):
            return None
        return counted_thing(query, self._weights(query), self.tokenize, self.lexicon.vocabulary.units,
                             self.lexicon.cues.words.get("count_unit_groups", []))

    @staticmethod
    def _names(article: Article, name: str) -> bool:
        return name in article.title or any(name in p.text for p in article.paragraphs)

    def _titles_asked(self, query: Query) -> list[str]:
        """The titles a who-question names (「书记」 in 「党工委书记叫啥」): who holds one is told only beside it."""
        if not query.intent.person:
            return []
        titles = self.lexicon.cues.words["titles"]
        return [c.word for c in query.content if c.word in titles]

    def _excerpts(self, query: Query, results: list[Scored], counted: Counted | None) -> list[Hit]:
        weights = self._weights(query)
        hits = []
        for rank, r in enumerate(results, start=1):
            doc = self.docs[r.doc]
            names = [doc.article.park] if query.intent.place and doc.article.park else []
            if counted is not None:  # the sentence with the figure that answers
                answering = answering_figures(counted, self._facts_of(doc), doc.para.text)
                names += [f.text or f.value for _, f in answering[:1]]
            if query.intent.person:  # 「张娅利是谁」: the sentence with the name and a title
                names += self.lexicon.cues.words["titles"]
            shown = excerpt(doc.para.text, weights, query.intent.number, names, explains=query.intent.listing)
            hits.append(_hit(rank, r.score, doc, shown))
        return hits

    # -- helpers -------------------------------------------------------------

    def _weights(self, query: Query) -> dict[str, float]:
        """The question's content tokens with their IDF: what an excerpt and a figure's sentence must hold."""
        return {t: self.coverage.idf(t) for c in query.content for alt in c.alternatives for t in alt}

    def _facts_of(self, doc: Passage) -> list[Fact]:
        return self._facts_at.get((doc.article.article_id, doc.para.n), [])

    def _doc_text(self, doc: Passage) -> str:
        return doc_text(doc, self.options)

    def _docs_about(self, park: Park) -> np.ndarray:
        """A park's paragraphs (a mask): those of its articles, and any other that names it in full."""
        if park.name not in self._park_docs:
            mask = np.zeros(len(self.docs), dtype=bool)
            mask[self._article_docs.get(park.name, [])] = True
            for name in park.names():
                if len(self.registry.mentions(name)) == 1 and len(name) > 2:
                    mask[self._holding(name)] = True
            self._park_docs[park.name] = mask
        return self._park_docs[park.name]

    def _query_pairs(self, normal: str) -> list[str]:
        """Character pairs of the question's content: stop words break the runs."""
        words = self.tokenize.words(normal, keep_stopwords=True)
        return bigrams("".join(w if w not in self.tokenize.stopwords else " " for w in words))


def _hit(rank: int, score: float, doc: Passage, shown: str) -> Hit:
    a, p = doc.article, doc.para
    return Hit(rank=rank, score=round(score, 4), article_id=a.article_id, title=a.title, park=a.park,
               paragraph=p.n, source=cite(a.title, a.park, p.n, p.caption), text=p.text, excerpt=shown,
               section=p.section, caption=p.caption)
