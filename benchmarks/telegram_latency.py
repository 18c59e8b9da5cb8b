"""Latency from a user's message to the bot's reply, through HTTP, as a user would feel it.

Runs `python -m bot serve` as a separate process against the fake Bot API
server (tests/fakebot.py) on 127.0.0.1 and measures, for each question, the
time from the moment the message is queued for the bot (as if the user had
just pressed send) to the moment the bot's sendMessage reaches the server:
long-polling delivery, the engine, rendering and the HTTP reply.

Two loads: one chat asking questions one after another, and many chats at
once (each waiting for its answer before asking the next question).

Each load runs with the question record off and on (RECORD_QUESTIONS, a
temporary DATABASE_PATH), in alternating rounds of a fresh bot process, so
the difference is what recording adds. The cost recording puts on the
answer's own path — `Store.record`, which only queues the row for the
writer thread — is also timed directly, while that thread is busy writing.

    .venv/bin/python benchmarks/telegram_latency.py [--single 100] [--chats 50] [--per-chat 10] [--rounds 2]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.engine import Engine  # noqa: E402
from bot.store import Store  # noqa: E402
from tests.fakebot import TOKEN, FakeBotApi  # noqa: E402

QUESTIONS = [
    "兰州高新区有多少家高新技术企业？",
    "泸州高新区有哪些产业链？",
    "贵阳高新区如何发展数字经济？",
    "昆山高新区怎样开展党建工作？",
    "兰州新区的产业集群有哪些？",
    "夏河县怎样以党建引领产业发展？",
    "徐州高新区的红色引擎是什么？",
    "今天天气怎么样？",
]


async def ask(fake: FakeBotApi, user_id: int, question: str) -> float:
    user = fake.user(user_id)
    started = time.perf_counter()
    fake.post_message(fake.private_chat(user), user, question)
    await fake.next_reply(user_id, timeout=60)
    return time.perf_counter() - started


async def one_chat(fake: FakeBotApi, count: int) -> list[float]:
    return [await ask(fake, 10_000, QUESTIONS[i % len(QUESTIONS)]) for i in range(count)]


async def many_chats(fake: FakeBotApi, chats: int, per_chat: int) -> tuple[list[float], float]:
    async def chat(n: int) -> list[float]:
        return [await ask(fake, 20_000 + n, QUESTIONS[(n + i) % len(QUESTIONS)]) for i in range(per_chat)]

    started = time.perf_counter()
    samples = await asyncio.gather(*(chat(n) for n in range(chats)))
    return [s for chat_samples in samples for s in chat_samples], time.perf_counter() - started


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100)[94] if len(samples) >= 2 else samples[0]


def summary(label: str, samples: list[float], wall: float | None = None) -> str:
    ms = sorted(s * 1000 for s in samples)
    line = (f"{label:<32} n={len(ms):<4} median {statistics.median(ms):6.1f} ms  p95 {p95(ms):6.1f} ms  "
            f"max {ms[-1]:6.1f} ms")
    if wall:
        line += f"   {len(ms) / wall:6.1f} replies/s"
    return line


async def one_round(args: argparse.Namespace, record: bool, folder: Path) -> tuple[list[float], list[float], float]:
    """A fresh bot process, recording or not: warm-up, one chat, then many chats at once."""
    async with FakeBotApi() as fake:
        env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": fake.base_url,
               "RATE_LIMIT_PER_MINUTE": "1000000", "LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT),
               "RECORD_QUESTIONS": str(record).lower(), "DATABASE_PATH": str(folder / "questions.db")}
        env.pop("TELEGRAM_WEBHOOK_URL", None)
        bot = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "serve", cwd=ROOT, env=env)
        try:
            await one_chat(fake, 5)  # warm-up: start-up, first connections, first engine calls
            single = await one_chat(fake, args.single)
            concurrent, wall = await many_chats(fake, args.chats, args.per_chat)
        finally:
            bot.send_signal(signal.SIGTERM)
            await bot.wait()
    return single, concurrent, wall


def record_cost(folder: Path, count: int = 5_000) -> list[float]:
    """Seconds per `Store.record` call (what an answer waits for), the writer thread writing meanwhile.

    A tight loop, far faster than any chat load (the bot answers ~70 questions a second at most here),
    but under the store's cap on waiting writes, which would otherwise turn recording off for a moment.
    """
    engine = Engine.load(ROOT / "corpus")
    answers = [engine.ask(q, 9) for q in QUESTIONS]
    store = Store(folder / "direct.db")
    samples = []
    for i in range(count):
        started = time.perf_counter()
        store.record("private", answers[i % len(answers)], 12.3, user_id=20_000 + i % 50, chat_id=20_000 + i % 50)
        samples.append(time.perf_counter() - started)
    store.close()
    return samples


async def main(args: argparse.Namespace) -> int:
    folder = Path(tempfile.mkdtemp(prefix="latency-bench-"))
    results: dict[bool, tuple[list[float], list[float], float]] = {False: ([], [], 0.0), True: ([], [], 0.0)}
    for _ in range(args.rounds):
        for record in (False, True):
            single, concurrent, wall = await one_round(args, record, folder)
            kept = results[record]
            results[record] = (kept[0] + single, kept[1] + concurrent, kept[2] + wall)
    print(f"bot process vs fake Bot API on 127.0.0.1 ({os.cpu_count()} CPUs, Python {sys.version.split()[0]}), "
          f"{args.rounds} alternating rounds per setting")
    for record in (False, True):
        single, concurrent, wall = results[record]
        label = "recording on " if record else "recording off"
        print(summary(f"{label}: 1 chat, sequential", single))
        print(summary(f"{label}: {args.chats} chats, concurrent", concurrent, wall))
    added = (p95(results[True][1]) - p95(results[False][1])) * 1000
    print(f"p95 added by recording at {args.chats} concurrent chats: {added:+.1f} ms (end to end, includes run-to-run "
          "noise)")
    direct = sorted(s * 1e6 for s in record_cost(folder))
    print(f"Store.record on the answer's path: median {statistics.median(direct):.1f} µs, p95 {p95(direct):.1f} µs, "
          f"max {direct[-1]:.0f} µs over {len(direct)} calls")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--single", type=int, default=100, help="questions asked in one chat, one after another")
    parser.add_argument("--chats", type=int, default=50, help="chats asking at the same time")
    parser.add_argument("--per-chat", type=int, default=10, help="questions each of those chats asks")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of each setting (off, on, off, on, …)")
    sys.exit(asyncio.run(main(parser.parse_args())))
