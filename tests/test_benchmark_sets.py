"""The committed question sets stay scoreable: a rebuilt corpus that loses a row's evidence would
silently turn a fair question into a miss, so every answerable row must still point at its park's text."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from tests.conftest import CORPUS, ROOT

SETS = [ROOT / "benchmarks" / name for name in ("own_qa.jsonl", "chat_qa.jsonl", "fresh_qa.jsonl", "street_qa.jsonl")]


def norm(s: str) -> str:
    """The scorer's normalisation (../shared/eval/score.py): NFKC, no whitespace, straight quotes."""
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))
    return s.replace("“", '"').replace("”", '"').replace("‘", "'").replace("’", "'")


def rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def paragraphs_by_park() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for article in json.loads((CORPUS / "articles.json").read_text(encoding="utf-8")):
        out.setdefault(article["park"], []).extend(norm(p["text"]) for p in article["paragraphs"])
    return out


@pytest.mark.parametrize("path", SETS, ids=lambda p: p.name)
def test_every_answerable_row_has_its_evidence_and_answer_in_one_paragraph_of_its_park(path: Path) -> None:
    texts = paragraphs_by_park()
    broken = []
    for row in rows(path):
        if not row["evidence"]:
            continue
        holding = [t for t in texts.get(row["park"], []) if any(norm(e) in t for e in row["evidence"])]
        if not any(norm(a) in t for t in holding for a in row["answer"]):
            broken.append(row["id"])
    assert broken == []


@pytest.mark.parametrize("path", SETS, ids=lambda p: p.name)
def test_rows_have_unique_ids_and_questions_and_negatives_have_no_park(path: Path) -> None:
    data = rows(path)
    assert len({r["id"] for r in data}) == len(data)
    assert len({r["q"] for r in data}) == len(data)
    assert all(r["park"] is None and not r["answer"] for r in data if not r["evidence"])


SET_PARKS = 11  # the parks with an article when the set was written; an article added since need not be in it


def assert_covers_the_parks(data: list[dict]) -> None:
    """Every park a set asks about has articles, and the set asks about every park it was written for."""
    parks = json.loads((CORPUS / "parks.json").read_text(encoding="utf-8"))
    with_articles = {p["name"] for p in parks if p["articles"]}
    asked = {r["park"] for r in data if r["park"]}
    assert asked <= with_articles and len(asked) >= SET_PARKS


def test_chat_set_covers_every_park_and_has_enough_negatives() -> None:
    data = rows(ROOT / "benchmarks" / "chat_qa.jsonl")
    assert_covers_the_parks(data)
    assert sum(1 for r in data if r["evidence"]) >= 100
    assert sum(1 for r in data if not r["evidence"]) >= 25


def test_fresh_set_covers_every_park_and_every_style_it_was_written_for() -> None:
    """The held-out set measures generalisation only if it spreads over the parks and the ways people ask."""
    data = rows(ROOT / "benchmarks" / "fresh_qa.jsonl")
    assert_covers_the_parks(data)
    kinds = {r["kind"] for r in data if r["evidence"]}
    styles = {"fact", "list", "definition", "who", "paraphrase", "colloquial", "traditional", "typo", "crosspark"}
    assert styles <= kinds
    assert sum(1 for r in data if r["evidence"]) >= 60
    assert sum(1 for r in data if not r["evidence"]) >= 15


def test_street_set_covers_every_park_and_the_ways_people_type_it_was_written_for() -> None:
    """The second held-out set: chat wordings, typos, traditional characters, parks without their suffix,
    English words mixed in and paraphrases, over every park, with near-miss negatives."""
    data = rows(ROOT / "benchmarks" / "street_qa.jsonl")
    assert_covers_the_parks(data)
    kinds = {r["kind"] for r in data if r["evidence"]}
    assert {"colloquial", "paraphrase", "typo", "traditional", "nosuffix", "mixed", "crosspark"} <= kinds
    assert sum(1 for r in data if r["evidence"]) >= 40
    assert sum(1 for r in data if not r["evidence"]) >= 10
