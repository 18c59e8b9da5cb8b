"""Retrieval quality on the evaluation sets, for the shipped settings and each choice turned off.

    python benchmarks/retrieval.py              # dev set (../shared/eval/dev_qa.jsonl) and benchmarks/own_qa.jsonl
    python benchmarks/retrieval.py --qa FILE    # another set in the same format

Scores come from ../shared/eval/score.py's own `score` function, so the figures
match `python ../shared/eval/score.py`. In a clone without ../shared the dev set
is skipped (one line says so) and benchmarks/scoring.py, the same rule, scores
the own set. Each row changes one choice from the
shipped `Options`, to show what that choice is worth.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.engine import Engine, Options  # noqa: E402

EVAL = ROOT.parent / "shared" / "eval"
BASELINE = {"user_dict": False, "stopwords": False, "synonyms": False, "index_titles": False, "park_filter": False,
            "lucene_idf": False, "caption_weight": 1.0, "list_weight": 1.0, "bigram_weight": 0.0, "min_coverage": 0.0,
            "number_check": False, "min_hit_coverage": 0.0}
VARIANTS = {
    "plain BM25Okapi + jieba search mode": BASELINE,
    "shipped": {},
    "jieba precise mode (no search mode)": {"search_mode": False},
    "no domain dictionary": {"user_dict": False},
    "no stop words": {"stopwords": False},
    "no synonyms": {"synonyms": False},
    "paragraph text only (no title/heading)": {"index_titles": False},
    "no park awareness": {"park_filter": False},
    "park name kept in the ranking terms": {"drop_park_terms": False},
    "rank-bm25 Okapi IDF (floored negatives)": {"lucene_idf": False},
    "captions weighted like paragraphs": {"caption_weight": 1.0},
    "no list-question preference": {"list_weight": 1.0},
    "list-question weight 1.3": {"list_weight": 1.3},
    "list-question weight 2.0": {"list_weight": 2.0},
    "no number check for how-many questions": {"number_check": False},
    "no character bigrams": {"bigram_weight": 0.0},
    "character bigrams weight 0.6": {"bigram_weight": 0.6},
    "character bigrams weight 1.0": {"bigram_weight": 1.0},
    "BM25 b=0.5 (less length normalisation)": {"b": 0.5},
    "BM25 b=0.3": {"b": 0.3},
    "BM25 k1=1.5": {"k1": 1.5},
    "next hits kept whatever their coverage": {"min_hit_coverage": 0.0},
    "next hits need coverage 0.5": {"min_hit_coverage": 0.5},
    "found threshold 0.3": {"min_coverage": 0.3},
    "found threshold 0.7": {"min_coverage": 0.7},
}


def load_scorer(eval_dir: Path = EVAL):
    """The shared scorer when it is beside the clone, else this repository's copy of its rule."""
    if not (eval_dir / "score.py").exists():
        from benchmarks.scoring import score

        return score
    spec = importlib.util.spec_from_file_location("score", eval_dir / "score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.score


def default_sets(eval_dir: Path = EVAL) -> list[Path]:
    """The dev set lives outside the repository (../shared/eval); a plain clone scores its own set only."""
    own = ROOT / "benchmarks" / "own_qa.jsonl"
    if (eval_dir / "dev_qa.jsonl").exists():
        return [eval_dir / "dev_qa.jsonl", own]
    print(f"dev set skipped: {eval_dir} is not part of this repository (it sits beside the project's clone)")
    return [own]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--qa", action="append", help="question set(s); default: dev set and own set")
    args = ap.parse_args()
    sets = [Path(p) for p in args.qa] if args.qa else default_sets()
    score = load_scorer()
    for qa in sets:
        rows = [json.loads(line) for line in qa.read_text(encoding="utf-8").splitlines() if line.strip()]
        print(f"\n{qa.name} ({len(rows)} questions)")
        print(f"{'variant':42} hit@1  hit@3  ans@1  neg   excerpt median/max")
        for name, change in VARIANTS.items():
            engine = Engine.load(ROOT / "corpus", dataclasses.replace(Options(), **change))
            answers = [engine.ask(row["q"]).to_dict() for row in rows]
            r = score(rows, answers)
            print(f"{name:42} {r['hit@1']:.3f}  {r['hit@3']:.3f}  {r['answer@1']:.3f}  {r['negatives_rejected']:.2f}"
                  f"  {r['excerpt_chars_median']}/{r['excerpt_chars_max']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
