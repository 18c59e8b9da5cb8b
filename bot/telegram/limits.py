"""Per-user rate limit, so one user asking in a loop cannot slow the bot for everyone."""

from __future__ import annotations

import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable


class RateLimit:
    """At most `per_minute` requests per user in any 60 seconds; admins are never limited."""

    def __init__(self, per_minute: int, exempt: Iterable[int] = (), window: float = 60.0,
                 clock: Callable[[], float] = time.monotonic):
        self.per_minute, self.exempt, self.window, self.clock = per_minute, set(exempt), window, clock
        self._hits: dict[int, deque[float]] = defaultdict(deque)
        self._warned: set[int] = set()

    def allow(self, user_id: int) -> bool:
        if user_id in self.exempt:
            return True
        now = self.clock()
        hits = self._hits[user_id]
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        if len(hits) >= self.per_minute:
            return False
        hits.append(now)
        self._warned.discard(user_id)
        return True

    def first_refusal(self, user_id: int) -> bool:
        """True once per run of refusals: the user is told to slow down once, not once per message."""
        if user_id in self._warned:
            return False
        self._warned.add(user_id)
        return True


class Alerts:
    """Admins hear of each kind of error at most once per `interval` seconds, with how often it happened since
    the last report: a flaky network would otherwise send them a message per failed poll."""

    def __init__(self, interval: float = 600.0, clock: Callable[[], float] = time.monotonic):
        self.interval, self.clock = interval, clock
        self._last: dict[str, float] = {}
        self._count: dict[str, int] = defaultdict(int)

    def due(self, kind: str) -> int | None:
        """Count one error of `kind`; the number to report (this one included) if a report is due, else None."""
        self._count[kind] += 1
        now = self.clock()
        last = self._last.get(kind)
        if last is not None and now - last < self.interval:
            return None
        self._last[kind] = now
        return self._count.pop(kind)
