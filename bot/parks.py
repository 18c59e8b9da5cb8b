"""The park registry and name resolution.

Every command and the retrieval itself ask the same question — which park does
this name mean? — so there is one resolver. In order: an exact name or alias;
a partial name (「昆山」 in 昆山高新区) or a name inside a longer text; the same
place with another suffix (「兰州高新技术开发区」); a small typo (「泸洲高新区」).
A name that fits two parks (「兰州」) is ambiguous; an unknown one gets the
nearest names as suggestions.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

from bot.text import normalize_query
from bot.tokens import Tokenizer

REGISTRY_FILE = "parks.toml"
BUILT_FILE = "parks.json"
# A place-like name in a question: 「杭州高新区」「苏州工业园区」「深圳高新区」.
PLACE_PATTERN = re.compile(
    r"([\u4e00-\u9fff]{2,6}?(国家级新区|国家高新区|高新技术产业开发区|高新区|新区|工业园区|经济技术开发区|经济开发区"
    r"|开发区|经开区|综合保税区|保税区|自贸区|自治县|县))"
)
_NOT_A_PLACE = re.compile(r"^(哪个|哪些|哪家|哪|什么|全国|各|这个|该|本|其他|所有|这些|一个|每个|多少|几)")
# 「那高新区呢」: 「那」 with a kind of park is no name but a follow-up asking about that kind (bot/followup.py).
_THAT = re.compile(r"^(?:那么|那个|那)")
# 「这标志着全国高新区」「增强了各高新区」: a determiner right before the suffix means no particular place.
_NO_PLACE_BEFORE_SUFFIX = re.compile(r"(全国|各|每个|所有|其他|这些|该|本|哪个|哪些|什么)$")
# Suffixes that say what kind of place a name is, longest first, each with its family: two names
# with the same core and family are the same place (「泸州国家高新区」「泸州高新技术产业开发区」).
_SUFFIXES = (
    ("国家高新技术产业开发区", "高新"), ("高新技术产业开发区", "高新"), ("高技术产业开发区", "高新"),
    ("高新技术开发区", "高新"), ("经济技术开发区", "经开"), ("经济开发区", "经开"), ("国家级新区", "新区"),
    ("国家高新区", "高新"), ("工业园区", "工业园区"), ("高新区", "高新"), ("经开区", "经开"), ("开发区", "开发区"),
    ("自治县", "县"), ("新区", "新区"), ("县", "县"),
)
# The core is what stays of a name without its suffix and these: 泸州国家 → 泸州, 肃北蒙古族 → 肃北.
_CORE = re.compile(r"^(.{2,}?)(?:国家级|国家|火炬|[\u4e00-\u9fff]{1,3}族)*$")
_NOISE = re.compile(r"[\s\"'“”‘’「」《》【】（）()？?！!。，,、：:；;·.]")
TITLE_WEIGHT = 10
SUGGESTIONS = 3
AMBIGUOUS_MAX = 4


@dataclass
class Park:
    name: str
    kind: str
    province: str
    city: str = ""
    aliases: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)  # towns and sub-parks inside it: 科才镇, 淮海生物医药产业园
    articles: list[dict] = field(default_factory=list)
    # Not hand-kept: found in these articles' titles (bot/discover.py).
    found_in: list[str] = field(default_factory=list)

    @classmethod
    def entries(cls, path: Path, raw: object, required: tuple[str, ...] = ("name", "kind", "province")) -> list[Park]:
        """The [[park]] tables of a registry file, each checked: a bad one is a ParksFileError naming it."""
        if not isinstance(raw, list):
            raise ParksFileError(path, None, "not_list")
        known = set(cls.__dataclass_fields__)
        parks = []
        for n, entry in enumerate(raw, start=1):
            if not isinstance(entry, dict):
                raise ParksFileError(path, n, "not_table")
            name = entry.get("name") if isinstance(entry.get("name"), str) else None
            missing = [f for f in required if not entry.get(f)]
            if missing:
                raise ParksFileError(path, n, "missing", name, ", ".join(missing))
            unknown = sorted(set(entry) - known)
            if unknown:
                raise ParksFileError(path, n, "unknown_field", name, ", ".join(unknown))
            for key, value in entry.items():
                if key in ("aliases", "places", "found_in", "articles"):
                    ok = isinstance(value, list) and all(isinstance(v, str if key != "articles" else dict)
                                                         for v in value)
                else:
                    ok = isinstance(value, str)
                if not ok:
                    raise ParksFileError(path, n, "wrong_type", name, key)
            parks.append(cls(**entry))
        return parks

    def names(self) -> list[str]:
        return [self.name, *self.aliases, *self.places]

    def to_dict(self) -> dict:
        return asdict(self)


class ParksFileError(ValueError):
    """A registry file that cannot be used: TOML syntax, or an entry with a missing, unknown or mistyped field.

    `entry` is the 1-based position of the [[park]] table and `name` its name when it has one;
    `problem` (syntax, encoding, missing, unknown_field, wrong_type, not_table, not_list, placement)
    and `detail` (the fields, the parser's message) are what bot/render.py words as one line.
    """

    def __init__(self, path: Path, entry: int | None, problem: str, name: str | None = None, detail: str = ""):
        where = f"[[park]] #{entry} " if entry else ""
        super().__init__(f"{path}: {where}{f'({name}) ' if name else ''}{problem} {detail}".strip())
        self.path, self.entry, self.problem, self.name, self.detail = path, entry, problem, name, detail


@dataclass
class Resolution:
    status: Literal["ok", "ambiguous", "unknown"]
    park: Park | None = None
    candidates: list[str] = field(default_factory=list)
    known: list[str] = field(default_factory=list, repr=False)  # every park, for the "we cover these" message

    def to_dict(self) -> dict:
        return {"status": self.status, "park": self.park.to_dict() if self.park else None,
                "candidates": self.candidates}


def split_name(name: str) -> tuple[str, str]:
    """「泸州国家高新区」 → (泸州, 高新); 「肃北蒙古族自治县」 → (肃北, 县); 「兰州」 → (兰州, '')."""
    for suffix, family in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            head = name[: -len(suffix)]
            core = _CORE.match(head)
            return (core.group(1) if core else head), family
    return name, ""


def _repair_suffix(query: str) -> str:
    """「兰州高薪区」 → 兰州高新区: a typo in the suffix is still the suffix."""
    if split_name(query)[1]:
        return query
    from rapidfuzz.distance import Levenshtein  # here, not at start-up: 6 ms to import, and few names need it

    for suffix, _ in _SUFFIXES:
        tail = query[-len(suffix):]
        if len(suffix) >= 3 and len(query) > len(suffix) and tail[-1] == suffix[-1] \
                and Levenshtein.distance(tail, suffix) == 1:
            return query[: -len(suffix)] + suffix
    return query


class Registry:
    """The parks, looked up by any of their names.

    The tokenizer is the lexicon's (bot/lexicon.py): reading a place name out of a
    question cuts it the way the index does.
    """

    def __init__(self, parks: list[Park], tokenizer: Tokenizer, spelled: Callable[[str], bool] = lambda text: False):
        """`spelled`: whether the articles hold a text as written. A name they spell is a real place, never
        a typo of another; a registry read without its articles (a build, a preview) knows of none."""
        self.parks = parks
        self.tokenizer = tokenizer
        self.spelled = spelled
        self._by_name: dict[str, list[Park]] = {}
        for park in parks:
            for name in park.names():
                self._by_name.setdefault(name, [])
                if park not in self._by_name[name]:
                    self._by_name[name].append(park)
        # Longest names first so 「兰州高新区」 wins over 「兰州」 inside a question.
        self._names = sorted(self._by_name, key=len, reverse=True)
        self._cores = [(split_name(n), p) for n in self._names for p in self._by_name[n]]
        self._pinyin: dict[str, str] | None = None  # built on the first question in pinyin

    @classmethod
    def from_toml(cls, path: Path, tokenizer: Tokenizer) -> Registry:
        return cls(read_registry(path), tokenizer)

    @classmethod
    def load(cls, corpus_dir: Path, tokenizer: Tokenizer) -> Registry:
        """The built registry (with articles) when there is one, else the hand-written one."""
        built = corpus_dir / BUILT_FILE
        if built.exists():
            return cls([Park(**entry) for entry in json.loads(built.read_text(encoding="utf-8"))], tokenizer)
        from bot.discover import Found

        return cls(read_registry(corpus_dir / REGISTRY_FILE) + Found.read(corpus_dir).parks, tokenizer)

    def reading(self, spelled: Callable[[str], bool]) -> Registry:
        """The same parks, told which names the articles spell (by the engine, once its index is built)."""
        return Registry(self.parks, self.tokenizer, spelled)

    def get(self, name: str) -> Park | None:
        return next((p for p in self.parks if p.name == name), None)

    def spelled_out(self, latin: str) -> str | None:
        """「lanzhou」「Weihai」: a park's place name typed in pinyin, as Chinese (「兰州」「威海」)."""
        if self._pinyin is None:
            from bot.spelling import sound

            cores = {split_name(n)[0] for n in self._names}
            self._pinyin = {"".join(sound(c)): c for c in sorted(cores, key=len) if len(c) >= 2}
        return self._pinyin.get(latin.lower())

    def is_known_word(self, word: str) -> bool:
        """「昆明」 is a word (a real city), 「泸洲」 is not (a typo of 泸州)."""
        return self.tokenizer.is_word(word)

    # -- resolution ----------------------------------------------------------

    def resolve(self, name: str, typos: bool = True) -> Resolution:
        """The park a name means; `typos=False` for a name read from an article, which is spelt as meant."""
        query = _NOISE.sub("", normalize_query(name))
        query = _repair_suffix(query) if typos else query
        if len(query) < 2:
            return self._unknown([])
        steps = (self._exact, self._partial, self._inside, self._same_place) + ((self._typo,) if typos else ())
        for step in steps:
            found = step(query)
            if len(found) == 1:
                return Resolution("ok", found[0], [found[0].name])
            if 1 < len(found) <= AMBIGUOUS_MAX:
                return Resolution("ambiguous", None, [p.name for p in found])
        return self._unknown(self._suggest(query))

    def _exact(self, query: str) -> list[Park]:
        return self._by_name.get(query, [])

    def _partial(self, query: str) -> list[Park]:
        """「昆山高新」「威海火炬」: the query is part of one of a park's names."""
        return _unique(p for n in self._names if query in n for p in self._by_name[n])

    def _inside(self, query: str) -> list[Park]:
        """「昆山高新区（玉山镇）」「兰州新区管委会」: the query holds a name; the longest one counts."""
        family = split_name(query)[1]  # 「兰州经开区」 holds 兰州 but is another kind of place
        held = [n for n in self._names if len(n) >= 2 and n in query and (not family or split_name(n)[1] == family)]
        return _unique(p for n in held if len(n) == len(held[0]) for p in self._by_name[n]) if held else []

    def _same_place(self, query: str) -> list[Park]:
        """「兰州高新技术开发区」: another suffix of the same family on a park's core name."""
        core, family = split_name(query)
        if not family:
            return []
        return _unique(p for (c, f), p in self._cores if c == core and f == family)

    def _typo(self, query: str) -> list[Park]:
        """「泸洲高新区」: one character off in the core, of a compatible kind.

        A two-character core must keep its first character and come with its suffix (a bare
        「泸洲」 is too little to go on: it gets a suggestion), and a core that is a real word
        (「昆明」「贵州」) is another place, not a typo.
        """
        core, family = split_name(query)
        if (len(core) <= 2 and not family) or self.spelled(query):
            return []
        if self.is_known_word(core):
            # 「许州高新区」: a real word the articles never spell, said just like one of our places and followed
            # by its kind of park, is that place typed by sound (Chinese is typed by sound; 昆明 is not 昆山).
            return _unique(p for (c, f), p in self._cores if f == family and _sounds_like(core, c)) if family else []
        return self._one_off(core, family)

    def _one_off(self, core: str, family: str) -> list[Park]:
        return _unique(p for (c, f), p in self._cores if _one_off(core, c) and (not family or f == family))

    def _suggest(self, query: str) -> list[str]:
        """The parks one character off first (「泸洲」 → 泸州国家高新区), then those whose names look most alike."""
        from rapidfuzz import fuzz  # here, not at start-up (6 ms)

        core, family = split_name(query)
        close = [p.name for p in self._one_off(core, family)]
        best: dict[str, float] = {}
        for name in self._names:
            score = max(fuzz.ratio(query, name), fuzz.ratio(core, split_name(name)[0]) - 10)
            for park in self._by_name[name]:
                best[park.name] = max(best.get(park.name, 0), score)
        ranked = sorted((n for n, s in best.items() if s >= 50), key=lambda n: -best[n])
        return list(dict.fromkeys(close + ranked))[:SUGGESTIONS]

    def _unknown(self, suggestions: list[str]) -> Resolution:
        return Resolution("unknown", None, suggestions, [p.name for p in self.parks])

    # -- names in text -----------------------------------------------------------

    def _spans(self, text: str) -> list[tuple[str, tuple[int, int]]]:
        """Registry names in a text, longest first, each stretch of text used once."""
        found: list[tuple[str, tuple[int, int]]] = []
        for name in self._names:
            for match in re.finditer(re.escape(name), text):
                span = match.span()
                if not any(s < span[1] and span[0] < e for _, (s, e) in found):
                    found.append((name, span))
        return found

    def mentions(self, text: str) -> list[Park]:
        """Parks named in a question, longest names first, each span used once."""
        return _unique(p for name, _ in self._spans(text) for p in self._by_name[name])

    def mention_counts(self, text: str) -> defaultdict[str, float]:
        """How often a text names each park; a name shared by two parks counts half for each."""
        counts: defaultdict[str, float] = defaultdict(float)
        for name, _ in self._spans(text):
            for park in self._by_name[name]:
                counts[park.name] += 1 / len(self._by_name[name])
        return counts

    def places_in(self, text: str) -> tuple[list[Park], list[str], list[str]]:
        """The parks a question names, the park-like names in it that are none of ours, and
        the names as written that stand for our parks (「泸洲高新区」 included).

        A place name is read whole before its parts: 「兰州经开区」 is an unknown zone, not
        兰州 plus noise, and a misspelt 「泸洲高新区」 is 泸州国家高新区.
        """
        resolved: list[Park] = []
        written: list[str] = []
        unknown: list[str] = []
        unknown_spans: list[tuple[int, int]] = []
        for match in PLACE_PATTERN.finditer(text):
            name = place_name(match.group(1), self.tokenizer)
            core = name[: -len(match.group(2))]
            if _NOT_A_PLACE.match(name) or _NO_PLACE_BEFORE_SUFFIX.search(core) or _kind_only(name):
                continue
            res = self.resolve(name)
            if res.status == "ok" and res.park:
                resolved.append(res.park)
                written.append(name)
            elif res.status == "unknown":
                unknown.append(name)
                unknown_spans.append((match.end(1) - len(name), match.end(1)))
        spans = [(name, (s, e)) for name, (s, e) in self._spans(text)
                 if not any(a <= s and e <= b for a, b in unknown_spans)]
        named = [p for name, _ in spans for p in self._by_name[name]]
        return _unique(named + resolved), unknown, [name for name, _ in spans] + written

    def ambiguous_in(self, text: str) -> tuple[str, list[str]] | None:
        """The first park-like name in a text that fits two parks (「徐洲高新区」: 徐州 or 徐庄), with them."""
        for match in PLACE_PATTERN.finditer(text):
            name = place_name(match.group(1), self.tokenizer)
            if _NOT_A_PLACE.match(name) or _NO_PLACE_BEFORE_SUFFIX.search(name[: -len(match.group(2))]):
                continue
            res = self.resolve(name)
            if res.status == "ambiguous":
                return name, res.candidates
        return None

    def unknown_places(self, text: str) -> list[str]:
        """Park-like names in a text that are not in the registry (「杭州高新区」)."""
        return self.places_in(text)[1]


def _kind_only(name: str) -> bool:
    """「那高新区」「那个新区」: a kind of park after 「那」, no place (「那曲高新区」 is one)."""
    that = _THAT.match(name)
    return that is not None and any(name[that.end():] == suffix for suffix, _ in _SUFFIXES)


def place_name(text: str, tokenizer: Tokenizer) -> str:
    """「请问南宁高新区」 → 南宁高新区: a place is the last word before its suffix (and 国家, 火炬 …)."""
    for suffix, _ in _SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            head = text[: -len(suffix)]
            core = _CORE.match(head)
            if core is None:
                return text
            words = tokenizer.cut(core.group(1))
            place = words[-1] if len(words[-1]) >= 2 else "".join(words[-2:])
            return place + head[core.end(1):] + suffix
    return text


def _one_off(query_core: str, core: str) -> bool:
    """One character off; in a two-character core, the first one only if it sounds the same (「敬远」 for 靖远:
    Chinese is typed by sound), since 「昆明」 and 「昆山」, 「贵阳」 and 「洛阳」 are all real places."""
    from rapidfuzz.distance import Levenshtein  # here, not at start-up (6 ms)

    if len(core) < 2 or Levenshtein.distance(query_core, core) != 1:
        return False
    if len(core) > 2 or query_core[:1] == core[:1]:
        return True
    from bot.spelling import sound

    return len(query_core) == len(core) and sound(query_core) == sound(core)


def _sounds_like(query_core: str, core: str) -> bool:
    """Another spelling of the same sounds, one character off (「许州」 for 徐州)."""
    if len(query_core) != len(core) or sum(a != b for a, b in zip(query_core, core, strict=True)) != 1:
        return False
    from bot.spelling import sound

    return sound(query_core) == sound(core)


def _unique(parks) -> list[Park]:
    seen: list[Park] = []
    for park in parks:
        if park not in seen:
            seen.append(park)
    return seen


# -- attribution -------------------------------------------------------------------


def read_registry(path: Path) -> list[Park]:
    """The hand-kept parks.toml, checked entry by entry."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise ParksFileError(path, None, "syntax", detail=str(err)) from err
    except UnicodeDecodeError as err:
        raise ParksFileError(path, None, "encoding", detail=str(err.start)) from err
    return Park.entries(path, data.get("park", []))


def attribute(articles, registry: Registry, placements: dict[str, str] | None = None) -> list[str]:
    """Give each article the park it is about (or the one it was placed in by hand); return the ids no park fits."""
    unplaced: list[str] = []
    placements = placements or {}
    for known in registry.parks:
        known.articles = []
    for article in articles:
        placed = placements.get(article.article_id)
        park = registry.resolve(placed, typos=False).park if placed else article_park(article, registry)
        article.park = park.name if park else ""
        if park is None:
            unplaced.append(article.article_id)
        else:
            park.articles.append({"article_id": article.article_id, "title": article.title})
    return unplaced


def article_park(article, registry: Registry) -> Park | None:
    """The park named in the title wins; otherwise the one the text names most.

    An article that names an unregistered place (「杭州高新区」) in its title, or more often
    than any registered park, belongs to none: the build reports it rather than guess.
    """
    title = f"{article.title} {article.subtitle}"
    body = " ".join(p.text for p in article.paragraphs)
    scores = registry.mention_counts(body)
    for name, count in registry.mention_counts(title).items():
        scores[name] += TITLE_WEIGHT * count
    strangers = Counter(registry.unknown_places(body))
    for place in registry.unknown_places(title):
        strangers[place] += TITLE_WEIGHT
    if not scores:
        return None
    best = max(scores, key=lambda n: (scores[n], -len(n)))
    if strangers and max(strangers.values()) >= scores[best]:
        return None
    return registry.get(best)
