"""Start-up time, per-question latency and memory of the answering core.

    python benchmarks/speed.py [--rounds 20] [--starts 5]

Start-up is measured twice: loading the engine inside this process, and a whole
`python -m bot ask` run in a fresh interpreter (what a script calling the CLI
pays). Beside it, the floor no start-up can go below with the project's fixed
dependencies: a fresh interpreter that only imports numpy (rank-bm25 and the
index need it), pydantic-settings (the one Settings class) and sqlite3 (jieba's
dictionary is read from a file, bot/dictionary.py), and does nothing else; and
what loading jieba's whole dictionary into rjieba would add to that, as every
start did before the dictionary was read lazily.
Latency is `Engine.ask` over the questions of benchmarks/own_qa.jsonl, repeated.
Memory is the process's peak resident set size.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


FLOOR = "import numpy, pydantic_settings, sqlite3"
WHOLE_DICTIONARY = FLOOR + ", rjieba"  # importing rjieba loads its whole dictionary once


def timed_process(argv: list[str], runs: int) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds (user + system) of `python ARGV` in fresh interpreters, from the project root."""
    # One OpenBLAS thread, as `python -m bot` sets it (bot/__main__.py), so the floor is measured alike; and
    # compiled modules cached as any install has them (a run first writes them, even where the environment
    # says PYTHONDONTWRITEBYTECODE: compiling the project's modules from source adds ≈ 0.05 s to every start).
    env = {**os.environ, "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS", "1")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    subprocess.run([sys.executable, *argv], cwd=ROOT, capture_output=True, check=True, env=env)
    walls, cpus = [], []
    for _ in range(runs):
        t, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([sys.executable, *argv], cwd=ROOT, capture_output=True, check=True, env=env)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        walls.append(time.perf_counter() - t)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return walls, cpus


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--starts", type=int, default=5, help="fresh processes timed for the end-to-end figures")
    args = ap.parse_args()

    t0, c0 = time.perf_counter(), time.process_time()
    from bot.engine import Engine

    engine = Engine.load(ROOT / "corpus")
    load_s, load_cpu = time.perf_counter() - t0, time.process_time() - c0
    rss_after_load = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    own = (ROOT / "benchmarks" / "own_qa.jsonl").read_text("utf-8").splitlines()
    questions = [json.loads(line)["q"] for line in own]
    latencies, cpu = [], []
    for _ in range(args.rounds):
        for q in questions:
            t, c = time.perf_counter(), time.thread_time()
            engine.ask(q)
            latencies.append((time.perf_counter() - t) * 1000)
            cpu.append((time.thread_time() - c) * 1000)
    rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    cli, cli_cpu = timed_process(["-m", "bot", "ask", questions[0], "--json"], args.starts)
    floor, floor_cpu = timed_process(["-c", FLOOR], args.starts)
    whole, whole_cpu = timed_process(["-c", WHOLE_DICTIONARY], args.starts)

    # CPU time beside wall time: on a shared machine the wall clock also counts other processes' work.
    print(f"engine load (in process):       {load_s:.2f} s wall, {load_cpu:.2f} s CPU")
    print(f"`python -m bot ask` end to end: {statistics.median(cli):.2f} s wall (min {min(cli):.2f}), "
          f"{statistics.median(cli_cpu):.2f} s CPU (median of {args.starts})")
    print(f"floor (numpy + pydantic-settings + sqlite3, nothing else): {statistics.median(floor):.2f} s "
          f"wall (min {min(floor):.2f}), {statistics.median(floor_cpu):.2f} s CPU")
    print(f"  the same with rjieba's whole dictionary loaded: {statistics.median(whole):.2f} s "
          f"wall (min {min(whole):.2f}), {statistics.median(whole_cpu):.2f} s CPU")
    print(f"ask latency over {len(latencies)} questions: median {statistics.median(latencies):.2f} ms, "
          f"p95 {percentile(latencies, 95):.2f} ms, max {max(latencies):.1f} ms wall; "
          f"CPU median {statistics.median(cpu):.2f} ms, p95 {percentile(cpu, 95):.2f} ms")
    print(f"peak RSS: {rss_after_load:.0f} MB after load, {rss_peak:.0f} MB after the questions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
