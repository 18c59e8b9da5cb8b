"""Telegram's rules kept by our own helpers: message length, callback data, the token kept out of logs."""

from __future__ import annotations

import logging

import httpx
import pytest

from bot.telegram.limits import Alerts, RateLimit
from bot.telegram.logs import REDACTED, RedactSecrets
from bot.telegram.views import button, plain_text, split_html, visible_len
from tests.fakebot import TOKEN, parse_html


def test_split_html_keeps_every_message_within_4096_visible_characters_and_tags_whole():
    blocks = [f"<b>第{i}段</b> " + "文字&amp;" * 150 for i in range(40)]
    chunks = split_html("\n\n".join(blocks))
    assert len(chunks) > 1
    for chunk in chunks:
        text, _ = parse_html(chunk)  # raises if a tag was cut in half
        assert len(text) <= 4096
    assert "\n\n".join(plain_text(c) for c in chunks) == plain_text("\n\n".join(blocks))


def test_split_html_leaves_a_short_message_alone():
    assert split_html("<b>短</b>\n\n消息") == ["<b>短</b>\n\n消息"]


def test_visible_length_counts_escaped_characters_once_and_tags_not_at_all():
    assert visible_len("<b>&lt;a&gt;</b>") == 3


def test_callback_data_over_64_bytes_is_refused_when_the_button_is_made():
    assert button("好", "park", 10).callback_data == "park:10"
    with pytest.raises(ValueError):
        button("太长", "x" * 65)


def test_the_rate_limit_allows_per_minute_requests_then_refuses_until_the_window_passes():
    now = [0.0]
    limit = RateLimit(2, clock=lambda: now[0])
    assert [limit.allow(1), limit.allow(1), limit.allow(1)] == [True, True, False]
    assert limit.allow(2)
    now[0] = 61.0
    assert limit.allow(1)


def test_the_token_is_redacted_from_httpx_request_lines_and_tracebacks(caplog):
    handler = logging.StreamHandler()
    redact = RedactSecrets([TOKEN])
    record = logging.LogRecord("httpx", logging.INFO, __file__, 1, 'HTTP Request: POST %s "HTTP/1.1 200 OK"',
                               (httpx.URL(f"https://api.telegram.org/bot{TOKEN}/getUpdates"),), None)
    try:
        raise RuntimeError(f"failed to call https://api.telegram.org/bot{TOKEN}/sendMessage")
    except RuntimeError as err:
        failure = logging.LogRecord("telegram", logging.ERROR, __file__, 1, "boom", (), (type(err), err, None))
    for rec in (record, failure):
        redact.filter(rec)
        line = handler.format(rec)
        assert TOKEN not in line and REDACTED in line


def test_admins_hear_of_a_kind_of_error_once_per_ten_minutes_with_how_often_it_happened():
    now = [0.0]
    alerts = Alerts(clock=lambda: now[0])
    assert alerts.due("NetworkError") == 1
    assert [alerts.due("NetworkError") for _ in range(4)] == [None] * 4
    assert alerts.due("ValueError") == 1  # another kind is reported at once
    now[0] = 601
    assert alerts.due("NetworkError") == 5  # the four held back, and this one
    assert alerts.due("NetworkError") is None
