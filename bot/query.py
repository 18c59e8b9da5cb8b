"""A question, read once: its text, the parks it names, its words and what kind of answer it wants.

Every later step (scope, rank, check, excerpt) reads this one object, so the
question's type is decided in one place (`Intent`) and never again from the
raw text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from bot.lexicon import Lexicon, QuestionWords
from bot.parks import Park, Registry
from bot.patterns import lazy
from bot.spelling import Speller
from bot.text import MAX_QUESTION, normalize_query  # MAX_QUESTION: the adapters cut with text.asked and say so

MAX_TYPO_WORD = 4  # longer unseen words are names or phrases, not a slip of one character
_HAS_WORDS = re.compile(r"[\u4e00-\u9fff0-9A-Za-z]")
_CJK_WORD = re.compile(r"^[\u4e00-\u9fff]+$")
_CJK = lazy(r"[\u4e00-\u9fff]")  # only a question with Latin letters needs it (1 ms to compile)
_LATIN = re.compile(r"[A-Za-z]")
_LATIN_WORD = re.compile(r"[A-Za-z]{4,}")
_RANKED = re.compile(r"排(名|在|到)?$")  # 「排第几」「排名多少」, not 「摸排了多少」
_RANK_CUE = re.compile(r"第几|排名|名次")
_SCALES = ("万", "亿")
_MEASURES = ("time", "length", "weight")
_SPLIT_PLACE = re.compile(r"([\u4e00-\u9fff]{2,3}?)(?:那个|这个|那里的|这里的|的)(国家高新区|高新区|新区)")


@dataclass(frozen=True)
class Intent:
    """What kind of answer a question wants, from its cue words (corpus/question_words.toml).

    A question may be several at once: 「哪一年成立」 asks a number that is a date;
    「“两个覆盖”是什么」 asks for a definition, answered like a list by the sentences
    that follow the term.
    """

    number: bool = False  # how many / how much / which rank: a figure answers (「哪几个」 is not one)
    figure: str = ""  # the class of figure a how-many question asks: rank, percent, money, or a unit's class
    unit: str = ""  # its measure word (「多少名」 → 名)
    scale: str = ""  # 万 or 亿 after the cue (「多少亿」): the figure is an amount written with one, not a share
    adjective: str = ""  # the measure a cue names (高 in 「多高」, 快 in 「多快」)
    after: str = ""  # the text after the how-many cue, where the counted thing is named
    time: bool = False  # when: a date answers
    listing: bool = False  # which ones, what it includes or is: an enumeration answers
    definition: str | None = None  # the term a what-is question asks about
    place: bool = False  # which park or where: the sentence naming the place answers
    person: bool = False  # who: the sentence naming the person with a title answers

    @property
    def kind(self) -> str:
        """One word for logs and JSON: the most specific of the intents."""
        for kind, on in (("time", self.time), ("number", self.number), ("definition", self.definition),
                         ("person", self.person), ("list", self.listing), ("place", self.place)):
            if on:
                return kind
        return "fact"


def intent_of(text: str, cues: QuestionWords, units: dict[str, str]) -> Intent:
    cue = cues.asks_number(text)
    after = text[cue.end():] if cue else ""
    scale = after[:1] if after[:1] in _SCALES else ""  # 「多少亿」「几万人」: an amount in 亿 or 万
    unit = next((u for u in sorted(units, key=len, reverse=True) if after[len(scale):].startswith(u)), "")
    if cue and (_RANK_CUE.search(text) or _RANKED.search(text[:cue.start()])):
        figure = "rank"  # 「第几家」「排第几名」 ask for a place in an order, not a count
    elif cues.percent.search(text):
        figure = "percent"
    elif cues.money.search(text):
        figure = "money"
    elif unit in cues.words.get("any_class_units", []):
        figure = ""
    else:
        figure = units.get(unit, "") or cues.measure(text)
    # 「多高」「多快」: the cue's adjective is the measure asked (like 「名」 in 「多少名」), not a word to look for.
    measured = cue is not None and figure in _MEASURES and len(cue.group()) == 2 and cue.group().startswith("多")
    adjective = cue.group()[1:] if cue is not None and measured else ""
    return Intent(number=cue is not None, figure=figure if cue else "", unit=unit, scale=scale, adjective=adjective,
                  after=after,
                  time=bool(cues.time.search(text)), listing=cue is None and bool(cues.list.search(text)),
                  definition=cues.defined_term(text), place=bool(cues.place.search(text)),
                  person=bool(cues.person.search(text)))


@dataclass
class Concept:
    """One word of a question and the token lists that may stand for it in a paragraph."""

    word: str
    alternatives: list[list[str]]
    backoff: list[str] = field(default_factory=list)  # an unseen word's characters, a weak alternative
    synonyms: list[str] = field(default_factory=list)

    def tokens(self) -> list[str]:
        return [t for alt in [*self.alternatives, self.backoff] for t in alt]


@dataclass
class Query:
    text: str  # as the user wrote it
    normal: str  # simplified, width-folded, markup removed, chat words in standard words, ≤ MAX_QUESTION characters
    parks: list[Park]  # the registry's parks it names (a misspelt one included)
    unknown: list[str]  # park-like names it holds that are none of ours
    concepts: list[Concept]  # every word, park names too (shown in bold)
    content: list[Concept]  # the words that are not the parks' names: what is asked about them
    intent: Intent
    greeting: bool = False  # only 「你好」「谢谢」: nothing to look up
    events: frozenset[str] = frozenset()  # the event words a when-question may ask about (「成立」)
    written: list[str] = field(default_factory=list)  # the names as written that stand for its parks (「泸洲高新区」)

    @property
    def park(self) -> str | None:
        return self.parks[0].name if len(self.parks) == 1 else None

    @property
    def empty(self) -> bool:
        return not _HAS_WORDS.search(self.normal)

    @property
    def foreign(self) -> bool:
        """Mostly Latin letters (English, pinyin): the bot reads Chinese questions."""
        latin = len(_LATIN.findall(self.normal))
        return latin > 0 and latin >= len(_CJK.findall(self.normal))

    def terms(self) -> list[str]:
        """Words to show in bold: every alternative of every word, park names too."""
        every = [t for c in self.concepts for alt in c.alternatives for t in alt]
        return [t for t in dict.fromkeys(every) if len(t) >= 2 or t.isdigit()]


def analyse(question: str, lexicon: Lexicon, registry: Registry, seen: Callable[[str], bool],
            park_filter: bool = True, speller: Speller | None = None) -> Query:
    """Read a question; `seen` says whether the index knows a token (an unseen word backs off to characters)."""
    text = question or ""
    as_typed = normalize_query(text)[:MAX_QUESTION]
    normal = _joined_places(_pinyin_places(lexicon.standard(as_typed), registry), registry)
    named, unknown, written = registry.places_in(normal) if park_filter else ([], [], [])
    concepts = _concepts(normal, lexicon, seen, speller)
    tokenize = lexicon.tokenizer
    park_words = {w for p in named for n in p.names() for w in tokenize.words(n)}
    park_words |= {w for name in written for w in tokenize.words(name)}
    intent = intent_of(normal, lexicon.cues, lexicon.vocabulary.units)
    # 「多少人」: 人 is the measure word of the figure asked, not something the paragraph must say.
    measure = (intent.unit, intent.scale, intent.adjective)
    content = [c for c in concepts if c.word not in park_words and c.word not in measure]
    if intent.number and not intent.figure and not intent.unit and _counts_people(content, lexicon.cues):
        intent = replace(intent, figure="people")  # 「靖远县党员有多少」: members, not 239枚 of their medals
    events = frozenset(lexicon.cues.words.get("events", []))
    return Query(text, normal, named, unknown, concepts, content, intent, lexicon.cues.only_greeting(as_typed), events,
                 written)


def _counts_people(content: list[Concept], cues: QuestionWords) -> bool:
    """The thing a how-many question without a measure word counts is people when its last word names them
    (党员, 牧民, 志愿者, 负责人: `people_endings` in question_words.toml)."""
    last = content[-1].word if content else ""
    return any(last.endswith(e) for e in cues.words.get("people_endings", []))


def _joined_places(text: str, registry: Registry) -> str:
    """「兰州那个高新区」「兰州的高新区」 → 兰州高新区: a city and, a word later, its kind of park name one park."""
    if "区" not in text:
        return text

    def join(m: re.Match) -> str:
        name = m.group(1) + m.group(2)
        return name if registry.resolve(name).status == "ok" else m.group()

    return _SPLIT_PLACE.sub(join, text)


def _pinyin_places(text: str, registry: Registry) -> str:
    """「lanzhou新区」 → 兰州新区: a park's place name in pinyin, written as it is in Chinese."""
    if not _LATIN.search(text):
        return text
    return _LATIN_WORD.sub(lambda m: registry.spelled_out(m.group()) or m.group(), text)


def _concepts(normal: str, lexicon: Lexicon, seen: Callable[[str], bool], speller: Speller | None) -> list[Concept]:
    """The question as concepts: each a word's search-mode parts, plus its synonyms as alternatives."""
    tokenize = lexicon.tokenizer
    concepts = []
    said = [(short, full) for short, full in lexicon.synonyms.items() if short in normal]  # once, not per word
    for word in dict.fromkeys(tokenize.words(normal)):
        if not seen(word) and _CJK_WORD.match(word):
            # 「发了」「搞的」: a word the cut joined to a particle is the word without it (but 「花会」 is a typo
            # of 「花卉」, not 「花」 and a particle).
            stem = "".join(ch for ch in word if ch not in tokenize.stopwords)
            known = stem and stem != word and (seen(stem) or tokenize.frequency(stem) > 0)
            word = stem if known and not (speller and speller.correct(word)) else word
        concept = Concept(word, [tokenize(word) or [word]])
        for short, full in said:
            if word in short or short in word:
                # A part of a longer word stands for that part only: 「上市公司」 is 上市企业, not any 企业.
                full = [word.replace(short, f) for f in full] if short in word and short != word else full
                concept.alternatives += [tokenize(f) for f in full if tokenize(f)]
                concept.synonyms += full
        parts = concept.alternatives[0]
        unseen = not any(seen(t) for t in parts)
        # 「合做」: its parts lost a character that is a stop word (做), so the one left (合) is no reading of it.
        lost = len(word) > 1 and not seen(word) and set("".join(parts)) != set(word)
        if len(word) > 1 and _CJK_WORD.match(word) and (unseen or lost):
            # An unseen word may be a typo of a word the articles use (「档员」 → 党员, 「合做」 → 合作)…
            fixed = speller.correct_within(word) if speller and len(word) <= MAX_TYPO_WORD else None
            if fixed:
                concept.alternatives.append(tokenize(fixed) or [fixed])
                concept.synonyms.append(fixed)
            # …or a mis-cut (「中排」): its characters are a weak alternative, those no article uses missing from it
            # (「今天天气」 is not half-answered by every paragraph with a 「天」).
            if unseen:
                concept.backoff = tokenize.words(" ".join(word))
        concepts.append(concept)
    return concepts


def names_in(query: Query, is_word: Callable[[str], bool], spelled: Callable[[str], bool]) -> list[list[str]]:
    """The question's words that only the articles use — names of companies, programmes, people (「百源基因」,
    unknown to general Chinese but `spelled` in the articles' text) — each with the other words that may stand
    for it. The article answering must name each of them; a park's name is the scope's business."""
    park_names = {n for p in query.parks for n in p.names()}

    def is_name(word: str) -> bool:
        return (len(word) >= 3 and word not in park_names and word in query.normal
                and not is_word(word) and spelled(word))

    concepts = query.content
    unknown = [_CJK_WORD.match(c.word) is not None and not is_word(c.word) for c in concepts]
    names: list[list[str]] = []
    for i, concept in enumerate(concepts):  # a name jieba does not know is cut in pieces: 「百源」「基因」
        joined = ["".join(c.word for c in concepts[i:j]) for j in range(min(i + 3, len(concepts)), i, -1)
                  if all(len(c.word) >= 2 and _CJK_WORD.match(c.word) for c in concepts[i:j])
                  and any(unknown[i:j])]  # 「百源」 is no word; a number is no name
        name = next((w for w in joined if is_name(w)), None)
        if name and not any(name in n[0] for n in names):
            names.append([name, *(concept.synonyms if name == concept.word else [])])
    return names
