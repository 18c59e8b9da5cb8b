"""The terminal side of the console chat: line editing, history, and Ctrl-C that only says goodbye.

On a terminal, questions are read with the standard library's readline, so arrow keys
move the cursor instead of typing escape codes, and earlier questions come back with ↑,
also in the next session (a history file under the user's state directory). Piped
input is read line by line, as before.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

HISTORY_LINES = 1000
PROMPT = "> "


def history_file() -> Path:
    """$XDG_STATE_HOME/yuanqu-dangjian-bot/chat_history (~/.local/state/… by default)."""
    state = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "yuanqu-dangjian-bot" / "chat_history"


def is_terminal() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def lines(out: TextIO) -> Iterator[str]:
    """The user's lines until end of input: edited with readline on a terminal, read plainly otherwise."""
    if is_terminal():
        yield from _edited_lines()
        return
    while True:
        out.write(PROMPT)
        out.flush()
        line = sys.stdin.readline()
        if not line:
            out.write("\n")
            return
        yield line


def _edited_lines() -> Iterator[str]:
    try:
        import readline
    except ImportError:  # Windows: input() still works, without history
        readline = None  # type: ignore[assignment]
    path = history_file()
    if readline:
        readline.set_history_length(HISTORY_LINES)
        with contextlib.suppress(OSError):
            readline.read_history_file(path)
    try:
        while True:
            try:
                line = input(PROMPT)
            except EOFError:
                print()
                return
            if readline and line.strip():
                with contextlib.suppress(OSError):
                    path.parent.mkdir(parents=True, exist_ok=True)
                    readline.append_history_file(1, path)
            yield line
    finally:
        if readline:
            with contextlib.suppress(OSError):
                readline.write_history_file(path)  # trims the file to the last HISTORY_LINES


@contextlib.contextmanager
def own_terminal() -> Iterator[None]:
    """Under `make run`, take the terminal for this process alone while the chat runs.

    Ctrl-C goes to the terminal's whole foreground process group: make would get it too
    and print 「make: *** Interrupt」 however quietly the chat ends. In a group of its own
    that is in the foreground, only the chat gets it; the terminal is handed back on exit.
    Run directly from a shell, the chat already leads its own group and nothing changes.
    """
    try:
        fd = sys.stdin.fileno()
        owner = os.tcgetpgrp(fd) if os.isatty(fd) else None
    except (OSError, ValueError):
        owner = None
    if owner is None or owner != os.getpgrp() or os.getpgrp() == os.getpid():
        yield
        return
    ttou = signal.signal(signal.SIGTTOU, signal.SIG_IGN)  # a background group may then set the foreground
    tstp = signal.signal(signal.SIGTSTP, signal.SIG_IGN)  # Ctrl-Z would stop the chat while make waits for it
    try:
        os.setpgid(0, 0)
        os.tcsetpgrp(fd, os.getpgrp())
    except OSError:
        signal.signal(signal.SIGTTOU, ttou)
        signal.signal(signal.SIGTSTP, tstp)
        yield
        return
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            os.tcsetpgrp(fd, owner)
        signal.signal(signal.SIGTTOU, ttou)
        signal.signal(signal.SIGTSTP, tstp)


@contextlib.contextmanager
def threads_leave_ctrl_c_alone() -> Iterator[None]:
    """Threads started inside block SIGINT, so Ctrl-C always reaches the main thread.

    The kernel may hand a process's SIGINT to any thread that does not block it; one of
    numpy's BLAS threads or the question store's writer would take it while the main thread
    sleeps in readline's wait for a key, and Ctrl-C would do nothing. Threads inherit the
    mask they are started with; the main thread's own mask is restored on leaving.
    """
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)
