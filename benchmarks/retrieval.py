"""Retrieval quality on the evaluation sets, for the shipped settings and each choice turned off.

    python benchmarks/retrieval.py              # dev set (../shared/eval), own, chat, fresh and street sets
    python benchmarks/retrieval.py --qa FILE    # another set in the same format
    python benchmarks/retrieval.py --curve-only # only the gate curve and the shipped engine by kind

For each set it prints three tables: the variants (below); the found/not-found gate curve —
at several values of Options.min_coverage, how many answerable questions are answered with the
right paragraph first, answered with a wrong one, or refused, and how many negatives are
rejected — so the threshold is chosen from the trade-off rather than from one set; and the
shipped engine's results by question kind, to show which styles of question fail.

Scores come from ../shared/eval/score.py's own `score` function, so the figures
match `python ../shared/eval/score.py`. In a clone without ../shared the dev set
is skipped (one line says so) and benchmarks/scoring.py, the same rule, scores
the repository's own sets. Each row changes one choice from the
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
GATES = (0.0, 0.3, 0.4, 0.45, 0.5, 0.55, 0.6, 0.7)  # Options.min_coverage values of the curve
RANKING_ALONE = {"min_coverage": 0.0, "number_check": False}  # the curve's last row: no gate at all


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
    """The dev set lives outside the repository (../shared/eval); a plain clone scores its own sets only."""
    names = ("own_qa.jsonl", "chat_qa.jsonl", "fresh_qa.jsonl", "street_qa.jsonl")
    own = [ROOT / "benchmarks" / name for name in names]
    if (eval_dir / "dev_qa.jsonl").exists():
        return [eval_dir / "dev_qa.jsonl", *own]
    print(f"dev set skipped: {eval_dir} is not part of this repository (it sits beside the project's clone)")
    return own


def read_rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def answer_all(options: Options, sets: list[list[dict]]) -> list[list[dict]]:
    """One engine per setting, asked every set's questions: loading (jieba) costs more than asking."""
    engine = Engine.load(ROOT / "corpus", options)
    return [[engine.ask(row["q"]).to_dict() for row in rows] for rows in sets]


def outcome(score, row: dict, answer: dict) -> str:
    """One row's fate, judged by the scorer's own rule on that row alone."""
    if not row["evidence"]:
        return "rejected" if score([row], [answer])["negatives_rejected"] else "answered"
    if not answer.get("found", bool(answer.get("hits"))):
        return "refused"
    r = score([row], [answer])
    return ("right" if r["hit@1"] else "wrong") + ("+answer" if r["answer@1"] else "")


def print_curve(score, rows: list[dict], answers_by_gate: dict[float | str, list[dict]]) -> None:
    positives = sum(1 for r in rows if r["evidence"])
    negatives = len(rows) - positives
    print(f"found/not-found gate (Options.min_coverage): {positives} answerable, {negatives} negatives;"
          " right/wrong = the top paragraph holds the evidence or not, ans@1 = the excerpt holds the answer;"
          " none = no gate and no number check, the ranking alone")
    print("gate   right  wrong  refused  ans@1  negatives rejected")
    for gate, answers in answers_by_gate.items():
        fates = [outcome(score, row, answer) for row, answer in zip(rows, answers, strict=True)]
        right = sum(f.startswith("right") for f in fates)
        wrong = sum(f.startswith("wrong") for f in fates)
        refused = fates.count("refused")
        ans = sum(f.endswith("+answer") for f in fates)
        shipped = "  (shipped)" if gate == Options().min_coverage else ""
        label = f"{gate:4.2f}" if isinstance(gate, float) else gate
        print(f"{label:4}   {right:5}  {wrong:5}  {refused:7}  {ans:5}  {fates.count('rejected')}/{negatives}{shipped}")


def print_kinds(score, rows: list[dict], answers: list[dict]) -> None:
    by_kind: dict[str, list[str]] = {}
    for row, answer in zip(rows, answers, strict=True):
        by_kind.setdefault(row.get("kind", "?"), []).append(outcome(score, row, answer))
    reasons: dict[str, int] = {}
    for row, answer in zip(rows, answers, strict=True):
        if row["evidence"] and not answer.get("found", bool(answer.get("hits"))):
            reasons[answer.get("reason", "?")] = reasons.get(answer.get("reason", "?"), 0) + 1
    print("answerable questions refused, by reason:", ", ".join(f"{k} {v}" for k, v in reasons.items()) or "none")
    print("shipped engine by kind: rows  right  wrong  refused  ans@1  (negatives: rejected)")
    for kind, fates in sorted(by_kind.items(), key=lambda kv: -len(kv[1])):
        if kind == "negative":
            print(f"  {kind:12} {len(fates):4}  rejected {fates.count('rejected')}")
            continue
        print(f"  {kind:12} {len(fates):4}  {sum(f.startswith('right') for f in fates):5}"
              f"  {sum(f.startswith('wrong') for f in fates):5}  {fates.count('refused'):7}"
              f"  {sum(f.endswith('+answer') for f in fates):5}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--qa", action="append", help="question set(s); default: dev set, own, chat, fresh and street sets")
    ap.add_argument("--curve-only", action="store_true", help="skip the variants table")
    args = ap.parse_args()
    sets = [Path(p) for p in args.qa] if args.qa else default_sets()
    score = load_scorer()
    rows = [read_rows(qa) for qa in sets]
    variants = {} if args.curve_only else VARIANTS
    by_variant = {name: answer_all(dataclasses.replace(Options(), **change), rows) for name, change in variants.items()}
    by_gate: dict[float | str, list[list[dict]]] = {
        gate: answer_all(dataclasses.replace(Options(), min_coverage=gate), rows) for gate in GATES}
    by_gate["none"] = answer_all(dataclasses.replace(Options(), **RANKING_ALONE), rows)
    shipped = by_variant["shipped"] if "shipped" in by_variant else answer_all(Options(), rows)
    for i, qa in enumerate(sets):
        print(f"\n{qa.name} ({len(rows[i])} questions)")
        if variants:
            print(f"{'variant':42} hit@1  hit@3  ans@1  neg   excerpt median/max")
        for name, answers in by_variant.items():
            r = score(rows[i], answers[i])
            print(f"{name:42} {r['hit@1']:.3f}  {r['hit@3']:.3f}  {r['answer@1']:.3f}  {r['negatives_rejected']:.2f}"
                  f"  {r['excerpt_chars_median']}/{r['excerpt_chars_max']}")
        print_curve(score, rows[i], {gate: answers[i] for gate, answers in by_gate.items()})
        print_kinds(score, rows[i], shipped[i])
    return 0


if __name__ == "__main__":
    sys.exit(main())
