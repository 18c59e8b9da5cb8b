"""Shared fixtures: the real engine over the committed corpus, loaded once."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine import Engine
from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def engine() -> Engine:
    return Engine.load(CORPUS)


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    """An in-process `main(argv, out)` sees only the settings its test sets: no developer's .env, no variables."""
    monkeypatch.chdir(tmp_path)
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "questions.db"))  # never the repository's record
    return monkeypatch


# Telegram: the fake Bot API server and the bot running against it (tests/telegram_fixtures.py).
from tests.telegram_fixtures import alice, bot, fake, group  # noqa: E402, F401
