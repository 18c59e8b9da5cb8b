"""Does every question get exactly one reply when the network and Telegram misbehave?

Runs `python -m bot serve` as its own process against the fake Bot API server
(tests/fakebot.py), which draws a fault for each sendMessage call from a mix:
a 429 with retry_after, a 500, a connection closed or a reply held past the
bot's read time-out — the last two before or after the message was stored,
since only after storing does a resend make a duplicate. 30 chats ask 4
different questions each, one after another (the next once the previous got a
reply), all chats at once. When everything has settled, each question is
classified from the messages the chat holds:

  answered        its answer is there
  duplicates      copies of an answer, or apologies, beyond the first
  silent          neither its answer nor an apology
  false apologies an apology although its answer is there
  apologies       an apology and no answer (the honest outcome when delivery failed)

and the latency from the question to its first reply (answer or apology).

    .venv/bin/python benchmarks/faults.py [--chats 30] [--per-chat 4] [--seed 1] [--mix issue ...]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
import signal
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from telegram_latency import QUESTIONS  # noqa: E402  (the same questions as the latency benchmark, beside this file)

from bot.telegram.views import SORRY  # noqa: E402
from tests.fakebot import TOKEN, FakeBotApi, Fault, Json, fault  # noqa: E402

READ_TIMEOUT = 1.5  # the bot's TELEGRAM_READ_TIMEOUT here; held replies last longer than this

# Each mix: (probability, fault) for a sendMessage call; the rest go through.
TOO_MANY = fault(retry_after=1)
SERVER_ERROR = fault(status=500, description="Internal Server Error")
DROP_BEFORE = fault(drop=True)
DROP_AFTER = fault(drop=True, stored="first")
SLOW_BEFORE = fault(delay=READ_TIMEOUT * 1.5, stored="late")  # stored after the bot gave up waiting
SLOW_AFTER = fault(delay=READ_TIMEOUT * 2, stored="first")  # stored at once, the reply held past the time-out
MIXES: dict[str, list[tuple[float, Fault]]] = {
    "none": [],
    "issue": [(0.20, TOO_MANY), (0.05, SERVER_ERROR), (0.05, SLOW_AFTER)],
    "drop-before": [(0.25, DROP_BEFORE)],
    "drop-after": [(0.25, DROP_AFTER)],
    "slow": [(0.10, SLOW_BEFORE), (0.10, SLOW_AFTER)],
    "all-slow": [(1.00, SLOW_AFTER)],
    "everything": [(0.10, TOO_MANY), (0.05, SERVER_ERROR), (0.05, DROP_BEFORE), (0.05, DROP_AFTER),
                   (0.05, SLOW_BEFORE), (0.05, SLOW_AFTER)],
}
DESCRIPTIONS = {
    "none": "no faults",
    "issue": "20 % 429, 5 % 500, 5 % slow after storing",
    "drop-before": "25 % connections closed before storing",
    "drop-after": "25 % connections closed after storing",
    "slow": "10 % slow before storing, 10 % slow after",
    "all-slow": "every sendMessage slow after storing",
    "everything": "10 % 429, 5 % each: 500, closed before/after, slow before/after",
}


@dataclass
class Outcome:
    mix: str
    questions: int = 0
    answered: int = 0
    duplicates: int = 0
    silent: int = 0
    false_apologies: int = 0
    apologies: int = 0
    latencies: list[float] = field(default_factory=list)
    faults: int = 0
    calls: int = 0
    exit_code: int | None = None


def chaos(mix: list[tuple[float, Fault]], rng: random.Random, drawn: list[str]) -> Callable[[str], Fault | None]:
    def draw(method: str) -> Fault | None:
        if method.lower() != "sendmessage":
            return None
        roll = rng.random()
        for probability, chosen in mix:
            if roll < probability:
                drawn.append(method)
                return chosen
            roll -= probability
        return None

    return draw


def chat_messages(fake: FakeBotApi, chat_id: int) -> list[Json]:
    return [m for (chat, _), m in sorted(fake.state.messages.items()) if chat == chat_id]


async def ask_all(fake: FakeBotApi, chats: int, per_chat: int) -> dict[int, list[tuple[str, float, float | None]]]:
    """Each chat asks its questions in turn; returns per chat (question, asked at, first reply at)."""
    async def chat(n: int) -> list[tuple[str, float, float | None]]:
        user = fake.user(50_000 + n)
        asked = []
        for i in range(per_chat):
            question = QUESTIONS[(n + i) % len(QUESTIONS)]
            started = time.perf_counter()
            fake.post_message(fake.private_chat(user), user, question)
            try:
                await fake.next_reply(user["id"], timeout=60)
                asked.append((question, started, time.perf_counter()))
            except TimeoutError:
                asked.append((question, started, None))
        return asked

    results = await asyncio.gather(*(chat(n) for n in range(chats)))
    return {50_000 + n: asked for n, asked in enumerate(results)}


async def run_mix(name: str, args: argparse.Namespace, answers: dict[str, str]) -> Outcome:
    """One bot process, one fake server, one mix; `answers` (question → reply text) is filled by the "none" run."""
    drawn: list[str] = []
    outcome = Outcome(name)
    async with FakeBotApi() as fake:
        fake.chaos = chaos(MIXES[name], random.Random(f"{args.seed}:{name}"), drawn)
        env = {**{k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ADMIN_"))},
               "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": fake.base_url,
               "TELEGRAM_READ_TIMEOUT": str(READ_TIMEOUT), "RATE_LIMIT_PER_MINUTE": "1000",
               "LOG_LEVEL": "ERROR", "PYTHONPATH": str(ROOT)}
        bot = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "serve", cwd=ROOT, env=env,
                                                   stderr=asyncio.subprocess.DEVNULL)
        try:
            warm = fake.user(49_999)  # the bot has started (engine loaded, polling) once it answers this
            fake.post_message(fake.private_chat(warm), warm, QUESTIONS[0])
            await fake.next_reply(warm["id"], timeout=120)
            asked = await ask_all(fake, args.chats, args.per_chat)
            await asyncio.sleep(4 * READ_TIMEOUT + 2)  # late copies, if any, arrive within this
        finally:
            bot.send_signal(signal.SIGTERM)
            outcome.exit_code = await bot.wait()
        outcome.faults, outcome.calls = len(drawn), len(fake.calls_to("sendMessage"))
        for chat_id, questions in asked.items():
            messages = chat_messages(fake, chat_id)
            ids = [m["message_id"] for m in messages if m["from"]["id"] != fake.bot_user["id"]]
            for i, (question, started, first) in enumerate(questions):
                outcome.questions += 1
                if name == "none" and first is not None:
                    mine = [m for m in messages if m["from"]["id"] == fake.bot_user["id"] and ids[i] < m["message_id"]]
                    answers.setdefault(question, mine[0]["text"] if mine else "")
                copies = sum(m["text"] == answers.get(question) for m in messages)
                end = ids[i + 1] if i + 1 < len(ids) else float("inf")
                sorry = sum(m["text"] == SORRY and ids[i] < m["message_id"] < end for m in messages)
                outcome.answered += copies > 0
                outcome.duplicates += max(copies - 1, 0) + max(sorry - 1, 0)
                outcome.silent += copies == 0 and sorry == 0
                outcome.false_apologies += copies > 0 and sorry > 0
                outcome.apologies += copies == 0 and sorry > 0
                if first is not None:
                    outcome.latencies.append(first - started)
    return outcome


def percentile(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(sorted(values), n=100, method="inclusive")[q - 1]


async def main(args: argparse.Namespace) -> int:
    logging.getLogger("tornado.access").setLevel(logging.CRITICAL)  # the fake server's per-request 4xx lines
    answers: dict[str, str] = {}
    mixes = ["none", *[m for m in args.mix if m != "none"]]
    print(f"bot process vs fake Bot API on 127.0.0.1; {args.chats} chats × {args.per_chat} questions per mix; "
          f"read time-out {READ_TIMEOUT} s; faults on sendMessage; seed {args.seed}")
    print("| mix | sendMessage calls (faulted) | answered | duplicates | silent | false apologies | apologies "
          "| latency p50 / p95 | exit |")
    print("|---|---|---|---|---|---|---|---|---|")
    failed = False
    for name in mixes:
        o = await run_mix(name, args, answers)
        print(f"| {DESCRIPTIONS[name]} | {o.calls} ({o.faults}) | {o.answered}/{o.questions} | {o.duplicates} "
              f"| {o.silent} | {o.false_apologies} | {o.apologies} "
              f"| {percentile(o.latencies, 50):.2f} s / {percentile(o.latencies, 95):.2f} s | {o.exit_code} |",
              flush=True)
        failed |= bool(o.duplicates or o.silent or o.false_apologies or o.exit_code)
    return 1 if failed else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=30)
    parser.add_argument("--per-chat", type=int, default=4)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--mix", nargs="*", default=[m for m in MIXES if m != "none"], choices=list(MIXES))
    sys.exit(asyncio.run(main(parser.parse_args())))
