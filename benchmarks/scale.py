"""How the engine scales: synthetic corpora of 10k, 100k and 1M paragraphs, this engine beside rank-bm25.

    python benchmarks/scale.py                          # 10k and 100k
    python benchmarks/scale.py --sizes 10000 100000 1000000 --reference-max 100000

The corpora are made from the seed articles' own sentences (corpus/articles.json):
every sentence is cut out, and paragraphs of one to four sentences drawn at random
are shuffled into articles of four to twelve paragraphs, each given a random park
and a seed title; every digit is redrawn, so the same sentence reports different
figures in different paragraphs. They are written once to --workdir and reused.

Times are CPU time of the process (build, load) or thread (a question): the machine is
shared, so wall-clock time (also in the JSON lines on stderr) counts others' work too.
For each size, each path runs in its own process, so that its peak memory (RSS) is
its own:
- engine build: `Engine.load` on a corpus without a saved index (cuts every paragraph,
  builds and saves the index under the corpus's index/ directory);
- engine load + questions: `Engine.load` again (the saved index), then `ask`;
- rank-bm25 (the reference path): jieba itself with the same dictionary and stop words, `MonotoneBM25` over every
  paragraph (rank-bm25 with Lucene's IDF, which is what the engine ranked with
  before), and `get_scores` + a full sort for each question. It saves nothing, so
  its load is its build.

Questions: those of benchmarks/own_qa.jsonl and benchmarks/chat_qa.jsonl, a pasted
500-character question, and --probes clauses with figures cut from random paragraphs
of the synthetic corpus (hit@1: the top paragraph holds the clause) to compare the
two paths' retrieval on it. Query times are per question, in process, after a warm-up.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUESTION_SETS = [ROOT / "benchmarks" / "own_qa.jsonl", ROOT / "benchmarks" / "chat_qa.jsonl"]
KEEP = ("articles.json", "stats.json", "index")  # what the synthetic corpus replaces or builds itself


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def cpu_s() -> float:
    """CPU seconds of this process so far: on a shared machine, wall time also counts other people's work."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def dir_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6 if path.exists() else 0.0


# -- the synthetic corpus -----------------------------------------------------


def seed_sentences() -> tuple[list[str], list[str], list[str]]:
    from bot.text import split_sentences

    articles = json.loads((ROOT / "corpus" / "articles.json").read_text(encoding="utf-8"))
    sentences = {s for a in articles for p in a["paragraphs"] if not p["caption"] for s in split_sentences(p["text"])}
    parks = [p["name"] for p in json.loads((ROOT / "corpus" / "parks.json").read_text(encoding="utf-8"))]
    return sorted(sentences), [a["title"] for a in articles], parks


def make_corpus(size: int, out: Path, seed: int) -> Path:
    """A corpus directory of `size` paragraphs (reused when already made with this seed)."""
    stamp = out / "synthetic.json"
    out.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "corpus", out, ignore=shutil.ignore_patterns(*KEEP), dirs_exist_ok=True)  # current lists
    if stamp.exists() and json.loads(stamp.read_text()) == {"size": size, "seed": seed}:
        return out
    sentences, titles, parks = seed_sentences()
    rng = random.Random(seed)
    digit = re.compile(r"\d")

    def redraw(text: str) -> str:
        return digit.sub(lambda m: str(rng.randrange(10)), text)

    articles, made = [], 0
    while made < size:
        n = min(size - made, rng.randint(4, 12))
        paragraphs = [{"n": i + 1, "text": redraw("".join(rng.choices(sentences, k=rng.randint(1, 4)))),
                       "section": "", "caption": False} for i in range(n)]
        articles.append({"article_id": f"s{len(articles)}", "seed": "synthetic", "title": rng.choice(titles),
                         "subtitle": "", "byline": "", "park": rng.choice(parks), "paragraphs": paragraphs})
        made += n
    (out / "articles.json").write_text(json.dumps(articles, ensure_ascii=False), encoding="utf-8")
    (out / "stats.json").write_text("[]", encoding="utf-8")  # figures are not extracted for synthetic text
    stamp.write_text(json.dumps({"size": size, "seed": seed}))
    return out


def questions(corpus: Path, probes: int, seed: int) -> tuple[list[str], str, list[str]]:
    """The fixed questions, a pasted 500-character one, and clauses with a figure from the corpus."""
    asked = [json.loads(line)["q"] for path in QUESTION_SETS if path.exists()
             for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    sentences, _, _ = seed_sentences()
    rng = random.Random(seed)
    pasted = ""
    while len(pasted) < 500:
        pasted += rng.choice(sentences)
    articles = json.loads((corpus / "articles.json").read_text(encoding="utf-8"))
    clauses: list[str] = []
    while len(clauses) < probes:
        text = rng.choice(rng.choice(articles)["paragraphs"])["text"]
        found = [c for c in re.split(r"[，。；：！？]", text) if 10 <= len(c) <= 30 and re.search(r"\d", c)]
        if found:
            clauses.append(rng.choice(found))
    return asked, pasted[:500], clauses


# -- the paths, each in its own process ----------------------------------------


def timed_questions(ask, asked: list[str], pasted: str) -> dict:
    for q in asked[:5]:
        ask(q)
    times = []
    for q in asked:
        t = time.thread_time()
        ask(q)
        times.append((time.thread_time() - t) * 1000)
    t = time.thread_time()
    ask(pasted)
    pasted_ms = (time.thread_time() - t) * 1000
    return {"p50": statistics.median(times), "p95": percentile(times, 95), "max": max(times), "pasted": pasted_ms}


def hits(clauses: list[str], tops: list[str]) -> dict:
    """hit@1: the top paragraph holds the clause as written, and holds it once figures are ignored."""
    def blind(text: str) -> str:
        return re.sub(r"\d+", "#", text)

    pairs = list(zip(clauses, tops, strict=True))
    return {"hit1": sum(c in t for c, t in pairs) / len(pairs),
            "hit1_text": sum(blind(c) in blind(t) for c, t in pairs) / len(pairs)}


def run_engine_build(corpus: Path) -> dict:
    shutil.rmtree(corpus / "index", ignore_errors=True)
    t = time.perf_counter()
    from bot.engine import Engine

    Engine.load(corpus)
    return {"build_s": cpu_s(), "build_wall_s": time.perf_counter() - t, "build_rss": peak_rss_mb(),
            "size_mb": dir_mb(corpus / "index")}


def run_engine_ask(corpus: Path, probes: int, seed: int) -> dict:
    asked, pasted, clauses = questions(corpus, probes, seed)
    t = time.perf_counter()
    from bot.engine import Engine

    before = cpu_s()
    engine = Engine.load(corpus)
    out = {"load_s": cpu_s() - before, "load_wall_s": time.perf_counter() - t,
           **timed_questions(engine.ask, asked, pasted)}
    tops = [a.hits[0].text if a.hits else "" for a in map(engine.ask, clauses)]
    out.update(hits(clauses, tops))
    out["rss"] = peak_rss_mb()
    return out


def run_reference(corpus: Path, probes: int, seed: int) -> dict:
    asked, pasted, clauses = questions(corpus, probes, seed)
    t, before = time.perf_counter(), cpu_s()
    import numpy as np

    from bot.ingest import load_articles
    from bot.lexicon import Lexicon
    from bot.reference import MonotoneBM25
    from bot.tokens import Tokenizer

    lexicon = Lexicon.load(corpus)
    tokenize = Tokenizer(lexicon.dictionary, lexicon.stopwords, reference=True)  # jieba itself
    docs = [p for a in load_articles(corpus) for p in a.paragraphs]
    titles = [a.title for a in load_articles(corpus) for _ in a.paragraphs]
    bm25 = MonotoneBM25([tokenize(f"{t} {p.section} {p.text}") for t, p in zip(titles, docs, strict=True)],
                        k1=1.2, b=0.75)
    build_s, build_wall_s = cpu_s() - before, time.perf_counter() - t

    def ask(q: str) -> int:
        scores = bm25.get_scores(tokenize(q))
        return int(np.argsort(-scores, kind="stable")[0])

    out = {"build_s": build_s, "build_wall_s": build_wall_s, "load_s": build_s, "load_wall_s": build_wall_s,
           **timed_questions(ask, asked, pasted)}
    out.update(hits(clauses, [docs[ask(c)].text for c in clauses]))
    out["rss"] = peak_rss_mb()
    return out


def child(args: argparse.Namespace) -> dict:
    corpus = Path(args.corpus)
    if args.child == "build":
        return run_engine_build(corpus)
    if args.child == "ask":
        return run_engine_ask(corpus, args.probes, args.seed)
    return run_reference(corpus, args.probes, args.seed)


def in_process(kind: str, corpus: Path, args: argparse.Namespace) -> dict:
    cmd = [sys.executable, __file__, "--child", kind, "--corpus", str(corpus), "--probes", str(args.probes),
           "--seed", str(args.seed)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if proc.returncode:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"{kind} at {corpus} failed")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--reference-max", type=int, default=100_000, help="largest size the rank-bm25 path runs at")
    ap.add_argument("--probes", type=int, default=100, help="clauses asked to measure hit@1 on the synthetic text")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workdir", default="/tmp/bot-scale")
    ap.add_argument("--child", choices=["build", "ask", "reference"], help=argparse.SUPPRESS)
    ap.add_argument("--corpus", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(child(args)))
        return 0

    rows = []
    for size in args.sizes:
        t = time.perf_counter()
        corpus = make_corpus(size, Path(args.workdir) / str(size), args.seed)
        print(f"{size} paragraphs: corpus ready in {time.perf_counter() - t:.0f} s ({corpus})", file=sys.stderr)
        engine = {**in_process("build", corpus, args), **in_process("ask", corpus, args)}
        print(f"  engine: {json.dumps(engine)}", file=sys.stderr)
        ref = in_process("reference", corpus, args) if size <= args.reference_max else None
        if ref:
            print(f"  rank-bm25: {json.dumps(ref)}", file=sys.stderr)
        rows.append((size, engine, ref))

    print("| paragraphs | path | build s CPU (wall) | load s CPU (wall) "
          "| query p50 / p95 / max ms | pasted 500 chars ms | index on disk | peak RSS build / serve "
          "| hit@1 on clauses (as written / figures aside) |")
    print("|---|---|---|---|---|---|---|---|---|")
    for size, e, r in rows:
        print(f"| {size:,} | engine | {e['build_s']:.1f} ({e['build_wall_s']:.0f}) | {e['load_s']:.2f} "
              f"({e['load_wall_s']:.1f}) | {e['p50']:.2f} / {e['p95']:.2f} / "
              f"{e['max']:.1f} | {e['pasted']:.1f} | {e['size_mb']:.0f} MB | {e['build_rss']:.0f} / {e['rss']:.0f} MB "
              f"| {e['hit1']:.2f} / {e['hit1_text']:.2f} |")
        if r:
            print(f"| {size:,} | rank-bm25 | {r['build_s']:.1f} ({r['build_wall_s']:.0f}) | {r['load_s']:.1f} | "
                  f"{r['p50']:.1f} / {r['p95']:.1f} / {r['max']:.1f} | {r['pasted']:.0f} | — | {r['rss']:.0f} MB "
                  f"| {r['hit1']:.2f} / {r['hit1_text']:.2f} |")
            print(f"| {size:,} | ratio rank-bm25 / engine | {r['build_s'] / e['build_s']:.1f}× | "
                  f"{r['load_s'] / e['load_s']:.0f}× | {r['p50'] / e['p50']:.0f}× / {r['p95'] / e['p95']:.0f}× / "
                  f"{r['max'] / e['max']:.0f}× | {r['pasted'] / e['pasted']:.0f}× | | "
                  f"{r['rss'] / max(e['build_rss'], e['rss']):.1f}× | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
