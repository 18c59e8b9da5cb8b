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
import functools
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

from bot.lexicon import read_list, read_park_names
from bot.store import connect, migrate

SIMILAR = 0.6  # Jaccard (characters and pairs) at which two unanswered questions are one (see tests/test_report.py)
TOP_PARKS = 10
TOP_UNANSWERED = 50
VARIANTS = 5
MAX_LEADERS = 2000  # groups other questions can join (see group_similar)
MAX_COMPARED = 5000  # distinct unanswered questions grouped, most asked first; the rest is `unanswered_ungrouped`
LATEST_DOWN = 20
_NOISE = re.compile(r"[\W_]+")
_ENDINGS = re.compile(r"(?:吗|呢|啊|呀|吧|么)+$")


def ignored_words(corpus_dir: Path) -> list[str]:
    """What two questions may differ in and still ask the same: park names (questions are grouped by park
    anyway) and the question words of corpus/stopwords.txt (「有多少」「目前」), which would otherwise make
    「目前外资企业情况怎么样」 and 「目前红色物业情况怎么样」 look alike. Single characters stay: 「有」 is
    also in 「有限公司」."""
    words = [w for w in read_list(corpus_dir / "stopwords.txt") if len(w) >= 2]
    return read_park_names(corpus_dir) + words


def normalise(text: str, names: Iterable[str] = ()) -> str:
    """The words that make a question: width and case folded, punctuation, ignored words and final particles gone."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return _ENDINGS.sub("", _NOISE.sub("", _words(tuple(names)).sub("", text)))


@functools.lru_cache(maxsize=8)
def _words(names: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for all ignored words, longest first so 「多少家」 goes before 「多少」."""
    words = sorted({n.casefold() for n in names if n}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words)) or "(?!)")


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
                  threshold: float = SIMILAR, max_leaders: int = MAX_LEADERS) -> list[Group]:
    """(question, park, count) rows → groups of near-duplicates within each park, most asked first.

    Greedy: questions in order of how often they were asked join the most
    similar group whose leading question is similar enough, else lead a new
    group. Only the first `max_leaders` groups can be joined; a question
    after them that joins none stays alone. The report passes only the
    MAX_COMPARED most asked distinct questions: with the leader limit this
    bounds the work however long the tail of one-off questions is.
    """
    names = tuple(sorted({n for n in names if n}))
    same: dict[tuple[str | None, str], Group] = {}
    for question, park, count in asked:
        key = (park, normalise(question, names if park is None or park in names else (*names, park)))
        group = same.setdefault(key, Group(park, 0))
        group.count += count
        group.variants[question] += count
    order = sorted(same.items(), key=lambda kv: (-kv[1].count, kv[0][1]))
    sets = {key: features(key[1]) for key, _ in order}
    frequency = Counter(p for s in sets.values() for p in s)
    index: dict[tuple[str | None, str], list[int]] = defaultdict(list)
    leaders: list[tuple[set[str], Group]] = []
    alone: list[Group] = []
    for key, group in order:
        mine = sets[key]
        # Two sets with Jaccard ≥ t share one of their rarest |x| - ⌈t·|x|⌉ + 1 features (prefix filtering).
        prefix = sorted(mine, key=lambda p: (frequency[p], p))[:len(mine) - math.ceil(threshold * len(mine)) + 1]
        best, best_score = None, threshold
        for i in {i for p in prefix for i in index[(key[0], p)]}:
            theirs = leaders[i][0]
            shared = len(mine & theirs)
            score = shared / (len(mine) + len(theirs) - shared)
            if score > best_score or (score == best_score and best is None):
                best, best_score = i, score
        if best is not None:
            leader = leaders[best][1]
            leader.count += group.count
            leader.variants.update(group.variants)
        elif len(leaders) < max_leaders:
            for p in prefix:
                index[(key[0], p)].append(len(leaders))
            leaders.append((mine, group))
        else:
            alone.append(group)
    return sorted([g for _, g in leaders] + alone, key=lambda g: -g.count)


def _share(part: int, whole: int) -> float:
    return round(part / whole, 3) if whole else 0.0


def _window(days: int, now: float) -> tuple[date, date, float]:
    """The first and last day of the window (today counts as one) and the first day's local midnight."""
    last = date.fromtimestamp(now)
    first = last - timedelta(days=days - 1)
    return first, last, datetime.combine(first, datetime.min.time()).timestamp()


def _open(db_path: Path) -> sqlite3.Connection:
    """A reading connection, the schema brought up to date first when the file can be written (an older bot's)."""
    try:
        conn = connect(db_path)
        migrate(conn)
        return conn
    except sqlite3.Error:  # a read-only copy: read it as it is
        return connect(db_path, readonly=True)


def build_report(db_path: Path, days: int = 7, names: Iterable[str] = (), now: float | None = None) -> dict[str, Any]:
    """The last `days` days (today included, local time) of recorded questions; empty if nothing was recorded."""
    now = time.time() if now is None else now
    first, _, _ = _window(days, now)
    until = datetime.fromtimestamp(now).isoformat(timespec="seconds")
    report: dict[str, Any] = {
        "days": days, "since": first.isoformat(), "until": until,
        "questions": 0, "answered": 0, "answered_share": 0.0, "channels": {},
        "votes": {"up": 0, "down": 0, "voted_share": 0.0, "up_share": 0.0, "down_share": 0.0, "reasons": {}},
        "per_day": [], "parks": [], "unanswered_questions": 0, "unanswered_ungrouped": 0, "unanswered": [],
        "downvotes": [],
    }
    if not Path(db_path).exists():
        return report
    conn = _open(Path(db_path))
    try:
        _fill(conn, report, days, now, names)
    finally:
        conn.close()
    return report


def _fill(conn: sqlite3.Connection, report: dict[str, Any], days: int, now: float, names: Iterable[str]) -> None:
    first, last, since = _window(days, now)
    span = (first.toordinal(), last.toordinal())
    # One pass over the (day, found, channel, park) index gives days, totals, channels and parks.
    per_day: dict[int, list[int]] = {}
    channels: Counter[str] = Counter()
    parks: Counter[str] = Counter()
    for day, found, channel, park, n in conn.execute(
            "SELECT day, found, channel, park, count(*) FROM questions WHERE day BETWEEN ? AND ? "
            "GROUP BY day, found, channel, park", span):
        counts = per_day.setdefault(day, [0, 0])
        counts[0] += n
        counts[1] += n if found else 0
        channels[channel] += n
        if park is not None:
            parks[park] += n
    report["per_day"] = [{"date": date.fromordinal(d).isoformat(), "questions": n, "answered": a}
                         for d, (n, a) in sorted(per_day.items())]
    total = sum(n for n, _ in per_day.values())
    answered = sum(a for _, a in per_day.values())
    report.update(questions=total, answered=answered, answered_share=_share(answered, total))
    report["channels"] = dict(channels.most_common())
    report["parks"] = [{"park": p, "questions": n}
                       for p, n in sorted(parks.items(), key=lambda pn: (-pn[1], pn[0]))[:TOP_PARKS]]
    # Votes cast in the window.
    window = (since, now + 1)
    votes = conn.execute("SELECT vote, reason, count(*) FROM votes WHERE ts >= ? AND ts < ? GROUP BY vote, reason",
                         window).fetchall()
    up = sum(n for v, _, n in votes if v == 1)
    down = sum(n for v, _, n in votes if v == -1)
    voted = conn.execute("SELECT count(DISTINCT question_id) FROM votes WHERE ts >= ? AND ts < ?", window).fetchone()[0]
    report["votes"] = {"up": up, "down": down, "voted_share": _share(voted, total), "up_share": _share(up, up + down),
                       "down_share": _share(down, up + down),
                       "reasons": {r or "none": n for v, r, n in votes if v == -1}}
    asked = conn.execute("SELECT question, park, count(*) AS n FROM questions INDEXED BY questions_unanswered "
                         "WHERE found = 0 AND channel != 'inline' AND day BETWEEN ? AND ? "
                         "GROUP BY park, question ORDER BY n DESC", span).fetchall()
    report["unanswered_questions"] = sum(n for _, _, n in asked)
    report["unanswered_ungrouped"] = sum(n for _, _, n in asked[MAX_COMPARED:])
    report["unanswered"] = [g.to_dict() for g in group_similar(asked[:MAX_COMPARED], names)[:TOP_UNANSWERED]]
    report["downvotes"] = [
        {"time": datetime.fromtimestamp(ts).isoformat(timespec="seconds"), "channel": channel, "question": question,
         "park": park, "answer": answer, "reason": reason, "comment": comment}
        for ts, channel, question, park, answer, reason, comment in conn.execute(
            "SELECT v.ts, q.channel, q.question, q.park, q.answer, v.reason, v.comment FROM votes v "
            "JOIN questions q ON q.id = v.question_id WHERE v.vote = -1 AND v.ts >= ? AND v.ts < ? "
            "ORDER BY v.ts DESC LIMIT ?", (*window, LATEST_DOWN))]


CSV_FIELDS = ["time", "channel", "question", "park", "found", "reason", "confidence", "latency_ms", "corpus_version",
              "hits", "answer", "up", "down", "vote_reasons", "comments"]


def write_csv(db_path: Path, out: TextIO, days: int = 7, now: float | None = None) -> int:
    """Every recorded question of the window, one row each with its votes (no hashes), for a spreadsheet."""
    now = time.time() if now is None else now
    first, last, _ = _window(days, now)
    writer = csv.writer(out)
    writer.writerow(CSV_FIELDS)
    if not Path(db_path).exists():
        return 0
    conn = _open(Path(db_path))
    rows = 0
    try:
        cursor = conn.execute(
            "SELECT q.ts, q.channel, q.question, q.park, q.found, q.reason, q.confidence, q.latency_ms, "
            "q.corpus_version, q.hits, q.answer, sum(v.vote = 1), sum(v.vote = -1), group_concat(v.reason, ' '), "
            "group_concat(v.comment, ' | ') FROM questions q LEFT JOIN votes v ON v.question_id = q.id "
            "WHERE q.day BETWEEN ? AND ? GROUP BY q.id ORDER BY q.ts", (first.toordinal(), last.toordinal()))
        for ts, *rest in cursor:
            hits = ";".join(f"{a}#{p}" for a, p in json.loads(rest[8] or "[]"))
            writer.writerow([datetime.fromtimestamp(ts).isoformat(timespec="seconds"), *rest[:8], hits, rest[9],
                             rest[10] or 0, rest[11] or 0, rest[12] or "", rest[13] or ""])
            rows += 1
    finally:
        conn.close()
    return rows
