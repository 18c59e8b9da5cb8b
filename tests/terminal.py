"""A program run on a pseudo-terminal (the standard library's pty), as a person at a keyboard runs it.

What only a terminal shows — readline's line editing, Ctrl-C sent by the terminal to
the foreground process group — needs a real terminal, not a pipe.
"""

from __future__ import annotations

import os
import pty
import select
import signal
import time
from collections.abc import Sequence
from pathlib import Path

UP, LEFT, CTRL_C, CTRL_D = "\x1b[A", "\x1b[D", "\x03", "\x04"


class Terminal:
    def __init__(self, argv: Sequence[str], cwd: Path, env: dict[str, str]):
        self.output = b""
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: a new session whose controlling terminal is the pty
            # Ctrl-C as a person's shell delivers it: an ignored or blocked SIGINT in the test process (left by
            # another test) would be inherited through exec, and the program would never see the key.
            signal.pthread_sigmask(signal.SIG_SETMASK, [])
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            os.chdir(cwd)
            os.execvpe(argv[0], list(argv), env)

    def type(self, keys: str) -> None:
        os.write(self.fd, keys.encode())

    def text(self) -> str:
        return self.output.decode("utf-8", errors="replace")

    def wait_for(self, expected: str, count: int = 1, timeout: float = 60) -> str:
        """Read until `expected` has appeared `count` times in everything shown so far."""
        end = time.monotonic() + timeout
        while self.text().count(expected) < count:
            if time.monotonic() > end or not self._read(end - time.monotonic()):
                raise AssertionError(f"never saw {expected!r} ×{count}; the screen:\n{self.text()}")
        return self.text()

    def wait_for_prompt_after(self, expected: str, count: int = 1, prompt: str = "\n> ", timeout: float = 60) -> None:
        """Read until `expected` has appeared `count` times and the prompt follows it: the program waits for keys.

        A prompt redrawn while a line is edited (↑ reprints it) does not count: only one after the reply.
        """
        end = time.monotonic() + timeout
        self.wait_for(expected, count, timeout)
        while prompt not in self.text().rsplit(expected, 1)[1]:
            if time.monotonic() > end or not self._read(end - time.monotonic()):
                raise AssertionError(f"no prompt after {expected!r}; the screen:\n{self.text()}")
        time.sleep(0.2)  # readline is then waiting for a key

    def finish(self, timeout: float = 30) -> int:
        """Read to the end and return the exit status (a signal's death as its negative number)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end and self._read(end - time.monotonic()):
            pass
        for _ in range(int(timeout * 10)):
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                os.close(self.fd)
                return os.waitstatus_to_exitcode(status)
            time.sleep(0.1)
        os.kill(self.pid, 9)
        raise AssertionError(f"still running; the screen:\n{self.text()}")

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], max(timeout, 0))
        if not ready:
            return False
        try:
            chunk = os.read(self.fd, 4096)
        except OSError:  # the child has gone and closed the terminal
            return False
        self.output += chunk
        return bool(chunk)
