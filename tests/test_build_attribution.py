"""A new article dropped into seeds/ is attributed from the registry, or the build says it could not be."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.ingest import build_corpus, read_articles
from bot.parks import Registry

from .conftest import CORPUS, SEEDS, corpus_registry

KNOWN_PARK_PAGE = """
徐州高新区建强产业链党组织

▶ 本报记者 王明

今年以来，徐州高新区围绕安全应急产业，新建产业链党支部12个，覆盖链上企业86家。

徐州高新区相关负责人表示，将继续推动党建与产业深度融合。
"""

UNKNOWN_PARK_PAGE = """
杭州高新区打造数字经济党建高地

▶ 本报记者 李华

杭州高新区近年来持续推进园区党建工作，杭州高新区共有高新技术企业1200家。

与兰州等地相比，杭州高新区的互联网企业更为集中。
"""


def seeds_with(tmp_path: Path, page: str) -> Path:
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    (seeds / "900_new_article.txt").write_text(page, encoding="utf-8")
    return seeds


def registry() -> Registry:
    return corpus_registry()


def test_a_new_article_about_a_known_park_is_attributed_to_it(tmp_path):
    articles, unplaced = read_articles(seeds_with(tmp_path, KNOWN_PARK_PAGE), registry())
    new = [a for a in articles if a.seed.startswith("900")]
    assert [a.park for a in new] == ["徐州高新区"] and unplaced == []


def test_a_new_article_about_an_unregistered_park_is_reported_not_guessed(tmp_path):
    articles, unplaced = read_articles(seeds_with(tmp_path, UNKNOWN_PARK_PAGE), registry())
    new = [a for a in articles if a.seed.startswith("900")]
    assert [a.article_id for a in new] == unplaced and [a.park for a in new] == [""]


@pytest.fixture
def built(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)  # the registry and the word lists the build reads
    report = build_corpus(seeds_with(tmp_path, KNOWN_PARK_PAGE), corpus)
    return report, corpus


def test_the_build_lists_the_new_article_under_its_park_with_its_figures(built):
    report, corpus = built
    assert report.unplaced == []
    parks = json.loads((corpus / "parks.json").read_text(encoding="utf-8"))
    xuzhou = next(p for p in parks if p["name"] == "徐州高新区")
    new_ids = [a["article_id"] for a in xuzhou["articles"] if a["article_id"].startswith("900")]
    assert new_ids
    facts = json.loads((corpus / "stats.json").read_text(encoding="utf-8"))
    assert {f["value"] for f in facts if f["article_id"] in new_ids} == {"12个", "86家"}
    assert all(f["park"] == "徐州高新区" for f in facts if f["article_id"] in new_ids)
