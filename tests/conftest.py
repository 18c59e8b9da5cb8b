"""Shared fixtures: the real engine over the committed corpus, loaded once."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from bot.discover import Found
from bot.engine import Engine
from bot.lexicon import Lexicon
from bot.parks import REGISTRY_FILE, Registry, read_registry
from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SEEDS = ROOT / "seeds"


@cache
def corpus_lexicon() -> Lexicon:
    """The committed corpus's word lists and tokenizer, as the engine and the build load them."""
    return Lexicon.load(CORPUS)


def corpus_registry() -> Registry:
    """The committed registry as the build uses it: parks.toml and the parks found in articles (parks_found.toml)."""
    parks = read_registry(CORPUS / REGISTRY_FILE) + Found.read(CORPUS).parks
    return Registry(parks, corpus_lexicon().tokenizer)


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
