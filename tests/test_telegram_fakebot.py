"""The fake Bot API server is as strict as Telegram, so the other Telegram tests mean something."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from tests.fakebot import TOKEN, parse_html


async def call(fake, method: str, token: str = TOKEN, **params) -> tuple[int, dict]:
    data = {k: json.dumps(v) if isinstance(v, dict | list) else str(v) for k, v in params.items()}
    async with httpx.AsyncClient() as client:
        answer = await client.post(f"{fake.base_url}{token}/{method}", data=data)
    return answer.status_code, answer.json()


async def test_an_unknown_method_is_404_not_found(fake):
    assert await call(fake, "sendTelepathy") == (404, {"ok": False, "error_code": 404, "description": "Not Found"})


async def test_a_wrong_token_is_401_unauthorized(fake):
    status, body = await call(fake, "getMe", token="123:wrong")
    assert (status, body["description"]) == (401, "Unauthorized")


async def test_get_me_answers_the_bot_user(fake):
    status, body = await call(fake, "getMe")
    assert status == 200 and body["result"]["is_bot"] is True and body["result"]["username"]


async def test_send_message_answers_a_message_with_html_turned_into_entities(fake):
    status, body = await call(fake, "sendMessage", chat_id=7, text="<b>粗体</b> &amp; 普通", parse_mode="HTML")
    assert status == 200
    assert body["result"]["text"] == "粗体 & 普通"
    assert body["result"]["entities"] == [{"type": "bold", "offset": 0, "length": 2}]


@pytest.mark.parametrize("markup", ["<b>未闭合", "<div>块</div>", "a < b", "<b><i>交叉</b></i>", "</b>", "AT&T",
                                    '<span class="x">剧透</span>', "<a>没有链接</a>"])
async def test_malformed_or_unsupported_html_is_refused(fake, markup):
    status, body = await call(fake, "sendMessage", chat_id=7, text=markup, parse_mode="HTML")
    assert status == 400 and body["description"].startswith("Bad Request: can't parse entities")


@pytest.mark.parametrize("markup", ["<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>i</ins><s>s</s>"
                                    "<strike>s</strike><del>d</del><code>c</code><pre>p</pre>",
                                    '<a href="https://example.com?a=1&amp;b=2">链接</a>',
                                    '<span class="tg-spoiler">剧透</span><tg-spoiler>剧透</tg-spoiler>',
                                    "<blockquote>引用</blockquote>", "&lt;&gt;&quot;&#39;&#x4e2d;"])
async def test_every_tag_and_entity_telegram_allows_is_accepted(fake, markup):
    status, _ = await call(fake, "sendMessage", chat_id=7, text=markup, parse_mode="HTML")
    assert status == 200


async def test_text_over_4096_characters_is_refused(fake):
    assert (await call(fake, "sendMessage", chat_id=7, text="字" * 4096))[0] == 200
    status, body = await call(fake, "sendMessage", chat_id=7, text="字" * 4097)
    assert (status, body["description"]) == (400, "Bad Request: message is too long")


async def test_the_length_limit_counts_text_after_entity_parsing(fake):
    status, _ = await call(fake, "sendMessage", chat_id=7, text="<b>" + "字" * 4096 + "</b>", parse_mode="HTML")
    assert status == 200


async def test_empty_text_is_refused(fake):
    status, body = await call(fake, "sendMessage", chat_id=7, text="  ")
    assert (status, body["description"]) == (400, "Bad Request: message text is empty")


async def test_callback_data_over_64_bytes_is_refused(fake):
    ok = {"inline_keyboard": [[{"text": "按钮", "callback_data": "x" * 64}]]}
    long = {"inline_keyboard": [[{"text": "按钮", "callback_data": "园" * 22}]]}
    assert (await call(fake, "sendMessage", chat_id=7, text="hi", reply_markup=ok))[0] == 200
    status, body = await call(fake, "sendMessage", chat_id=7, text="hi", reply_markup=long)
    assert (status, body["description"]) == (400, "Bad Request: BUTTON_DATA_INVALID")


async def test_editing_a_message_to_the_same_content_is_refused(fake):
    _, sent = await call(fake, "sendMessage", chat_id=7, text="同样")
    status, body = await call(fake, "editMessageText", chat_id=7, message_id=sent["result"]["message_id"], text="同样")
    assert status == 400 and "message is not modified" in body["description"]


async def test_get_updates_waits_for_an_update_and_drops_it_once_confirmed(fake):
    user = fake.user(5)
    poll = asyncio.create_task(call(fake, "getUpdates", timeout=5))
    await asyncio.sleep(0.1)
    fake.post_message(fake.private_chat(user), user, "你好")
    _, body = await poll
    [update] = body["result"]
    assert update["message"]["text"] == "你好"
    _, body = await call(fake, "getUpdates", offset=update["update_id"] + 1)
    assert body["result"] == []


async def test_an_injected_429_carries_retry_after_and_happens_once(fake):
    fake.fail("sendMessage", retry_after=3)
    status, body = await call(fake, "sendMessage", chat_id=7, text="hi")
    assert (status, body["parameters"]) == (429, {"retry_after": 3})
    assert (await call(fake, "sendMessage", chat_id=7, text="hi"))[0] == 200


def test_entity_offsets_are_in_utf16_code_units():
    text, entities = parse_html("😀<b>粗</b>")
    assert text == "😀粗" and entities == [{"type": "bold", "offset": 2, "length": 1}]
