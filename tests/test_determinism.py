"""The same question gives byte-identical replies in every process, whatever Python's string hash seed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ["两新党组织发展怎么样", "兰州高新区有多少家高新技术企业？", "泸州高新区有哪些产业链？", "明天会下雨吗"]
SCRIPT = """
import json, sys
from bot.engine import Engine
from bot.render import answer_text
from bot.telegram.views import answer_view
engine = Engine.load(sys.argv[1])
for question in sys.argv[2:]:
    answer = engine.ask(question, 9)
    print(answer_text(answer))
    print(answer_view(answer, "0", 0, 3)[0])
    print(json.dumps(answer.terms, ensure_ascii=False))
"""


def replies(hash_seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(ROOT / "corpus"), *QUESTIONS], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=True)
    return done.stdout


def test_replies_are_byte_identical_across_hash_seeds():
    first, *others = [replies(seed) for seed in ("0", "1", "2")]
    assert "<b>" in first
    assert others == [first, first]
