"""The one place configuration comes from: environment variables and `.env`."""

from __future__ import annotations

from datetime import time
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str = "https://api.telegram.org/bot"
    telegram_webhook_url: str | None = None
    telegram_webhook_listen: str = "0.0.0.0"
    telegram_webhook_port: int = 8443
    # Seconds to wait for Telegram's answer to a call; a sendMessage unanswered for twice this is taken as lost.
    telegram_read_timeout: float = Field(default=10.0, gt=0, le=120)
    admin_user_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    top_k: int = Field(default=3, ge=1, le=10)
    rate_limit_per_minute: int = Field(default=20, ge=1)
    # A follow-up (「那徐州呢？」) is read against the previous question for this long after it; 0: never.
    context_minutes: float = Field(default=10.0, ge=0)
    log_level: str = "INFO"
    seeds_dir: Path = ROOT / "seeds"
    corpus_dir: Path = ROOT / "corpus"
    # The record of questions and votes (bot/store.py); the salt lives beside it, in the same folder.
    record_questions: bool = True
    database_path: Path = ROOT / "data" / "questions.db"
    retention_days: int = Field(default=180, ge=1)
    daily_report_time: time | None = None  # local time of the admins' daily summary; None: no summary

    @field_validator("admin_user_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        """`ADMIN_USER_IDS=1,2` in the environment; a list when built in code."""
        if isinstance(value, str):
            return [int(part) for part in value.replace(" ", "").split(",") if part]
        if isinstance(value, int):
            return [value]
        return value

    @field_validator("database_path")
    @classmethod
    def _under_root(cls, value: Path) -> Path:
        """A relative DATABASE_PATH is relative to the project, wherever the bot is started from."""
        return value if value.is_absolute() else ROOT / value

    @field_validator("daily_report_time", mode="before")
    @classmethod
    def _empty_is_off(cls, value: object) -> object:
        """`DAILY_REPORT_TIME=` (as in .env.example) means no daily summary."""
        return None if isinstance(value, str) and not value.strip() else value
