"""The Telegram adapter: python-telegram-bot in front of the engine.

`serve(settings)` runs the bot (`python -m bot serve`); `build_application`
gives the same Application to tests and benchmarks, pointed at any Bot API URL.
"""

from bot.telegram.app import build_application, serve

__all__ = ["build_application", "serve"]
