"""Building and running the Telegram Application.

`serve` is the process entry point (`python -m bot serve`): it checks the
token before anything else, so a missing or mistyped token is one clear line
instead of a traceback, and it lets PTB handle SIGINT/SIGTERM for a clean stop.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import re
import sys
from urllib.parse import urlparse

from pydantic import SecretStr
from telegram import Bot, BotCommand, Update
from telegram.error import InvalidToken, TelegramError
from telegram.ext import Application, ApplicationBuilder
from telegram.request import BaseRequest, HTTPXRequest

from bot.engine import Engine
from bot.settings import Settings
from bot.store import corpus_version
from bot.telegram import admin, feedback, handlers
from bot.telegram.context import CONTEXT_TYPES
from bot.telegram.delivery import RetryLimiter
from bot.telegram.limits import Alerts, RateLimit
from bot.telegram.logs import RedactSecrets, configure_logging
from bot.telegram.updates import UpdatesRequest
from bot.telegram.webhook import run_webhook

log = logging.getLogger(__name__)

TOKEN_FORMAT = re.compile(r"^[0-9]{3,}:[A-Za-z0-9_-]{30,}$")
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.INLINE_QUERY]
COMMANDS = [
    BotCommand("start", "开始使用"),
    BotCommand("help", "使用帮助"),
    BotCommand("parks", "收录的园区和地区"),
    BotCommand("park", "园区概况，如 /park 泸州高新区"),
    BotCommand("stats", "园区的统计数据及出处"),
    BotCommand("ask", "提问（群组中使用）"),
    BotCommand("forget", "删除我的提问记录"),
]
EXIT_OK, EXIT_ERROR, EXIT_CONFIG = 0, 1, 2
# Updates handled at once. The engine is synchronous and fast, so concurrency only overlaps the waits for
# Telegram's answers; more of it lets new questions delay the replies to earlier ones (see the README, "Latency").
CONCURRENT_UPDATES = 16


def token_problem(token: SecretStr | None) -> str | None:
    """Why the configured token cannot work, in one line that does not repeat it; None if it looks right."""
    value = token.get_secret_value().strip() if token else ""
    if not value:
        return "未配置 TELEGRAM_BOT_TOKEN：请在环境变量或 .env 中设置从 @BotFather 获得的 token。"
    if not TOKEN_FORMAT.match(value):
        return ("TELEGRAM_BOT_TOKEN 格式不对：应形如 123456789:AAH…（数字、冒号和至少 30 个字符），"
                "请从 @BotFather 复制完整的 token。")
    return None


async def register_commands(app: Application) -> None:
    """The command menu in Telegram's clients; without it the bot still works, so a failure is only logged."""
    try:
        await app.bot.set_my_commands(COMMANDS)
    except TelegramError as err:
        log.warning("could not register the bot's commands with Telegram: %s", err)


def build_application(settings: Settings, engine: Engine, *, read_timeout: float | None = None,
                      connect_timeout: float = 5.0, concurrent_updates: int = CONCURRENT_UPDATES,
                      request: BaseRequest | None = None) -> Application:
    """The bot, wired to `engine`, talking to `settings.telegram_api_base_url` (Telegram or a local server);
    `request` replaces the HTTP client for every call but getUpdates (a fuzz test passes an in-process one)."""
    read_timeout = read_timeout or settings.telegram_read_timeout
    token = settings.telegram_bot_token.get_secret_value().strip() if settings.telegram_bot_token else ""
    base_url = settings.telegram_api_base_url.rstrip("/")
    request = request or HTTPXRequest(connection_pool_size=concurrent_updates + 8, read_timeout=read_timeout,
                                      write_timeout=read_timeout, connect_timeout=connect_timeout,
                                      pool_timeout=read_timeout)
    app = (
        ApplicationBuilder()
        .token(token)
        .base_url(base_url)
        .base_file_url(re.sub(r"/bot$", "/file/bot", base_url))
        .request(request)
        .get_updates_request(UpdatesRequest(read_timeout=read_timeout, connect_timeout=connect_timeout))
        .rate_limiter(RetryLimiter(settle=read_timeout))
        .context_types(CONTEXT_TYPES)
        .concurrent_updates(concurrent_updates)
        .post_init(register_commands)
        .post_shutdown(feedback.close_store)
        .build()
    )
    app.bot_data.engine, app.bot_data.settings = engine, settings
    app.bot_data.rate_limit = RateLimit(settings.rate_limit_per_minute, settings.admin_user_ids)
    app.bot_data.alerts = Alerts()
    app.bot_data.store = feedback.open_store(settings)
    app.bot_data.pending_changes = {}
    app.bot_data.corpus_version = corpus_version(settings.corpus_dir)
    log.info("corpus version %s live (%d articles)", app.bot_data.corpus_version, len(engine.articles))
    handlers.register(app)
    admin.register(app)
    return app


def webhook_secret(token: str) -> str:
    """Telegram sends it with every webhook call; derived from the token so there is nothing more to configure."""
    return hashlib.sha256(f"webhook:{token}".encode()).hexdigest()[:32]


async def who_am_i(settings: Settings, token: str) -> str:
    """Ask Telegram before starting, so a rejected token or an unreachable server is one line, not PTB's traceback."""
    async with Bot(token, base_url=settings.telegram_api_base_url.rstrip("/")) as bot:
        return bot.username


def serve(settings: Settings) -> int:
    """Run the bot until SIGINT/SIGTERM: long polling, or a webhook when TELEGRAM_WEBHOOK_URL is set."""
    problem = token_problem(settings.telegram_bot_token)
    if problem or settings.telegram_bot_token is None:
        print(problem, file=sys.stderr)
        return EXIT_CONFIG
    token = settings.telegram_bot_token.get_secret_value().strip()
    os.environ.setdefault("PTB_TIMEDELTA", "true")  # PTB's future time type now: no deprecation warning per 429
    try:
        configure_logging(settings.log_level, [token, webhook_secret(token)])
    except ValueError:
        print(f"LOG_LEVEL 无效：{settings.log_level!r}，可用 DEBUG、INFO、WARNING、ERROR。", file=sys.stderr)
        return EXIT_CONFIG
    try:
        username = asyncio.run(who_am_i(settings, token))
    except InvalidToken:
        print("Telegram 不接受这个 TELEGRAM_BOT_TOKEN（401 Unauthorized）：请检查 token，或在 @BotFather 重新生成。",
              file=sys.stderr)
        return EXIT_CONFIG
    except TelegramError as err:
        detail = RedactSecrets([token]).redact(str(err))
        print(f"无法连接 Telegram Bot API（{settings.telegram_api_base_url}）：{detail}", file=sys.stderr)
        return EXIT_ERROR
    app = build_application(settings, Engine.load(settings.corpus_dir))
    webhook = settings.telegram_webhook_url
    log.info("serving @%s via %s (%s)", username, settings.telegram_api_base_url,
             f"webhook {webhook}" if webhook else "long polling")
    if webhook:
        asyncio.run(run_webhook(app, settings.telegram_webhook_listen, settings.telegram_webhook_port,
                                urlparse(webhook).path, webhook, webhook_secret(token), ALLOWED_UPDATES))
    else:
        app.run_polling(allowed_updates=ALLOWED_UPDATES)
    log.info("stopped")
    return EXIT_OK
