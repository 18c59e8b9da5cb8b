"""Webhook mode with our own small endpoint, as python-telegram-bot documents for custom webhook servers.

PTB's built-in endpoint answers 400 to an update it cannot parse, and Telegram then keeps
delivering that update again. Here an unreadable update is reduced to its id (`updates.readable`),
logged once and answered 200 like any other, so Telegram moves on. A call without the secret
token is refused (403), as PTB does.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import signal

import tornado.httpserver
import tornado.web
from telegram import Update
from telegram.ext import Application

from bot.telegram.updates import readable

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class UpdateEndpoint(tornado.web.RequestHandler):
    """POST from Telegram: one update as JSON."""

    def initialize(self, app: Application, secret: str) -> None:
        self.app, self.secret = app, secret

    async def post(self) -> None:
        if not hmac.compare_digest(self.request.headers.get(SECRET_HEADER, "").encode(), self.secret.encode()):
            log.warning("a webhook call without the secret token was refused")
            self.set_status(403)
            return
        try:
            data = json.loads(self.request.body)
        except ValueError:
            log.warning("a webhook call whose body is not JSON was dropped")
            return
        await self.app.update_queue.put(Update.de_json(readable(data), self.app.bot))

    def log_exception(self, *args: object) -> None:  # failures are logged above, without the request's content
        pass


async def run_webhook(app: Application, listen: str, port: int, path: str, url: str, secret: str,
                      allowed_updates: list[str]) -> None:
    """Serve until SIGINT/SIGTERM: register the webhook, answer Telegram's calls, then stop cleanly."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with app:
        if app.post_init:
            await app.post_init(app)
        await app.bot.set_webhook(url, secret_token=secret, allowed_updates=allowed_updates)
        routes = [(rf"/{path.strip('/')}/?", UpdateEndpoint, {"app": app, "secret": secret})]
        server = tornado.httpserver.HTTPServer(tornado.web.Application(routes, log_function=lambda _: None))
        server.listen(port, listen)
        await app.start()
        try:
            await stop.wait()
        finally:
            server.stop()
            await app.stop()
            if app.post_stop:
                await app.post_stop(app)
    if app.post_shutdown:
        await app.post_shutdown(app)
