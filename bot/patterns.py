"""Regular expressions compiled on first use, for the patterns most runs never use.

`re` compiles a class over a Chinese character range by marking each of its
characters in a 65,536-entry map, so such a pattern costs 0.5–1.5 ms to compile, and
compiling every module-level pattern took ≈ 25 ms of each `python -m bot ask`. The
modules a question needs also hold the build's patterns (reading a seed's bylines and
dates, extracting the figures) and some only rarer questions use; those are declared
with `lazy` and compiled the first time they are used. The patterns every question
uses stay plain `re.compile`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import cached_property
from typing import Any


class LazyPattern:
    """The methods of `re.Pattern` the build uses, compiling the pattern at the first call."""

    def __init__(self, pattern: str, flags: int = 0):
        self._source = pattern
        self._flags = flags

    @cached_property
    def compiled(self) -> re.Pattern[str]:
        return re.compile(self._source, self._flags)

    def search(self, string: str) -> re.Match[str] | None:
        return self.compiled.search(string)

    def match(self, string: str) -> re.Match[str] | None:
        return self.compiled.match(string)

    def fullmatch(self, string: str) -> re.Match[str] | None:
        return self.compiled.fullmatch(string)

    def finditer(self, string: str) -> Iterator[re.Match[str]]:
        return self.compiled.finditer(string)

    def findall(self, string: str) -> list[Any]:
        return self.compiled.findall(string)

    def sub(self, repl: str | Callable[[re.Match[str]], str], string: str, count: int = 0) -> str:
        return self.compiled.sub(repl, string, count)


def lazy(pattern: str, flags: int = 0) -> LazyPattern:
    return LazyPattern(pattern, flags)
