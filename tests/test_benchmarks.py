"""The benchmarks run in a plain clone, where ../shared/eval is not there."""

from __future__ import annotations

import importlib.util
import json
import sys

import pytest

from benchmarks import retrieval, stats_recall
from benchmarks.scoring import score
from bot.stats import Fact

from .conftest import ROOT

ROWS = [
    {"id": "a", "q": "x", "evidence": ["高新技术企业605家"], "answer": ["605家"]},
    {"id": "b", "q": "y", "evidence": ["党员 1732名"], "answer": ["“1732名”"]},
    {"id": "n", "q": "z", "evidence": [], "answer": []},
]
ANSWERS = [
    {"found": True, "hits": [{"text": "有高新技术企业605家。", "excerpt": "高新技术企业605家"}]},
    {"found": True, "hits": [{"text": "别的段落", "excerpt": "别的"}, {"text": "现有党员1732名", "excerpt": "1732名"}]},
    {"found": True, "hits": [{"text": "t", "excerpt": "e"}]},
]


def test_own_scorer_applies_the_documented_rule():
    result = score(ROWS, ANSWERS)
    assert (result["hit@1"], result["hit@3"], result["answer@1"]) == (0.5, 1.0, 0.5)
    assert result["negatives_rejected"] == 0.0 and result["excerpt_chars_max"] == 10


@pytest.mark.skipif(not (retrieval.EVAL / "score.py").exists(), reason="../shared/eval is not beside this clone")
def test_own_scorer_agrees_with_the_shared_one():
    spec = importlib.util.spec_from_file_location("shared_score", retrieval.EVAL / "score.py")
    shared = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(shared)
    assert score(ROWS, ANSWERS) == shared.score(ROWS, ANSWERS)


def test_retrieval_without_the_shared_set_scores_the_own_chat_fresh_and_street_sets_and_says_why(tmp_path, capsys):
    assert retrieval.load_scorer(tmp_path) is score
    names = ("own_qa.jsonl", "chat_qa.jsonl", "fresh_qa.jsonl", "street_qa.jsonl")
    own = [ROOT / "benchmarks" / name for name in names]
    assert retrieval.default_sets(tmp_path) == own
    said = capsys.readouterr().out.strip().splitlines()
    assert len(said) == 1 and "not part of this repository" in said[0]


def test_stats_recall_without_the_shared_set_is_skipped_in_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(stats_recall, "DEV_SET", tmp_path / "dev_stats.json")
    monkeypatch.setattr(sys, "argv", ["stats_recall.py"])
    assert stats_recall.main() == 0
    said = capsys.readouterr().out.strip().splitlines()
    assert "skipped" in said[0] and not any("skipped" in line for line in said[1:])
    assert json.loads(said[-1])["set"] == "stats_labels"  # the labelled set is part of the repository


def test_the_label_set_scores_a_figure_by_the_reviewers_verdict():
    row = {"park": "测试高新区", "article_id": "T-1", "paragraph": 1, "value": "5家", "statistic": True,
           "label": "完成“党建入章”的企业", "before": {"shown": "企业", "ok": False},
           "accept": ["完成“党建入章”的企业"], "reject": ["企业"]}
    noise = {"park": "测试高新区", "article_id": "T-1", "paragraph": 1, "value": "50年", "statistic": False,
             "before": {"shown": "党龄", "ok": False}, "accept": [], "reject": ["党龄"]}
    fact = Fact("完成“党建入章”的企业", "5家", 5, "家", "", "推动5家企业完成“党建入章”。", "T-1", 1, "测试高新区",
                text="5家")
    scores = stats_recall.label_scores([row, noise], [fact], verbose=False)
    assert scores["before"] == {"shown": 2, "value_precision": 0.5, "label_precision": 0.0, "recall": 1.0}
    assert scores["after"] == {"shown": 1, "value_precision": 1.0, "label_precision": 1.0, "unjudged": 0,
                               "recall": 1.0}
