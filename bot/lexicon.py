"""Every word list of the corpus, read once, normalised like the text, and the one tokenizer built from them.

The lists live in commented files under corpus/ so another newspaper's pages
need data, not code: the domain dictionary (userdict.txt, with an optional
frequency), stop words, synonyms, question cue words, units and statistics
words, example questions, and the park names of the registry. Each entry goes
through the same normalisation as the text it is compared with, so an entry
can never silently miss (「两个覆盖」 is kept as 「2个覆盖」, as the text reads).
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from bot.discover import Found
from bot.followup import FollowupWords
from bot.parks import REGISTRY_FILE, read_registry
from bot.stats import Vocabulary
from bot.text import normalize_query
from bot.tokens import Tokenizer, normalize

# Cue words that only frame a question (「哪些」「何谓」「哪一年」): cut whole and never matched as content.
# The other kinds (number, percent, money) may carry content (「面积」「占比」) and are listed in
# stopwords.txt where they carry none.
FRAMES = ("list", "place", "definition", "definition_before", "time", "person", "greeting")
FILES = ("userdict.txt", "stopwords.txt", "synonyms.txt", "question_words.toml", "units.txt", "stat_words.toml",
         "examples.txt", "parks.toml", "colloquial.txt")


def read_list(path: Path) -> list[str]:
    """Lines of a corpus data file, without its `#` comment header and blank lines."""
    if not path.exists():
        return []
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [s for s in lines if s and not s.startswith("#")]


def read_dictionary(path: Path) -> list[tuple[str, int | None]]:
    """userdict.txt: `word [frequency]`; without a frequency jieba picks one that keeps the word whole."""
    out: list[tuple[str, int | None]] = []
    for line in read_list(path):
        word, _, freq = line.partition(" ")
        out.append((normalize(word), int(freq) if freq.strip().isdigit() else None))
    return out


def read_synonyms(path: Path) -> dict[str, list[str]]:
    """synonyms.txt: `short = full, full2`."""
    out: dict[str, list[str]] = {}
    for line in read_list(path):
        left, _, right = line.partition("=")
        out[normalize(left.strip())] = [normalize(w.strip()) for w in right.split(",") if w.strip()]
    return out


def read_colloquial(path: Path) -> list[tuple[str, str]]:
    """colloquial.txt: `written = standard`, longest written form first; Latin letters in lower case."""
    pairs = []
    for line in read_list(path):
        written, _, standard = line.partition("=")
        if written.strip():
            pairs.append((normalize_query(written.strip()).lower(), normalize_query(standard.strip())))
    return sorted(pairs, key=lambda p: -len(p[0]))


def read_park_names(corpus_dir: Path, found: list[str] | None = None) -> list[str]:
    """Every name, alias and place of the registry — hand-kept, and found (bot/discover.py) unless `found` gives
    those: they must be cut whole."""
    path = corpus_dir / REGISTRY_FILE
    hand = [n for p in (read_registry(path) if path.exists() else []) for n in p.names() if n]
    return hand + (found_names(corpus_dir) if found is None else found)


def found_names(corpus_dir: Path) -> list[str]:
    return [n for p in Found.read(corpus_dir).parks for n in p.names() if n]


@dataclass(frozen=True)
class QuestionWords:
    """Cues for what kind of answer a question wants (corpus/question_words.toml).

    Cue words are matched against the question as `normalize_query` leaves it.
    """

    words: dict[str, list[str]]
    number: re.Pattern
    list: re.Pattern
    place: re.Pattern
    definition: re.Pattern
    time: re.Pattern
    percent: re.Pattern
    money: re.Pattern
    person: re.Pattern
    titles: re.Pattern

    @classmethod
    def load(cls, path: Path) -> QuestionWords:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        words = {k: [normalize_query(w) for w in v] for k, v in raw.items()}

        def any_of(key: str) -> str:
            return "|".join(map(re.escape, sorted(words[key], key=len, reverse=True)))

        term = r"[“\"「]?([\u4e00-\u9fff0-9]{2,12}?)[”\"」]?"
        definition = f"{term}(?:{any_of('definition')})|(?:{any_of('definition_before')}){term}"
        keys = ("number", "list", "place", "time", "percent", "money", "person", "titles")
        number, listing, place, time, percent, money, person, titles = (re.compile(any_of(k)) for k in keys)
        return cls(words, number, listing, place, re.compile(definition), time, percent, money, person, titles)

    def only_greeting(self, text: str) -> bool:
        """「你好！」「谢谢～」: nothing but greetings, thanks and punctuation."""
        rest = text.lower()
        for word in sorted(self.words["greeting"], key=len, reverse=True):
            rest = rest.replace(word.lower(), " ")
        return rest != text.lower() and not re.search(r"[\u4e00-\u9fff0-9a-z]", rest)

    def asks_number(self, query: str) -> re.Match | None:
        """The how-many cue of a question; 「哪几个」 asks which, not how many."""
        cue = self.number.search(query)
        return None if cue is None or query[cue.start() - 1:cue.start()] == "哪" else cue

    def measure(self, query: str) -> str:
        """The class of figure a measure cue asks for without a measure word: 「多高」 → length, 「多久」 → time."""
        found = [(len(w), kind) for kind, key in (("time", "duration"), ("length", "length"), ("weight", "weight"))
                 for w in self.words.get(key, []) if w in query]
        return max(found)[1] if found else ""

    def defined_term(self, query: str) -> str | None:
        """「“两个覆盖”是什么」 → 两个覆盖: the term a definition question asks about."""
        match = self.definition.search(query)
        return next((g for g in match.groups() if g), None) if match else None


@dataclass
class Lexicon:
    dictionary: list[tuple[str, int | None]]
    stopwords: frozenset[str]
    synonyms: dict[str, list[str]]
    cues: QuestionWords
    colloquial: list[tuple[str, str]]  # chat words → standard words, longest first
    vocabulary: Vocabulary
    examples: list[str]
    fingerprint: str  # a hash of every file read: an index built with another lexicon is stale
    tokenizer: Tokenizer = field(repr=False)
    followup: FollowupWords = field(default_factory=FollowupWords)  # how a question continues the previous one

    def standard(self, text: str) -> str:
        """A question in chat words (「咋」「啥」「how many」) rewritten in the words the cue lists know."""
        if not self.colloquial:
            return text
        lowered = text.lower()
        for written, standard in self.colloquial:
            if written not in lowered:
                continue
            if written.isascii():  # 「who」 but not the letters of 「whole」
                lowered = re.sub(rf"(?<![a-z]){re.escape(written)}(?![a-z])", standard, lowered)
            else:
                lowered = lowered.replace(written, standard)
        # Latin letters keep their case unless a rewrite touched them.
        return lowered if lowered != text.lower() else text

    @classmethod
    def load(cls, corpus_dir: Path, *, user_dict: bool = True, stopwords: bool = True, synonyms: bool = True,
             search_mode: bool = True, found: list[str] | None = None) -> Lexicon:
        """Read every list; the switches turn one off for benchmarks/retrieval.py's measurements.

        `found` are the names of the found parks when the build has just found them (parks_found.toml
        is not written yet); the fingerprint holds those names, not the file, whose other fields
        (province, found_in) do not change how text is cut.
        """
        found = found_names(corpus_dir) if found is None else found
        syn = read_synonyms(corpus_dir / "synonyms.txt") if synonyms else {}
        cues = QuestionWords.load(corpus_dir / "question_words.toml")
        frames = [normalize(w) for kind in FRAMES for w in cues.words[kind] if not re.search(r"\s", w)]
        words: list[tuple[str, int | None]] = [(normalize(n), None) for n in read_park_names(corpus_dir, found)]
        words += [(w, None) for w in syn]
        if user_dict:
            words += read_dictionary(corpus_dir / "userdict.txt")
        stop = frozenset(normalize(w) for w in read_list(corpus_dir / "stopwords.txt")) if stopwords else frozenset()
        if stopwords:
            words += [(w, None) for w in frames if not w.isascii()]  # 「hi」 must not cut 「high」
            stop |= frozenset(frames)
        digest = hashlib.sha256()
        for name in FILES:
            path = corpus_dir / name
            digest.update(name.encode() + b"\0" + (path.read_bytes() if path.exists() else b"") + b"\0")
        digest.update("\0".join(found).encode() + b"\0")
        digest.update(repr((user_dict, stopwords, synonyms, search_mode)).encode())
        return cls(words, stop, syn, cues, read_colloquial(corpus_dir / "colloquial.txt"),
                   Vocabulary.load(corpus_dir), read_list(corpus_dir / "examples.txt"), digest.hexdigest()[:16],
                   Tokenizer(words, stop, search_mode=search_mode), FollowupWords.load(corpus_dir / "followup.toml"))
