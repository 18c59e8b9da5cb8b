"""The evaluation rule of ../shared/eval/README.md, for a clone that has only this repository.

A row is a hit@1 when one of its `evidence` strings is in the top hit's paragraph,
hit@3 when in any of the top three, answer@1 when one of its `answer` strings is in
the top hit's excerpt; a negative row (no evidence) is right when `found` is false.
Both sides are compared after NFKC, with whitespace removed and curly quotes straight.
benchmarks/retrieval.py uses ../shared/eval/score.py itself when it is there, so
figures in the README are the shared scorer's; this is the same rule when it is not.
"""

from __future__ import annotations

import re
import unicodedata


def norm(text: str) -> str:
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))
    return text.replace("“", '"').replace("”", '"').replace("‘", "'").replace("’", "'")


def _holds(text: str, needles: list[str]) -> bool:
    return any(norm(n) in norm(text) for n in needles)


def score(rows: list[dict], answers: list[dict]) -> dict:
    positives = negatives = h1 = h3 = a1 = rejected = 0
    lengths: list[int] = []
    for row, answer in zip(rows, answers, strict=True):
        hits = answer.get("hits") or []
        lengths += [len(norm(h.get("excerpt", ""))) for h in hits[:1]]
        if not row["evidence"]:
            negatives += 1
            rejected += not answer.get("found", bool(hits))
            continue
        positives += 1
        texts = [h.get("text", "") for h in hits[:3]]
        h1 += bool(texts) and _holds(texts[0], row["evidence"])
        h3 += any(_holds(t, row["evidence"]) for t in texts)
        a1 += bool(hits) and _holds(hits[0].get("excerpt", ""), row["answer"])
    share = (lambda n, d: round(n / d, 3) if d else None)  # noqa: E731
    return {"questions": positives, "hit@1": share(h1, positives), "hit@3": share(h3, positives),
            "answer@1": share(a1, positives), "negatives": negatives,
            "negatives_rejected": share(rejected, negatives),
            "excerpt_chars_median": sorted(lengths)[len(lengths) // 2] if lengths else None,
            "excerpt_chars_max": max(lengths) if lengths else None}
