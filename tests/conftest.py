"""Shared fixtures: the real engine over the committed corpus, loaded once."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine import Engine

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine.load(CORPUS)


# Telegram: the fake Bot API server and the bot running against it (tests/telegram_fixtures.py).
from tests.telegram_fixtures import alice, bot, fake, group  # noqa: E402, F401
