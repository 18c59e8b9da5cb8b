"""Figures reported in the articles (placeholder until the statistics extractor lands)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

FACTS_FILE = "stats.json"


@dataclass
class Fact:
    label: str
    value: str
    number: float
    unit: str
    qualifier: str
    sentence: str
    article_id: str
    paragraph: int
    park: str

    def to_dict(self) -> dict:
        return asdict(self)


def extract_facts(articles) -> list[Fact]:
    return []
