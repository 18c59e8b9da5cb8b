"""`python -m bot serve` as a process, configured only by environment variables, against the fake server."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import httpx
import pytest

from bot.cli import main
from tests.fakebot import TOKEN
from tests.telegram_fixtures import TEST_DATABASE, Person

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "兰州高新区有多少家高新技术企业？"


def bot_env(**settings: str) -> dict[str, str]:
    """A clean environment: nothing from the developer's shell or .env reaches the bot."""
    keep = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "TMPDIR") if k in os.environ}
    return {**keep, "PYTHONPATH": str(ROOT), "DATABASE_PATH": str(TEST_DATABASE), **settings}


async def start_serve(tmp_path: Path, **settings: str) -> tuple[asyncio.subprocess.Process, Path]:
    log = tmp_path / "serve.log"
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "serve", cwd=tmp_path, env=bot_env(**settings),
        stdout=asyncio.subprocess.DEVNULL, stderr=log.open("wb"))
    return process, log


async def stop(process: asyncio.subprocess.Process) -> int:
    process.send_signal(signal.SIGTERM)
    return await asyncio.wait_for(process.wait(), 20)


async def run_serve(tmp_path: Path, **settings: str) -> tuple[int, str]:
    """A run that should end by itself (a configuration problem): exit code and stderr."""
    process, log = await start_serve(tmp_path, **settings)
    code = await asyncio.wait_for(process.wait(), 30)
    return code, log.read_text(encoding="utf-8")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_serve_answers_over_long_polling_and_stops_cleanly_on_sigterm(fake, tmp_path):
    alice = Person(fake, 1001)
    process, log = await start_serve(tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=fake.base_url,
                                     LOG_LEVEL="DEBUG")
    try:
        reply = await asyncio.wait_for(alice.says(QUESTION), 30)
    finally:
        code = await stop(process)
    assert "605家" in reply.text
    assert code == 0
    assert fake.state.commands, "commands registered at start-up"
    logged = log.read_text(encoding="utf-8")
    assert "getUpdates" in logged  # DEBUG logging was on, and mentions API calls ...
    assert TOKEN not in logged and TOKEN.split(":")[1] not in logged  # ... but never the token


async def test_serve_uses_a_webhook_when_a_webhook_url_is_configured(fake, tmp_path):
    port = free_port()
    alice = Person(fake, 1001)
    process, log = await start_serve(tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=fake.base_url,
                                     TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram",
                                     TELEGRAM_WEBHOOK_LISTEN="127.0.0.1", TELEGRAM_WEBHOOK_PORT=str(port),
                                     LOG_LEVEL="DEBUG")
    try:
        for _ in range(300):  # until the bot has told Telegram where to deliver
            if fake.state.webhook.get("url"):
                break
            await asyncio.sleep(0.1)
        reply = await asyncio.wait_for(alice.says(QUESTION), 30)
    finally:
        code = await stop(process)
    assert fake.state.webhook["url"] == f"http://127.0.0.1:{port}/telegram"
    assert fake.state.webhook["secret_token"] and TOKEN not in fake.state.webhook["secret_token"]
    assert "605家" in reply.text
    assert code == 0
    assert not fake.calls_to("getUpdates")
    logged = log.read_text(encoding="utf-8")
    assert "setWebhook" in logged  # DEBUG logging was on, and shows the call that carries the secret ...
    assert fake.state.webhook["secret_token"] not in logged  # ... but never the secret
    assert TOKEN not in logged and TOKEN.split(":")[1] not in logged


def serve_in_process(capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """`python -m bot serve` for a configuration it refuses before starting: exit code and stderr."""
    code = main(["serve"])
    return code, capsys.readouterr().err


@pytest.mark.parametrize("token", [None, ""])
def test_serve_without_a_token_says_so_in_one_line(clean_env, capsys, token):
    if token is not None:
        clean_env.setenv("TELEGRAM_BOT_TOKEN", token)
    code, stderr = serve_in_process(capsys)
    assert code != 0
    assert stderr.strip().count("\n") == 0 and "TELEGRAM_BOT_TOKEN" in stderr


def test_serve_with_a_malformed_token_says_so_in_one_line_without_repeating_it(clean_env, capsys):
    clean_env.setenv("TELEGRAM_BOT_TOKEN", "not-a-token-secret-123")
    code, stderr = serve_in_process(capsys)
    assert code != 0
    assert stderr.strip().count("\n") == 0 and "格式不对" in stderr
    assert "not-a-token-secret-123" not in stderr


async def test_serve_with_a_token_telegram_rejects_says_so_in_one_line(fake, tmp_path):
    wrong = "987654321:AAH-this-token-was-revoked-0123456789ab"
    code, stderr = await run_serve(tmp_path, TELEGRAM_BOT_TOKEN=wrong, TELEGRAM_API_BASE_URL=fake.base_url,
                                   LOG_LEVEL="WARNING")
    assert code != 0
    assert "401" in stderr and "Traceback" not in stderr
    assert wrong not in stderr


async def test_a_failing_getupdates_is_a_warning_without_traceback_and_one_report_to_the_admin(fake, tmp_path):
    admin = Person(fake, 4242)
    fake.fail("getUpdates", status=500, description="Internal Server Error", times=3)
    process, log = await start_serve(tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=fake.base_url,
                                     ADMIN_USER_IDS=str(admin.user["id"]))
    try:
        report = await asyncio.wait_for(admin.next_reply(), 60)
        while fake.faults.get("getupdates"):  # the outage, retried with back-off
            await asyncio.sleep(0.2)
        reply = await asyncio.wait_for(admin.says(QUESTION), 30)  # and the bot serves again
    finally:
        code = await stop(process)
    assert report.text.startswith("出错：NetworkError: Internal Server Error")
    assert "605家" in reply.text and fake.pending_replies(admin.chat["id"]) == 0  # one report, no more
    logged = log.read_text(encoding="utf-8")
    assert "WARNING" in logged and "Internal Server Error" in logged
    assert "Traceback" not in logged and " ERROR " not in logged
    assert code == 0


async def test_an_unreadable_update_is_skipped_and_sigterm_still_exits_0(fake, tmp_path):
    alice = Person(fake, 1001)
    process, log = await start_serve(tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=fake.base_url)
    try:
        await asyncio.wait_for(alice.says(QUESTION), 30)  # started
        poison = fake.push({"message": {"message_id": 9, "date": 0, "chat": {"id": 1001}, "text": "秘密内容"}})
        started = asyncio.get_running_loop().time()
        reply = await asyncio.wait_for(alice.says(QUESTION), 5)
        waited = asyncio.get_running_loop().time() - started
    finally:
        code = await stop(process)
    assert "605家" in reply.text and waited < 5
    assert code == 0
    logged = log.read_text(encoding="utf-8")
    assert logged.count(f"update {poison['update_id']} cannot be read") == 1
    assert "秘密内容" not in logged and "CRITICAL" not in logged


async def test_in_webhook_mode_an_unreadable_update_is_answered_200_and_dropped(fake, tmp_path):
    port = free_port()
    alice = Person(fake, 1001)
    process, log = await start_serve(tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=fake.base_url,
                                     TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram",
                                     TELEGRAM_WEBHOOK_LISTEN="127.0.0.1", TELEGRAM_WEBHOOK_PORT=str(port))
    try:
        await asyncio.wait_for(alice.says(QUESTION), 30)  # started, webhook registered
        poison = fake.push({"message": {"message_id": 9, "date": 0, "chat": {"id": 1001}, "text": "秘密内容"}})
        reply = await asyncio.wait_for(alice.says(QUESTION), 5)
        async with httpx.AsyncClient() as client:  # and a caller without the secret is refused
            refused = await client.post(f"http://127.0.0.1:{port}/telegram", json={"update_id": 1})
    finally:
        code = await stop(process)
    assert "605家" in reply.text and refused.status_code == 403
    assert code == 0
    logged = log.read_text(encoding="utf-8")
    assert logged.count(f"update {poison['update_id']} cannot be read") == 1  # delivered once: it got a 200
    assert "秘密内容" not in logged and "CRITICAL" not in logged
