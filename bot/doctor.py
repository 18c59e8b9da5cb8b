"""`python -m bot doctor`: everything that can stop `serve`, checked before serving.

Each check gives one line, ✔ or ✘, and for a ✘ the fix. Checks read the configuration
and the corpus; the only call out is `getMe` (and `getWebhookInfo`) to the configured
Bot API, with a short time-out. The token is never printed. The exit status is
non-zero when something would stop `serve`; a stale corpus is reported but does not stop it.
Also here: what `make run` prints about where things are (`where_lines`).
"""

from __future__ import annotations

import asyncio
import hashlib
import importlib.metadata
import json
import logging
import re
import sys
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlparse

from pydantic import SecretStr

from bot import render
from bot.settings import Settings

DISTRIBUTION = "yuanqu-dangjian-bot"
API_TIMEOUT = 5.0
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


@dataclass(frozen=True)
class Check:
    ok: bool
    text: str
    fix: str = ""
    stops_serve: bool = True  # for a failed check: would `serve` stop on it


@dataclass(frozen=True)
class CorpusInfo:
    articles: int
    paragraphs: int
    parks: int
    version: str  # the first hex digits of articles.json's SHA-256: changes with every rebuild that changes it


def corpus_info(corpus_dir: Path) -> CorpusInfo:
    """Counts from the built files; cheap (no index), so `make run` can print them before loading."""
    from bot.ingest import ARTICLES_FILE
    from bot.parks import BUILT_FILE

    raw = (corpus_dir / ARTICLES_FILE).read_bytes()
    articles = json.loads(raw)
    parks = json.loads((corpus_dir / BUILT_FILE).read_text(encoding="utf-8"))
    return CorpusInfo(len(articles), sum(len(a.get("paragraphs", [])) for a in articles), len(parks),
                      hashlib.sha256(raw).hexdigest()[:8])


def changed_settings(settings: Settings) -> dict[str, str]:
    """Settings that differ from their defaults, as NAME → value to show: secrets only as set, URLs without paths."""
    changed = {}
    for name, field in Settings.model_fields.items():
        value = getattr(settings, name)
        if value == field.get_default(call_default_factory=True):
            continue
        if isinstance(value, SecretStr):
            shown = render.SECRET_SET
        elif name.endswith("_url") and isinstance(value, str):
            shown = _without_path(value)
        elif isinstance(value, list):
            shown = ",".join(map(str, value))
        else:
            shown = str(value)
        changed[name.upper()] = shown
    return changed


def _without_path(url: str) -> str:
    """A webhook path is often a secret of its own; the scheme and host say where."""
    parts = urlparse(url)
    return f"{parts.scheme}://{parts.netloc}/…" if parts.path.strip("/") else url


def env_file() -> Path | None:
    """The .env Settings reads: the one in the current directory, if there is one."""
    path = Path(".env")  # Settings' env_file, relative to the current directory
    return path.resolve() if path.is_file() else None


def mode(settings: Settings) -> str:
    token = settings.telegram_bot_token.get_secret_value().strip() if settings.telegram_bot_token else ""
    if not token:
        return "console"
    return "webhook" if settings.telegram_webhook_url else "polling"


def where_lines(settings: Settings) -> list[str]:
    """What `make run` prints first: the corpus and its version, the mode, the settings changed (no secrets)."""
    try:
        info: CorpusInfo | None = corpus_info(settings.corpus_dir)
    except (OSError, ValueError):
        info = None
    return render.where(settings, mode(settings), info, changed_settings(settings), env_file())


# -- the checks -----------------------------------------------------------------------------------


def checks(settings: Settings | None, settings_problem: str = "", api_timeout: float = API_TIMEOUT) -> list[Check]:
    """Every check in order; those that need settings are skipped when the settings do not load."""
    found = [_python(), _packages(), _settings(settings_problem)]
    if settings is None:
        return found
    found += [_log_level(settings), *_corpus(settings), _dictionary()]
    token = _token(settings)
    found.append(token)
    if token.ok:
        found += _api(settings, api_timeout)
    else:
        found.append(_webhook_settings(settings))
    return found


def _python() -> Check:
    version = ".".join(map(str, sys.version_info[:3]))
    ok = sys.version_info >= (3, 11)
    return Check(ok, render.doctor_python(version, sys.executable, ok), "" if ok else render.FIX_PYTHON)


def _packages() -> Check:
    try:
        required = importlib.metadata.requires(DISTRIBUTION) or []
    except importlib.metadata.PackageNotFoundError:
        return Check(False, render.doctor_not_installed(sys.executable), render.FIX_SETUP)
    missing = []
    for requirement in required:
        if "extra ==" in requirement:
            continue
        name = re.match(r"[A-Za-z0-9_.-]+", requirement)
        try:
            importlib.metadata.version(name.group() if name else requirement)
        except importlib.metadata.PackageNotFoundError:
            missing.append(name.group() if name else requirement)
    if missing:
        return Check(False, render.doctor_missing_packages(missing), render.FIX_SETUP)
    return Check(True, render.doctor_packages(len(required) - sum("extra ==" in r for r in required)))


def _settings(problem: str) -> Check:
    if problem:
        return Check(False, render.doctor_bad_settings(problem), render.FIX_SETTINGS)
    return Check(True, render.doctor_settings(env_file()))


def _log_level(settings: Settings) -> Check:
    ok = settings.log_level.upper() in LOG_LEVELS
    return Check(ok, render.doctor_log_level(settings.log_level, ok), "" if ok else render.FIX_LOG_LEVEL)


def _corpus(settings: Settings) -> list[Check]:
    """Present (the built files load), and current (a build now would write the same files)."""
    try:
        info = corpus_info(settings.corpus_dir)
    except FileNotFoundError as err:
        return [Check(False, render.doctor_no_corpus(err.filename), render.FIX_BUILD)]
    except (OSError, ValueError) as err:
        return [Check(False, render.doctor_bad_corpus(settings.corpus_dir, str(err)), render.FIX_BUILD)]
    present = Check(True, render.doctor_corpus(settings.corpus_dir, info))
    index = _index(settings.corpus_dir)
    if not index.ok:
        return [present, index]
    stale = _stale_files(settings.seeds_dir, settings.corpus_dir, *_stamp(settings.seeds_dir, settings.corpus_dir))
    if stale is None:
        return [present, index, Check(True, render.doctor_corpus_current(settings.seeds_dir))]
    if isinstance(stale, str):
        return [present, index, Check(False, stale, render.FIX_SEEDS, stops_serve=False)]
    return [present, index, Check(False, render.doctor_corpus_stale(stale), render.FIX_BUILD, stops_serve=False)]


class _Warnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _index(corpus_dir: Path) -> Check:
    """The engine loads as `serve` loads it; the saved search index is used, or built and saved now (said so)."""
    from bot.engine import INDEX_DIR, Engine

    warnings = _Warnings()
    logger = logging.getLogger("bot.index")
    logger.addHandler(warnings)
    started = time.perf_counter()
    try:
        engine = Engine.load(corpus_dir)
    except Exception as err:  # noqa: BLE001 - whatever stops the engine loading stops serve: one line, not a traceback
        return Check(False, render.doctor_no_index(f"{type(err).__name__}: {err}"), render.FIX_BUILD)
    finally:
        logger.removeHandler(warnings)
    built = any("building" in m or "unreadable" in m for m in warnings.messages)
    return Check(True, render.doctor_index(corpus_dir / INDEX_DIR, len(engine.docs), built,
                                           time.perf_counter() - started))


def _dictionary() -> Check:
    """jieba's dictionary file (bot/dictionary.py): without it every start loads the whole dictionary."""
    from bot.cache import CACHE_DIR
    from bot.dictionary import dictionary

    found = dictionary()
    if found is None:
        return Check(False, render.doctor_no_dictionary(CACHE_DIR), render.fix_dictionary(CACHE_DIR),
                     stops_serve=False)
    return Check(True, render.doctor_dictionary(found.path, found.path.stat().st_size))


def _stamp(seeds_dir: Path, corpus_dir: Path) -> tuple[tuple[str, int, int], ...]:
    """Names, sizes and times of the inputs and outputs: the comparison is redone only when one changes."""
    paths = sorted([*seeds_dir.glob("*"), *corpus_dir.glob("*.json"), *corpus_dir.glob("*.toml")])
    return tuple((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in paths if p.is_file())


@lru_cache(maxsize=4)
def _stale_files(seeds_dir: Path, corpus_dir: Path, *stamp: tuple[str, int, int]) -> list[str] | str | None:
    """The corpus files a build would change; a sentence when the seeds cannot be built; None when current."""
    from bot.ingest import SeedError, corpus_files

    try:
        outputs, _ = corpus_files(seeds_dir, corpus_dir)
    except SeedError as err:
        return render.seed_error(err)
    return [name for name, text in outputs.items()
            if not (corpus_dir / name).is_file() or (corpus_dir / name).read_text(encoding="utf-8") != text] or None


def _token(settings: Settings) -> Check:
    from bot.telegram.app import token_problem

    problem = token_problem(settings.telegram_bot_token)
    if problem is None:
        return Check(True, render.DOCTOR_TOKEN_OK)
    missing = not (settings.telegram_bot_token and settings.telegram_bot_token.get_secret_value().strip())
    return Check(False, problem, render.FIX_NO_TOKEN if missing else "")  # the problem says how to fix it


def _api(settings: Settings, timeout: float) -> list[Check]:
    """getMe, then the webhook as Telegram has it; a time-out or refused connection is one line, not a traceback."""
    from telegram import Bot
    from telegram.error import InvalidToken, NetworkError, TelegramError, TimedOut
    from telegram.request import HTTPXRequest

    from bot.telegram.logs import RedactSecrets

    token = settings.telegram_bot_token.get_secret_value().strip() if settings.telegram_bot_token else ""
    base = settings.telegram_api_base_url.rstrip("/")

    async def ask() -> tuple[str, str]:
        request = HTTPXRequest(connect_timeout=timeout, read_timeout=timeout, write_timeout=timeout,
                               pool_timeout=timeout)
        async with Bot(token, base_url=base, request=request) as bot:
            info = await bot.get_webhook_info()
            return bot.username, info.url or ""

    try:
        username, registered = asyncio.run(ask())
    except InvalidToken:
        return [Check(False, render.doctor_token_rejected(base), render.FIX_TOKEN), _webhook_settings(settings)]
    except (TimedOut, NetworkError) as err:
        detail = RedactSecrets([token]).redact(str(err))
        return [Check(False, render.doctor_unreachable(base, detail), render.FIX_NETWORK),
                _webhook_settings(settings)]
    except TelegramError as err:
        detail = RedactSecrets([token]).redact(str(err))
        return [Check(False, render.doctor_api_error(base, detail), render.FIX_NETWORK), _webhook_settings(settings)]
    return [Check(True, render.doctor_api(username, base)), _webhook_settings(settings, registered)]


def _webhook_settings(settings: Settings, registered: str | None = None) -> Check:
    """Long polling, or a webhook URL Telegram can call and a port to listen on; `registered` is Telegram's."""
    url = settings.telegram_webhook_url
    if not url:
        return Check(True, render.doctor_polling(bool(registered)))
    parts = urlparse(url)
    official = "api.telegram.org" in settings.telegram_api_base_url
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return Check(False, render.doctor_webhook_bad_url(_without_path(url)), render.FIX_WEBHOOK)
    if official and parts.scheme != "https":
        return Check(False, render.doctor_webhook_not_https(_without_path(url)), render.FIX_WEBHOOK)
    if not 0 < settings.telegram_webhook_port < 65536:
        return Check(False, render.doctor_webhook_bad_port(settings.telegram_webhook_port), render.FIX_WEBHOOK)
    same = registered is None or registered == url
    return Check(True, render.doctor_webhook(_without_path(url), settings.telegram_webhook_listen,
                                             settings.telegram_webhook_port, same))


def report(found: list[Check]) -> tuple[list[str], int]:
    """The lines to print and the exit status: 1 when a failed check would stop `serve`."""
    lines = [render.doctor_line(c.ok, c.text, c.fix) for c in found]
    return lines, int(any(not c.ok and c.stops_serve for c in found))
