"""The park registry and name resolution.

Every command and the retrieval itself ask the same question — which park does
this name mean? — so there is one resolver: exact names and aliases first,
then a partial name (「昆山」), then a small typo (「泸洲高新区」). A name that
fits two parks (「兰州」) is ambiguous; an unknown one gets suggestions.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

from rapidfuzz import fuzz, process

from bot.text import normalize_query

REGISTRY_FILE = "parks.toml"
BUILT_FILE = "parks.json"
# Generic words that carry no park identity, removed before fuzzy matching.
_GENERIC = re.compile(r"(国家级|国家|高新技术产业开发区|高技术产业开发区|高新区|新区|开发区|园区|火炬|县)$")
# A place-like name in a question: 「杭州高新区」「苏州工业园区」「深圳高新区」.
PLACE_PATTERN = re.compile(
    r"([\u4e00-\u9fff]{2,6}?(?:国家级新区|国家高新区|高新技术产业开发区|高新区|新区|工业园区|经济开发区|开发区|自治县|县))"
)
_NOT_A_PLACE = re.compile(r"^(哪个|哪些|哪家|哪|什么|全国|各|这个|该|本|其他|所有|这些|一个|每个)")


@dataclass
class Park:
    name: str
    kind: str
    province: str
    city: str = ""
    aliases: list[str] = field(default_factory=list)
    articles: list[dict] = field(default_factory=list)

    def names(self) -> list[str]:
        return [self.name, *self.aliases]

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Resolution:
    status: Literal["ok", "ambiguous", "unknown"]
    park: Park | None = None
    candidates: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"status": self.status, "park": self.park.to_dict() if self.park else None,
                "candidates": self.candidates}


class Registry:
    """The parks, looked up by any of their names."""

    def __init__(self, parks: list[Park]):
        self.parks = parks
        self._by_name: dict[str, list[Park]] = {}
        for park in parks:
            for name in park.names():
                self._by_name.setdefault(name, []).append(park)
        # Longest names first so 「兰州高新区」 wins over 「兰州」 inside a question.
        self._names = sorted(self._by_name, key=len, reverse=True)

    @classmethod
    def from_toml(cls, path: Path) -> Registry:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return cls([Park(**entry) for entry in data.get("park", [])])

    @classmethod
    def load(cls, corpus_dir: Path) -> Registry:
        """The built registry (with articles) when there is one, else the hand-written one."""
        built = corpus_dir / BUILT_FILE
        if built.exists():
            return cls([Park(**entry) for entry in json.loads(built.read_text(encoding="utf-8"))])
        return cls.from_toml(corpus_dir / REGISTRY_FILE)

    def get(self, name: str) -> Park | None:
        return next((p for p in self.parks if p.name == name), None)

    def resolve(self, name: str) -> Resolution:
        query = normalize_query(name).replace(" ", "")
        if not query:
            return Resolution("unknown", candidates=[p.name for p in self.parks])
        exact = self._by_name.get(query)
        if exact:
            return _one_or_many(exact)
        # A partial name: 「昆山」 inside 「昆山高新区」, or the question names more than the park.
        partial = _unique(p for n in self._names for p in self._by_name[n] if query in n or n in query)
        if partial and len(partial) <= 3:
            longest = [p for p in partial if any(n in query for n in p.names())]
            return _one_or_many(longest or partial)
        # A typo: compare without the generic suffix so 「泸洲高新区」 is close to 「泸州高新区」.
        scored = process.extract(query, self._names, scorer=fuzz.ratio, limit=8)
        close = _unique(p for n, score, _ in scored if score >= 75 for p in self._by_name[n])
        if len(close) == 1:
            return Resolution("ok", close[0], [close[0].name])
        core = _GENERIC.sub("", query)
        if len(core) >= 2:
            cores = {n: _GENERIC.sub("", n) for n in self._names}
            best = [n for n, c in cores.items() if len(c) >= 2 and fuzz.ratio(core, c) >= 50]
            close = _unique(p for n in best for p in self._by_name[n])
            if len(close) == 1 and close[0] is not None:
                return Resolution("unknown", None, [close[0].name])
        suggestions = _unique(p for n, score, _ in scored if score >= 40 for p in self._by_name[n])
        return Resolution("unknown", None, [p.name for p in suggestions[:3]])

    def mentions(self, text: str) -> list[Park]:
        """Parks named in a question, longest names first, each span used once."""
        found: list[Park] = []
        taken: list[tuple[int, int]] = []
        for name in self._names:
            for match in re.finditer(re.escape(name), text):
                span = match.span()
                if any(s < span[1] and span[0] < e for s, e in taken):
                    continue
                taken.append(span)
                found.extend(p for p in self._by_name[name] if p not in found)
        return found

    def unknown_places(self, text: str) -> list[str]:
        """Park-like names in a question that are not in the registry (「杭州高新区」)."""
        out = []
        for match in PLACE_PATTERN.finditer(text):
            name = match.group(1)
            if _NOT_A_PLACE.match(name) or self.mentions(name):
                continue
            out.append(name)
        return out


def _unique(parks) -> list[Park]:
    seen: list[Park] = []
    for park in parks:
        if park not in seen:
            seen.append(park)
    return seen


def _one_or_many(parks: list[Park]) -> Resolution:
    if len(parks) == 1:
        return Resolution("ok", parks[0], [parks[0].name])
    return Resolution("ambiguous", None, [p.name for p in parks])


def attribute(articles, registry: Registry) -> list[str]:
    """Give each article the park it is about; return the ids of articles no park fits.

    The park named in the title wins; otherwise the one the text names most.
    """
    unplaced = []
    for park in registry.parks:
        park.articles = []
    for article in articles:
        body = "".join(p.text for p in article.paragraphs)
        title = f"{article.title} {article.subtitle}"
        scores: dict[str, float] = {}
        for park in registry.mentions(title):
            scores[park.name] = scores.get(park.name, 0) + 10
        for name in registry._names:
            count = body.count(name)
            if count:
                for park in registry._by_name[name]:
                    weight = 1 if len(registry._by_name[name]) == 1 else 0.1  # 「兰州」 says little
                    scores[park.name] = scores.get(park.name, 0) + count * weight
        if not scores:
            article.park = ""
            unplaced.append(article.article_id)
            continue
        article.park = max(scores, key=lambda n: (scores[n], -len(n)))
        registry.get(article.park).articles.append({"article_id": article.article_id, "title": article.title})
    return unplaced
