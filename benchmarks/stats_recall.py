"""Recall of the statistics extractor on a development set of figures.

    python benchmarks/stats_recall.py                 # ../shared/eval/dev_stats.json, extracted fresh from seeds/
    python benchmarks/stats_recall.py --corpus        # the built corpus/stats.json instead
    python benchmarks/stats_recall.py --file FILE     # another set in the same format

The set is `{park: [[value, word], ...]}` (../shared/eval/README.md): a row is found
when the park's statistics list a figure whose value equals `value` and whose label
or source sentence contains `word`. Misses are printed with the park's figures of the
same value, if any, so a wrong label or a wrong park shows at once.

It then scores the labelled set benchmarks/stats_labels.jsonl (every figure of all eleven parks,
read by hand; `--labels FILE` for another, `--park NAME` for some parks only), before and after:

    value precision   shown figures that are park statistics with the right value (not a threshold,
                      one person's attribute, the period of another figure, or half of a from→to pair)
    label precision   shown figures whose label — as /stats shows it, with company, scope, period
                      and status — a reviewer judged right: the row's `accept` list; `reject` holds
                      the labels judged wrong. A label in neither list is printed as unjudged and
                      counted as not right until someone reads it and adds it to one list.
    recall            statistics of the set that are shown at all (a repeat counts with its first)

"before" is the extraction at commit 6ddb1eb, recorded in each row (`before.shown`, `before.ok`);
"after" is extracted now.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.ingest import read_articles  # noqa: E402
from bot.lexicon import Lexicon  # noqa: E402
from bot.parks import REGISTRY_FILE, Registry  # noqa: E402
from bot.render import fact_label  # noqa: E402
from bot.stats import Fact, extract_facts, facts_for, load_facts  # noqa: E402

DEV_SET = ROOT.parent / "shared" / "eval" / "dev_stats.json"
LABEL_SET = ROOT / "benchmarks" / "stats_labels.jsonl"


def norm(text: str) -> str:
    """The scorer's normalisation: NFKC, no whitespace, straight quotes."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))
    return text.replace("“", '"').replace("”", '"').replace("‘", "'").replace("’", "'")


def found(value: str, word: str, facts: list[Fact]) -> bool:
    return any(norm(f.value) == norm(value) and (norm(word) in norm(f.label) or norm(word) in norm(f.sentence))
               for f in facts)


def current_facts(use_corpus: bool) -> list[Fact]:
    if use_corpus:
        return load_facts(ROOT / "corpus")
    lexicon = Lexicon.load(ROOT / "corpus")
    registry = Registry.from_toml(ROOT / "corpus" / REGISTRY_FILE, lexicon.tokenizer)
    articles, _ = read_articles(ROOT / "seeds", registry)
    return extract_facts(articles, registry, lexicon.vocabulary)


def _key(article_id: str, paragraph: int, value: str) -> tuple[str, int, str]:
    return article_id, paragraph, norm(value)


def label_scores(rows: list[dict], facts: list[Fact], verbose: bool = True) -> dict:
    """Value precision, label precision and recall on the labelled set, before (as recorded) and now."""
    parks = {r["park"] for r in rows}
    by_key: dict[tuple, list[dict]] = {}
    for row in rows:
        by_key.setdefault(_key(row["article_id"], row["paragraph"], row["value"]), []).append(row)
    shown = [f for f in facts if f.park in parks]
    matched: dict[int, dict] = {}  # id(row) -> the row, for rows a current fact matched
    value_ok = label_ok = unjudged = 0
    seen: dict[tuple, int] = {}
    for fact in shown:
        key = _key(fact.article_id, fact.paragraph, fact.value)
        n = seen[key] = seen.get(key, -1) + 1
        row = by_key.get(key, [])[n] if n < len(by_key.get(key, [])) else None
        label = fact_label(fact)
        if row is None:
            if verbose:
                print(f"  not in the set: {fact.park} {fact.article_id} 第{fact.paragraph}段 {fact.value}「{label}」")
            continue
        matched[id(row)] = row
        value_ok += row["statistic"] and (row.get("change") is None or fact.change == row["change"])
        if label in row["accept"]:
            label_ok += 1
        elif label not in row["reject"]:
            unjudged += 1
            if verbose:
                print(f"  unjudged: {fact.park} {fact.article_id} 第{fact.paragraph}段 {fact.value}「{label}」"
                      f" (the set's label: {row.get('label', '—')})")
    wanted = [r for r in rows if r["statistic"] and "repeat_of" not in r]
    was = [r for r in rows if "before" in r]

    def ratio(a: int, b: int) -> float:
        return round(a / b, 3) if b else 0.0

    return {
        "set": "stats_labels", "parks": len(parks), "rows": len(rows), "statistics": len(wanted),
        "before": {"shown": len(was),
                   "value_precision": ratio(sum(r["statistic"] for r in was), len(was)),
                   "label_precision": ratio(sum(r["before"]["ok"] for r in was), len(was)),
                   "recall": ratio(sum("before" in r for r in wanted), len(wanted))},
        "after": {"shown": len(shown), "value_precision": ratio(value_ok, len(shown)),
                  "label_precision": ratio(label_ok, len(shown)), "unjudged": unjudged,
                  "recall": ratio(sum(id(r) in matched for r in wanted), len(wanted))},
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--file", type=Path, default=DEV_SET)
    ap.add_argument("--labels", type=Path, default=LABEL_SET, help="the labelled set (JSON lines)")
    ap.add_argument("--corpus", action="store_true", help="score corpus/stats.json as built")
    ap.add_argument("--park", action="append", help="score the labelled set of these parks only (repeatable)")
    args = ap.parse_args()
    facts = current_facts(args.corpus)
    status = dev_recall(args.file, facts)
    if args.labels.exists():
        rows = [json.loads(line) for line in args.labels.read_text(encoding="utf-8").splitlines() if line.strip()]
        rows = [r for r in rows if not args.park or r["park"] in args.park]
        print(json.dumps(label_scores(rows, facts), ensure_ascii=False))
    return status


def dev_recall(path: Path, facts: list[Fact]) -> int:
    """Recall on the development set: one JSON line, misses listed before it."""
    if not path.exists():
        if path == DEV_SET:  # `make bench` in a plain clone: nothing to score, and nothing wrong
            print(f"stats recall skipped: {DEV_SET} is not part of this repository (it sits beside its clone)")
            return 0
        print(f"{path}: not found", file=sys.stderr)
        return 2
    rows = json.loads(path.read_text(encoding="utf-8"))
    registry = Registry.load(ROOT / "corpus", Lexicon.load(ROOT / "corpus").tokenizer)
    total = hits = 0
    for park_name, pairs in rows.items():
        res = registry.resolve(park_name)
        mine = facts_for(res.park.name, facts) if res.park else []
        for value, word in pairs:
            total += 1
            if found(value, word, mine):
                hits += 1
                continue
            near = [f"{f.value}「{f.label}」" for f in mine if norm(f.value) == norm(value)]
            print(f"  miss {park_name} {value} / {word}" + (f"  (have: {'; '.join(near)})" if near else ""))
    recall = hits / total if total else 0.0
    print(json.dumps({"rows": total, "found": hits, "recall": round(recall, 3), "facts": len(facts)},
                     ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
