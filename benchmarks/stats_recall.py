"""Recall of the statistics extractor on a development set of figures.

    python benchmarks/stats_recall.py                 # ../shared/eval/dev_stats.json, extracted fresh from seeds/
    python benchmarks/stats_recall.py --corpus        # the built corpus/stats.json instead
    python benchmarks/stats_recall.py --file FILE     # another set in the same format

The set is `{park: [[value, word], ...]}` (../shared/eval/README.md): a row is found
when the park's statistics list a figure whose value equals `value` and whose label
or source sentence contains `word`. Misses are printed with the park's figures of the
same value, if any, so a wrong label or a wrong park shows at once.
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
from bot.stats import Fact, extract_facts, facts_for, load_facts  # noqa: E402

DEV_SET = ROOT.parent / "shared" / "eval" / "dev_stats.json"


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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--file", type=Path, default=DEV_SET)
    ap.add_argument("--corpus", action="store_true", help="score corpus/stats.json as built")
    args = ap.parse_args()
    if not args.file.exists():
        if args.file == DEV_SET:  # `make bench` in a plain clone: nothing to score, and nothing wrong
            print(f"stats recall skipped: {DEV_SET} is not part of this repository (it sits beside its clone)")
            return 0
        print(f"{args.file}: not found", file=sys.stderr)
        return 2
    rows = json.loads(args.file.read_text(encoding="utf-8"))
    facts = current_facts(args.corpus)
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
