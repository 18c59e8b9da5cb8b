"""What the editors read: the recorded questions of the last days, summed up.

`build_report` returns plain data (the shape of `python -m bot report --json`,
a contract: fields are only ever added); the adapters render it. The part that
matters most is the questions the articles could not answer, grouped so that
one gap asked twenty ways is one line with its count: questions are compared
within their park, with the park names taken out, by the Jaccard similarity of
their characters and character pairs. A prefix filter (rarest features first) finds the
candidates, so grouping stays fast however many distinct questions there are.
"""

from __future__ import annotations

import csv
import json
import math
import re
import sqlite3
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from bot.store import connect

SIMILAR = 0.5  # Jaccard (characters and pairs) at which two unanswered questions are one (see tests/test_report.py)
TOP_PARKS = 10
TOP_UNANSWERED = 50
VARIANTS = 5
LATEST_DOWN = 20
_NOISE = re.compile(r"[\W_]+")
_ENDINGS = re.compile(r"(?:吗|呢|啊|呀|吧|么)+$")


def normalise(text: str, names: Iterable[str] = ()) -> str:
    """The words that make a question: width and case folded, punctuation, park names and final particles gone."""
    text = unicodedata.normalize("NFKC", text).casefold()
    for name in names:
        if name:
            text = text.replace(name.casefold(), " ")
    return _ENDINGS.sub("", _NOISE.sub("", text))


def features(text: str) -> set[str]:
    """Characters and character pairs: pairs keep word order, characters keep short questions close
    (「明天会下雨」/「明天下雨」 share 2 of 5 pairs but 6 of 10 features)."""
    return set(text) | {text[i:i + 2] for i in range(len(text) - 1)}


@dataclass
class Group:
    park: str | None
    count: int
    variants: Counter = field(default_factory=Counter)  # question as written → times asked

    def to_dict(self) -> dict[str, Any]:
        return {"question": self.variants.most_common(1)[0][0], "park": self.park, "count": self.count,
                "variants": [q for q, _ in self.variants.most_common(VARIANTS)]}


def group_similar(asked: Iterable[tuple[str, str | None, int]], names: Iterable[str] = (),
                  threshold: float = SIMILAR) -> list[Group]:
    """(question, park, count) rows → groups of near-duplicates within each park, most asked first.

    Greedy: questions in order of how often they were asked join the first
    group whose leading question is similar enough, else lead a new group.
    """
    names = sorted({n for n in names if n}, key=len, reverse=True)
    same: dict[tuple[str | None, str], Group] = {}
    for question, park, count in asked:
        key = (park, normalise(question, [*names, park or ""]))
        group = same.setdefault(key, Group(park, 0))
        group.count += count
        group.variants[question] += count
    order = sorted(same.items(), key=lambda kv: (-kv[1].count, kv[0][1]))
    sets = {key: features(key[1]) for key, _ in order}
    frequency = Counter(p for s in sets.values() for p in s)
    index: dict[tuple[str | None, str], list[int]] = defaultdict(list)
    leaders: list[tuple[set[str], Group]] = []
    for key, group in order:
        mine = sets[key]
        prefix = sorted(mine, key=lambda p: (frequency[p], p))[:len(mine) - math.ceil(threshold * len(mine)) + 1]
        best, best_score = None, threshold
        for i in {i for p in prefix for i in index[(key[0], p)]}:
            theirs = leaders[i][0]
            shared = len(mine & theirs)
            score = shared / (len(mine) + len(theirs) - shared) if mine or theirs else 1.0
            if score >= best_score:
                best, best_score = i, score
        if best is None:
            for p in prefix:
                index[(key[0], p)].append(len(leaders))
            leaders.append((mine, group))
        else:
            leader = leaders[best][1]
            leader.count += group.count
            leader.variants.update(group.variants)
    return sorted((g for _, g in leaders), key=lambda g: -g.count)


def _share(part: int, whole: int) -> float:
    return round(part / whole, 3) if whole else 0.0


def _since(days: int, now: float) -> tuple[date, float]:
    """The first day of the window (today counts as one) and its local midnight."""
    first_day = date.fromtimestamp(now) - timedelta(days=days - 1)
    return first_day, datetime.combine(first_day, datetime.min.time()).timestamp()


def build_report(db_path: Path, days: int = 7, names: Iterable[str] = (), now: float | None = None) -> dict[str, Any]:
    """The last `days` days (today included, local time) of recorded questions; empty if nothing was recorded."""
    now = time.time() if now is None else now
    first_day, since = _since(days, now)
    until = datetime.fromtimestamp(now).isoformat(timespec="seconds")
    report: dict[str, Any] = {
        "days": days, "since": first_day.isoformat(), "until": until,
        "questions": 0, "answered": 0, "answered_share": 0.0, "channels": {},
        "votes": {"up": 0, "down": 0, "voted_share": 0.0, "up_share": 0.0, "down_share": 0.0, "reasons": {}},
        "per_day": [], "parks": [], "unanswered_questions": 0, "unanswered": [], "downvotes": [],
    }
    if not Path(db_path).exists():
        return report
    conn = connect(Path(db_path), readonly=True)
    try:
        _fill(conn, report, since, now, names)
    finally:
        conn.close()
    return report


def _fill(conn: sqlite3.Connection, report: dict[str, Any], since: float, now: float, names: Iterable[str]) -> None:
    # Days are 24-hour steps from the first local midnight: integer arithmetic, no date() call per row.
    window = (since, now + 1)
    per_day = conn.execute(
        "SELECT CAST((ts - ?) / 86400 AS INTEGER) AS d, count(*), sum(found) FROM questions "
        "WHERE ts >= ? AND ts < ? GROUP BY d ORDER BY d", (since, *window)).fetchall()
    start = date.fromtimestamp(since)
    report["per_day"] = [{"date": (start + timedelta(days=d)).isoformat(), "questions": n, "answered": a or 0}
                         for d, n, a in per_day]
    total = sum(n for _, n, _ in per_day)
    answered = sum(a or 0 for _, _, a in per_day)
    report.update(questions=total, answered=answered, answered_share=_share(answered, total))
    report["channels"] = dict(conn.execute(
        "SELECT channel, count(*) FROM questions WHERE ts >= ? AND ts < ? GROUP BY channel ORDER BY 2 DESC",
        window).fetchall())
    report["parks"] = [{"park": p, "questions": n} for p, n in conn.execute(
        "SELECT park, count(*) AS n FROM questions WHERE ts >= ? AND ts < ? AND park IS NOT NULL "
        "GROUP BY park ORDER BY n DESC, park LIMIT ?", (*window, TOP_PARKS))]
    votes = conn.execute(
        "SELECT v.vote, v.reason, count(*) FROM votes v JOIN questions q ON q.id = v.question_id "
        "WHERE q.ts >= ? AND q.ts < ? GROUP BY v.vote, v.reason", window).fetchall()
    up = sum(n for v, _, n in votes if v == 1)
    down = sum(n for v, _, n in votes if v == -1)
    voted = conn.execute("SELECT count(DISTINCT v.question_id) FROM votes v JOIN questions q ON q.id = v.question_id "
                         "WHERE q.ts >= ? AND q.ts < ?", window).fetchone()[0]
    report["votes"] = {"up": up, "down": down, "voted_share": _share(voted, total), "up_share": _share(up, up + down),
                       "down_share": _share(down, up + down),
                       "reasons": {r or "none": n for v, r, n in votes if v == -1}}
    asked = conn.execute("SELECT question, park, count(*) FROM questions WHERE ts >= ? AND ts < ? AND found = 0 "
                         "GROUP BY question, park", window).fetchall()
    report["unanswered_questions"] = sum(n for _, _, n in asked)
    report["unanswered"] = [g.to_dict() for g in group_similar(asked, names)[:TOP_UNANSWERED]]
    report["downvotes"] = [
        {"time": datetime.fromtimestamp(ts).isoformat(timespec="seconds"), "channel": channel, "question": question,
         "park": park, "answer": answer, "reason": reason, "comment": comment}
        for ts, channel, question, park, answer, reason, comment in conn.execute(
            "SELECT v.ts, q.channel, q.question, q.park, q.answer, v.reason, v.comment FROM votes v "
            "JOIN questions q ON q.id = v.question_id WHERE v.vote = -1 AND q.ts >= ? AND q.ts < ? "
            "ORDER BY v.ts DESC LIMIT ?", (*window, LATEST_DOWN))]


CSV_FIELDS = ["time", "channel", "question", "park", "found", "reason", "confidence", "latency_ms", "corpus_version",
              "hits", "answer", "up", "down", "vote_reasons", "comments"]


def write_csv(db_path: Path, out: TextIO, days: int = 7, now: float | None = None) -> int:
    """Every recorded question of the window, one row each with its votes (no hashes), for a spreadsheet."""
    now = time.time() if now is None else now
    _, since = _since(days, now)
    writer = csv.writer(out)
    writer.writerow(CSV_FIELDS)
    if not Path(db_path).exists():
        return 0
    conn = connect(Path(db_path), readonly=True)
    rows = 0
    try:
        cursor = conn.execute(
            "SELECT q.ts, q.channel, q.question, q.park, q.found, q.reason, q.confidence, q.latency_ms, "
            "q.corpus_version, q.hits, q.answer, sum(v.vote = 1), sum(v.vote = -1), group_concat(v.reason, ' '), "
            "group_concat(v.comment, ' | ') FROM questions q LEFT JOIN votes v ON v.question_id = q.id "
            "WHERE q.ts >= ? AND q.ts < ? GROUP BY q.id ORDER BY q.ts", (since, now + 1))
        for ts, *rest in cursor:
            hits = ";".join(f"{a}#{p}" for a, p in json.loads(rest[8] or "[]"))
            writer.writerow([datetime.fromtimestamp(ts).isoformat(timespec="seconds"), *rest[:8], hits, rest[9],
                             rest[10] or 0, rest[11] or 0, rest[12] or "", rest[13] or ""])
            rows += 1
    finally:
        conn.close()
    return rows
