"""Progress of long steps (the corpus build on a large archive): a bar on a terminal, a few plain lines otherwise.

A step is named by a key (`seeds`, `facts`); bot.render says it in words. Plain
lines are at most about ten per step, so a log of a big build stays readable.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from typing import TextIO, TypeVar

T = TypeVar("T")
Steps = Callable[[Sequence[T], str], Iterator[T]]
PLAIN_LINES = 10


def silent(items: Sequence[T], step: str) -> Iterator[T]:
    yield from items


def reporter(stream: TextIO | None = None) -> Steps:
    """Where `make build` shows its progress: tqdm's bar on a terminal, plain lines in a pipe or a log."""
    from bot import render

    out = stream or sys.stderr

    def steps(items: Sequence[T], step: str) -> Iterator[T]:
        what = render.build_step(step)
        if out.isatty():
            from tqdm import tqdm

            yield from tqdm(items, desc=what, file=out, leave=False, unit="")
            return
        total, shown = len(items), 0
        for n, item in enumerate(items, start=1):
            yield item
            if n * PLAIN_LINES // total > shown or n == total:
                shown = n * PLAIN_LINES // total
                out.write(f"{what} {n}/{total}\n")
                out.flush()

    return steps
