"""How long the editors' report takes over a large question record.

    python benchmarks/report_speed.py [--rows 1000000] [--days 180] [--keep FILE]

Generates a record of `--rows` questions spread over the last 180 days in a
temporary SQLite file (the bot's own schema, bot/store.py), then times
`python -m bot report --json` as a whole process (start-up included) and
`build_report` in this process. The questions mimic what people ask: 70 %
answered questions about the parks; 25 % unanswered gaps — a few hundred
park × topic questions, each asked in several wordings, with the occasional
typo; 5 % one-off questions no one else asks (each its own group, the worst
case for grouping). 5 % of the answers get a vote, a third of them 👎 with
a reason.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.report import build_report, ignored_words  # noqa: E402
from bot.store import REASONS, connect, migrate  # noqa: E402

PARKS = ["兰州高新区", "兰州新区", "泸州高新区", "贵阳高新区", "昆山高新区", "徐州高新区", "夏河县", "靖远县",
         "肃北县", "白银高新区", "天水经开区", "张掖经开区"]
TOPICS = ["流动党员", "党员人数", "党组织数量", "高新技术企业", "专精特新企业", "产业链", "营业收入", "规上工业产值",
          "人才公寓", "孵化器", "科技型中小企业", "研发投入", "就业人数", "党建指导员", "两新组织", "外资企业",
          "出口额", "亩均税收", "土地面积", "发明专利", "院士工作站", "博士后工作站", "上市公司", "独角兽企业",
          "数字经济规模", "新能源产业", "生物医药企业", "党群服务中心", "红色物业", "招商引资金额"]
WORDINGS = ["{park}有多少{topic}？", "{park}{topic}有多少", "{park}的{topic}是多少", "请问{park}{topic}有几个",
            "{park}目前{topic}情况怎么样"]
ANSWERED = ["兰州高新区有多少家高新技术企业？", "泸州高新区有哪些产业链？", "贵阳高新区如何发展数字经济？",
            "昆山高新区怎样开展党建工作？", "兰州新区的产业集群有哪些？", "夏河县怎样以党建引领产业发展？"]
CHARS = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经"  # noqa: E501


def question(rng: random.Random) -> tuple[str, str | None, bool]:
    roll = rng.random()
    if roll < 0.70:
        q = rng.choice(ANSWERED)
        return q, q[:q.index("区") + 1] if "区" in q else q[:3], True
    if roll < 0.95:
        park, topic = rng.choice(PARKS), rng.choice(TOPICS)
        text = rng.choice(WORDINGS).format(park=park, topic=topic)
        if rng.random() < 0.1:  # a typo
            i = rng.randrange(len(text))
            text = text[:i] + rng.choice(CHARS) + text[i + 1:]
        return text, park, False
    return "".join(rng.choice(CHARS) for _ in range(rng.randint(6, 20))) + "？", None, False


def generate(path: Path, rows: int, seed: int = 7) -> float:
    rng = random.Random(seed)
    conn = connect(path)
    migrate(conn)
    now = time.time()
    started = time.perf_counter()
    conn.execute("BEGIN")
    batch, votes = [], []
    for n in range(rows):
        text, park, found = question(rng)
        ts = now - rng.random() * 179 * 86400
        next_id = n + 1
        user = f"{rng.randrange(20000):032x}"
        batch.append((next_id, ts, rng.choice(["private", "private", "group", "inline", "console"]), user, user,
                      text, park, int(found), "found" if found else "not_found", rng.random(),
                      '[["001-1", 3]]' if found else "[]", "某段摘录 —— 《标题》· 园区 · 第3段" if found else "",
                      rng.uniform(5, 40), "bench", date.fromtimestamp(ts).toordinal()))
        if rng.random() < 0.05:
            down = rng.random() < 0.33
            votes.append((next_id, user, ts + 30, -1 if down else 1, rng.choice(REASONS) if down else None,
                           "数字不对" if down and rng.random() < 0.3 else None))
        if len(batch) >= 50_000 or n == rows - 1:
            conn.executemany("INSERT INTO questions VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", batch)
            conn.executemany("INSERT INTO votes (question_id, user_hash, ts, vote, reason, comment) "
                             "VALUES (?,?,?,?,?,?)", votes)
            batch, votes = [], []
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return time.perf_counter() - started


def main(args: argparse.Namespace) -> int:
    folder = Path(tempfile.mkdtemp(prefix="report-bench-"))
    path = Path(args.keep) if args.keep else folder / "questions.db"
    if not path.exists():
        took = generate(path, args.rows)
        print(f"generated {args.rows:,} questions in {took:.1f} s ({path.stat().st_size / 1e6:.0f} MB)", flush=True)
    names = ignored_words(ROOT / "corpus")
    timings = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        report = build_report(path, args.days, names)
        timings.append(time.perf_counter() - started)
    print(f"build_report over {report['questions']:,} questions ({args.days} days): "
          f"best {min(timings):.2f} s, worst {max(timings):.2f} s of {args.repeat}; "
          f"{report['unanswered_questions']:,} unanswered, {report['unanswered_ungrouped']:,} of them in the "
          f"ungrouped tail", flush=True)
    env = {**os.environ, "DATABASE_PATH": str(path), "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "bot", "report", "--days", str(args.days), "--json"], cwd=ROOT,
                          env=env, capture_output=True, text=True, check=True)
    took = time.perf_counter() - started
    assert json.loads(proc.stdout)["questions"] == report["questions"]
    print(f"python -m bot report --days {args.days} --json (whole process): {took:.2f} s")
    top = report["unanswered"][0]
    print(f"most asked gap: {top['count']} × {top['question']} ({len(top['variants'])} wordings shown)")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="questions to generate")
    parser.add_argument("--days", type=int, default=180, help="the report's window")
    parser.add_argument("--repeat", type=int, default=3, help="times build_report is timed")
    parser.add_argument("--keep", help="reuse (or create) this database file instead of a temporary one")
    sys.exit(main(parser.parse_args()))
