"""A local Telegram Bot API server for the tests and the latency benchmark.

The bot under test talks HTTP to it exactly as it talks to api.telegram.org:
same URLs, same form-encoded requests, same JSON answers. It is strict where
Telegram is strict — malformed HTML, text over 4096 characters, callback data
over 64 bytes, unknown methods, a wrong token — so a bot that passes here does
not fail on those rules in production. Faults can be injected per method, queued
(`fail`) or drawn per call (`chaos`): a 429 with `retry_after`, a 500, a 400
"can't parse entities", an answer slower than the client's read timeout or a
closed connection — each before or after the call took effect, since only
then does a client's retry risk a duplicate.

The user's side is a few methods that queue updates (a message, a button press,
an inline query) and let a test wait for what the bot sent back.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import tornado.httpserver
import tornado.iostream
import tornado.netutil
import tornado.web
from telegram.request import BaseRequest, RequestData

TOKEN = "123456789:AAH-fake-token-for-tests-0123456789abcd"
BOT_ID = 123456789
BOT_USERNAME = "park_qa_test_bot"
MAX_TEXT = 4096
MAX_CALLBACK_DATA = 64

Json = dict[str, Any]


class ApiError(Exception):
    """An error answer, shaped like Telegram's: {"ok": false, "error_code", "description", "parameters"}."""

    def __init__(self, code: int, description: str, parameters: Json | None = None):
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters

    def body(self) -> Json:
        body: Json = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def fault(*, status: int = 0, description: str = "", retry_after: int | None = None, delay: float = 0.0,
          drop: bool = False, stored: str = "") -> Fault:
    """A `Fault`; `retry_after` alone means Telegram's 429."""
    if retry_after is not None and not status:
        status, description = 429, f"Too Many Requests: retry after {retry_after}"
    if stored not in ("", "first", "late"):
        raise ValueError(f"stored must be '', 'first' or 'late', not {stored!r}")
    return Fault(status, description, retry_after, delay, drop, stored)


def bad_request(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: {detail}")


# -- Telegram's HTML --------------------------------------------------------------------------------

_ENTITY_TYPES = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline", "ins": "underline",
    "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough", "a": "text_link", "code": "code",
    "pre": "pre", "span": "spoiler", "tg-spoiler": "spoiler", "blockquote": "blockquote", "tg-emoji": "custom_emoji",
}
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?)*)\s*>")
_ATTR = re.compile(r"([a-zA-Z-]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>]+)))?")
_ENTITY = re.compile(r"&(?:(lt|gt|amp|quot)|#([0-9]+)|#x([0-9a-fA-F]+));")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


def utf16_len(text: str) -> int:
    """Telegram measures text and entity offsets in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def parse_html(source: str) -> tuple[str, list[Json]]:
    """The text and entities Telegram makes of `source` with parse_mode HTML, or the 400 it answers."""

    def fail(detail: str, pos: int) -> ApiError:
        offset = len(source[:pos].encode("utf-8"))
        return bad_request(f"can't parse entities: {detail} at byte offset {offset}")

    out: list[str] = []
    stack: list[tuple[str, int, Json]] = []
    entities: list[Json] = []
    pos = 0
    while pos < len(source):
        char = source[pos]
        if char == "<":
            match = _TAG.match(source, pos)
            if not match:
                raise fail("Unexpected end of name token" if pos + 1 < len(source) else "Unclosed start tag", pos)
            closing, name, attr_text = match.group(1), match.group(2).lower(), match.group(3)
            if name not in _ENTITY_TYPES:
                raise fail(f'Unsupported {"end" if closing else "start"} tag "{name}"', pos)
            if closing:
                if not stack or stack[-1][0] != name:
                    raise fail(f'Unmatched end tag "{name}"', pos)
                tag, start, extra = stack.pop()
                length = utf16_len("".join(out)) - start
                if length:
                    entities.append({"type": _ENTITY_TYPES[tag], "offset": start, "length": length, **extra})
            else:
                attrs = {m.group(1).lower(): next((g for g in m.groups()[1:] if g is not None), "")
                         for m in _ATTR.finditer(attr_text)}
                extra: Json = {}
                if name == "a":
                    if not attrs.get("href"):
                        raise fail('Tag "a" must have attribute "href"', pos)
                    extra = {"url": attrs["href"]}
                if name == "span" and attrs.get("class") != "tg-spoiler":
                    raise fail('Tag "span" must have class "tg-spoiler"', pos)
                stack.append((name, utf16_len("".join(out)), extra))
            pos = match.end()
        elif char == "&":
            match = _ENTITY.match(source, pos)
            if not match:
                raise fail("Character entity expected", pos)
            named, dec, hexa = match.groups()
            out.append(_NAMED[named] if named else chr(int(dec) if dec else int(hexa, 16)))
            pos = match.end()
        else:
            nxt = min((i for i in (source.find("<", pos), source.find("&", pos)) if i >= 0), default=len(source))
            out.append(source[pos:nxt])
            pos = nxt
    if stack:
        raise fail(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"', len(source))
    return "".join(out), sorted(entities, key=lambda e: (e["offset"], -e["length"]))


def message_text(text: str | None, parse_mode: str | None) -> tuple[str, list[Json]]:
    """Validate a message text the way sendMessage/editMessageText do."""
    if text is None:
        raise bad_request("message text is empty")
    if parse_mode and parse_mode.lower() == "html":
        plain, entities = parse_html(text)
    elif parse_mode:
        raise bad_request(f"unsupported parse_mode {parse_mode}")
    else:
        plain, entities = text, []
    stripped = plain.strip()
    if not stripped:
        raise bad_request("message text is empty")
    if utf16_len(stripped) > MAX_TEXT:
        raise bad_request("message is too long")
    lead = utf16_len(plain) - utf16_len(plain.lstrip())
    return stripped, [{**e, "offset": e["offset"] - lead} for e in entities]


def check_markup(markup: Json | None) -> Json | None:
    """Inline keyboards: every button has a label and one action; callback data is 1..64 bytes."""
    if markup is None:
        return None
    rows = markup.get("inline_keyboard")
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request("object expected as reply markup")
    for button in (b for row in rows for b in row):
        if not button.get("text"):
            raise bad_request("BUTTON_TEXT_INVALID")
        if "callback_data" in button and not 1 <= len(str(button["callback_data"]).encode()) <= MAX_CALLBACK_DATA:
            raise bad_request("BUTTON_DATA_INVALID")
        if not {"callback_data", "url", "switch_inline_query", "switch_inline_query_current_chat"} & button.keys():
            raise bad_request("BUTTON_TYPE_INVALID")
    return markup


# -- what the test sees ----------------------------------------------------------------------------


@dataclass
class Call:
    method: str
    params: Json
    status: int
    answer: Json


@dataclass
class Reply:
    """A message as the user sees it after the bot sent or edited it."""

    message: Json
    html: str
    edited: bool = False

    @property
    def text(self) -> str:
        return self.message["text"]

    @property
    def message_id(self) -> int:
        return self.message["message_id"]

    def entity_texts(self, kind: str) -> list[str]:
        raw = self.text.encode("utf-16-le")
        return [raw[e["offset"] * 2:(e["offset"] + e["length"]) * 2].decode("utf-16-le")
                for e in self.message.get("entities", []) if e["type"] == kind]

    @property
    def bold(self) -> list[str]:
        return self.entity_texts("bold")

    @property
    def buttons(self) -> dict[str, str]:
        """Button label → callback data (or URL / inline query)."""
        rows = (self.message.get("reply_markup") or {}).get("inline_keyboard", [])
        return {b["text"]: b.get("callback_data") or b.get("url") or b.get("switch_inline_query_current_chat", "")
                for row in rows for b in row}


@dataclass
class Fault:
    """One injected failure. An error `status` is answered at once and nothing is stored. Otherwise the call is
    held `delay` seconds and/or its connection closed (`drop`), and `stored` says whether the call still takes
    effect: "" never, "first" at once (the answer is what gets lost), "late" after the delay (the server was slow)."""

    status: int = 0
    description: str = ""
    retry_after: int | None = None
    delay: float = 0.0
    drop: bool = False
    stored: str = ""


DROPPED = -1  # the status recorded for a call whose connection the server closed without answering


@dataclass
class _State:
    updates: list[Json] = field(default_factory=list)
    messages: dict[tuple[int, int], Json] = field(default_factory=dict)
    callback_queries: dict[str, Json] = field(default_factory=dict)
    inline_queries: dict[str, Json] = field(default_factory=dict)
    inline_markups: dict[str, Json | None] = field(default_factory=dict)  # buttons of messages posted inline
    commands: list[Json] = field(default_factory=list)
    webhook: Json = field(default_factory=dict)


class FakeBotApi:
    """The server. `await start()`, point the bot at `base_url`, drive it with `post_message` & co."""

    def __init__(self, token: str = TOKEN):
        self.token = token
        self.bot_user: Json = {"id": BOT_ID, "is_bot": True, "first_name": "园区党建问答", "username": BOT_USERNAME,
                               "can_join_groups": True, "can_read_all_group_messages": False,
                               "supports_inline_queries": True}
        self.calls: list[Call] = []
        self.files: dict[str, bytes] = {}  # documents users sent, by file_id
        self.state = _State()
        self.faults: dict[str, list[Fault]] = defaultdict(list)
        # Faults drawn per call (for a benchmark's random mix) when no queued fault is waiting: method → Fault | None.
        self.chaos: Callable[[str], Fault | None] | None = None
        self._ids = itertools.count(1)
        self._message_ids: dict[int, itertools.count] = defaultdict(lambda: itertools.count(1))
        self._new_update = asyncio.Event()
        self._closing = asyncio.Event()
        self._outbox: dict[int, asyncio.Queue[Reply]] = defaultdict(asyncio.Queue)
        self._answers: dict[str, asyncio.Future[Json]] = {}
        self._server: tornado.httpserver.HTTPServer | None = None
        self._webhook_client: httpx.AsyncClient | None = None
        self._tasks: set[asyncio.Task] = set()
        self.port = 0

    # -- lifecycle ---------------------------------------------------------

    async def start(self, port: int = 0) -> FakeBotApi:
        app = tornado.web.Application([(r"/bot([^/]*)/([A-Za-z]+)", _Handler, {"api": self}),
                                       (r"/file/bot([^/]*)/(.+)", _FileHandler, {"api": self})])
        sockets = tornado.netutil.bind_sockets(port, "127.0.0.1")
        self.port = sockets[0].getsockname()[1]
        self._server = tornado.httpserver.HTTPServer(app)
        self._server.add_sockets(sockets)
        return self

    async def stop(self) -> None:
        self._closing.set()
        self._new_update.set()
        for task in list(self._tasks):
            task.cancel()
        if self._webhook_client:
            await self._webhook_client.aclose()
        if self._server:
            self._server.stop()
            await self._server.close_all_connections()

    async def __aenter__(self) -> FakeBotApi:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        """What the bot uses as `base_url` / TELEGRAM_API_BASE_URL; the token follows it, as with Telegram."""
        return f"http://127.0.0.1:{self.port}/bot"

    # -- faults ------------------------------------------------------------

    def fail(self, method: str, *, status: int = 0, description: str = "", retry_after: int | None = None,
             delay: float = 0.0, drop: bool = False, stored: str = "", times: int = 1) -> None:
        """Make the next `times` calls of `method` fail: an error status, no answer for `delay` seconds, or a
        closed connection; with `stored` the call takes effect all the same (see `Fault`)."""
        self.faults[method.lower()].extend(fault(status=status, description=description, retry_after=retry_after,
                                                 delay=delay, drop=drop, stored=stored) for _ in range(times))

    def fail_parse(self, method: str = "sendMessage", times: int = 1) -> None:
        self.fail(method, status=400, description="Bad Request: can't parse entities: Unsupported start tag "
                                                   '"x" at byte offset 0', times=times)

    # -- the user's side ---------------------------------------------------

    @staticmethod
    def user(user_id: int, first_name: str = "测试用户", username: str | None = None) -> Json:
        user: Json = {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": "zh-hans"}
        if username:
            user["username"] = username
        return user

    @staticmethod
    def private_chat(user: Json) -> Json:
        return {"id": user["id"], "type": "private", "first_name": user["first_name"]}

    @staticmethod
    def group_chat(chat_id: int, title: str = "园区党建交流群") -> Json:
        return {"id": chat_id, "type": "supergroup" if chat_id < -10**12 else "group", "title": title}

    def post_message(self, chat: Json, user: Json, text: str | None = None, *, reply_to: Json | None = None,
                     **content: Any) -> Json:
        """A user writes in a chat: text (with the entities Telegram would detect) or a sticker, photo, voice…"""
        message: Json = {"message_id": next(self._message_ids[chat["id"]]), "from": user, "chat": chat,
                         "date": int(time.time()), **content}
        if text is not None:
            message["text"] = text
            entities = _detect_entities(text)
            if entities:
                message["entities"] = entities
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        self.state.messages[(chat["id"], message["message_id"])] = message
        self.push({"message": message})
        return message

    def document(self, file_name: str, data: bytes, mime_type: str = "text/plain") -> Json:
        """A document a user sends (pass it as `document=` to post_message); getFile and the download serve it."""
        file_id = f"doc{next(self._ids)}"
        self.files[file_id] = data
        return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_name": file_name, "mime_type": mime_type,
                "file_size": len(data)}

    async def _m_getfile(self, params: Json) -> Json:
        file_id = str(params.get("file_id", ""))
        if file_id not in self.files:
            raise bad_request("invalid file_id")
        return {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": len(self.files[file_id]),
                "file_path": f"documents/{file_id}"}

    def press(self, user: Json, reply: Reply, data: str) -> str:
        """The user presses a button with `data` under the bot's message; returns the callback query id."""
        return self.callback(user, message=reply.message, data=data)

    def callback(self, user: Json, **fields: Any) -> str:
        """A callback query of any shape (`message` or `inline_message_id`, `data`, `game_short_name`, or
        none), as a real or a forged client could send it; returns its id."""
        query_id = str(next(self._ids) * 1000 + 7)
        query = {"id": query_id, "from": user, "chat_instance": "42", **fields}
        self.state.callback_queries[query_id] = {"query": query, "answered": False}
        self.push({"callback_query": query})
        return query_id

    def inline(self, user: Json, text: str) -> str:
        """The user types `@bot text` in some chat; returns the inline query id."""
        query_id = str(next(self._ids) * 1000 + 9)
        self.state.inline_queries[query_id] = {"answered": False}
        self.push({"inline_query": {"id": query_id, "from": user, "query": text, "offset": "", "chat_type": "sender"}})
        return query_id

    def push(self, payload: Json) -> Json:
        update = {"update_id": next(self._ids), **payload}
        if self.state.webhook.get("url"):
            task = asyncio.get_running_loop().create_task(self._deliver(update))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        else:
            self.state.updates.append(update)
            self._new_update.set()
        return update

    async def next_reply(self, chat_id: int, timeout: float = 10.0) -> Reply:
        """The next message the bot sends or edits in this chat."""
        return await asyncio.wait_for(self._outbox[chat_id].get(), timeout)

    def pending_replies(self, chat_id: int) -> int:
        return self._outbox[chat_id].qsize()

    async def answer_to(self, query_id: str, timeout: float = 10.0) -> Json:
        """The parameters of answerCallbackQuery / answerInlineQuery for this query."""
        future = self._answers.setdefault(query_id, asyncio.get_running_loop().create_future())
        return await asyncio.wait_for(asyncio.shield(future), timeout)

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method.lower() == method.lower()]

    # -- the server's side -------------------------------------------------

    async def handle(self, token: str, method: str, params: Json) -> tuple[int, Json]:
        name = method.lower()
        if token != self.token:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        handler = getattr(self, f"_m_{name}", None)
        if handler is None:
            return self._record(method, params, 404, {"ok": False, "error_code": 404, "description": "Not Found"})
        fault = self.faults[name].pop(0) if self.faults.get(name) else self.chaos(method) if self.chaos else None
        if fault is None:
            return await self._call(method, handler, params)
        if fault.status:
            error = ApiError(fault.status, fault.description or "Internal Server Error",
                             {"retry_after": fault.retry_after} if fault.retry_after is not None else None)
            return self._record(method, params, error.code, error.body())
        status, answer = 504, {"ok": False, "error_code": 504, "description": "Gateway Timeout"}
        if fault.stored == "first":
            status, answer = await self._call(method, handler, params)
        if fault.delay:  # the answer is held; the client gives up first
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), fault.delay)
        if fault.stored == "late":
            status, answer = await self._call(method, handler, params)
        if fault.drop:
            self.calls.append(Call(method, params, DROPPED, answer))
            return DROPPED, answer
        return status, answer

    async def _call(self, method: str, handler: Callable[[Json], Any], params: Json) -> tuple[int, Json]:
        try:
            result = await handler(params)
        except ApiError as err:
            return self._record(method, params, err.code, err.body())
        return self._record(method, params, 200, {"ok": True, "result": result})

    def _record(self, method: str, params: Json, status: int, answer: Json) -> tuple[int, Json]:
        self.calls.append(Call(method, params, status, answer))
        return status, answer

    async def _m_getme(self, params: Json) -> Json:
        return self.bot_user

    async def _m_getupdates(self, params: Json) -> list[Json]:
        if self.state.webhook.get("url"):
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; "
                                "use deleteWebhook to delete the webhook first")
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        self.state.updates = [u for u in self.state.updates if u["update_id"] >= offset]
        if not self.state.updates and timeout > 0 and not self._closing.is_set():
            self._new_update.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_update.wait(), timeout)
        return self.state.updates[:limit]

    async def _m_sendmessage(self, params: Json) -> Json:
        chat_id = _int(params, "chat_id")
        text, entities = message_text(params.get("text"), params.get("parse_mode"))
        markup = check_markup(_json(params.get("reply_markup")))
        chat = {"id": chat_id, "type": "private" if chat_id > 0 else "group"}
        message: Json = {"message_id": next(self._message_ids[chat_id]), "from": self.bot_user, "chat": chat,
                         "date": int(time.time()), "text": text}
        if entities:
            message["entities"] = entities
        if markup and markup.get("inline_keyboard"):
            message["reply_markup"] = markup
        reply = _json(params.get("reply_parameters"))
        if reply and (chat_id, int(reply["message_id"])) in self.state.messages:
            message["reply_to_message"] = self.state.messages[(chat_id, int(reply["message_id"]))]
        self.state.messages[(chat_id, message["message_id"])] = message
        self._outbox[chat_id].put_nowait(Reply(message, params["text"]))
        return message

    def _editable(self, params: Json) -> tuple[int, int, Json]:
        chat_id, message_id = _int(params, "chat_id"), _int(params, "message_id")
        old = self.state.messages.get((chat_id, message_id))
        if old is None:
            raise bad_request("message to edit not found")
        if old["from"]["id"] != BOT_ID:
            raise bad_request("message can't be edited")
        return chat_id, message_id, old

    def _replace(self, chat_id: int, old: Json, new: Json, html: str) -> Json:
        new = {**new, "edit_date": int(time.time())}
        if {k: v for k, v in new.items() if k != "edit_date"} == {k: v for k, v in old.items() if k != "edit_date"}:
            raise bad_request("message is not modified: specified new message content and reply markup are "
                              "exactly the same as a current content and reply markup of the message")
        self.state.messages[(chat_id, old["message_id"])] = new
        self._outbox[chat_id].put_nowait(Reply(new, html, edited=True))
        return new

    async def _m_editmessagetext(self, params: Json) -> Json:
        chat_id, _, old = self._editable(params)
        text, entities = message_text(params.get("text"), params.get("parse_mode"))
        markup = check_markup(_json(params.get("reply_markup")))
        new = {**old, "text": text}
        new.pop("entities", None)
        new.pop("reply_markup", None)
        if entities:
            new["entities"] = entities
        if markup and markup.get("inline_keyboard"):
            new["reply_markup"] = markup
        return self._replace(chat_id, old, new, params["text"])

    async def _m_editmessagereplymarkup(self, params: Json) -> Json | bool:
        """Only the buttons change; the user sees the same text (its `html` is then the plain text). A message
        posted from inline mode is named by its `inline_message_id` and answered with True, as Telegram does."""
        markup = check_markup(_json(params.get("reply_markup")))
        if "inline_message_id" in params:
            inline_id = str(params["inline_message_id"])
            if self.state.inline_markups.get(inline_id) == markup:
                raise bad_request("message is not modified")
            self.state.inline_markups[inline_id] = markup
            return True
        chat_id, message_id = _int(params, "chat_id"), _int(params, "message_id")
        old = self.state.messages.get((chat_id, message_id))
        if old is None or old["from"]["id"] != BOT_ID:
            raise bad_request("message to edit not found")
        new = {k: v for k, v in old.items() if k != "reply_markup"}
        if markup and markup.get("inline_keyboard"):
            new["reply_markup"] = markup
        if new.get("reply_markup") == old.get("reply_markup"):
            raise bad_request("message is not modified: specified new message content and reply markup are "
                              "exactly the same as a current content and reply markup of the message")
        new["edit_date"] = int(time.time())
        self.state.messages[(chat_id, message_id)] = new
        self._outbox[chat_id].put_nowait(Reply(new, new["text"], edited=True))
        return new

    async def _m_answercallbackquery(self, params: Json) -> bool:
        query = self.state.callback_queries.get(str(params.get("callback_query_id")))
        if query is None or query["answered"]:
            raise bad_request("query is too old and response timeout expired or query ID is invalid")
        if len(params.get("text") or "") > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        query["answered"] = True
        self._resolve(str(params["callback_query_id"]), params)
        return True

    async def _m_answerinlinequery(self, params: Json) -> bool:
        query = self.state.inline_queries.get(str(params.get("inline_query_id")))
        if query is None or query["answered"]:
            raise bad_request("query is too old and response timeout expired or query ID is invalid")
        results = _json(params.get("results")) or []
        if len(results) > 50:
            raise bad_request("RESULTS_TOO_MUCH")
        ids = [str(r.get("id", "")) for r in results]
        if len(set(ids)) != len(ids):
            raise bad_request("RESULT_ID_DUPLICATE")
        for result in results:
            if not 1 <= len(str(result.get("id", "")).encode()) <= 64:
                raise bad_request("RESULT_ID_INVALID")
            if result.get("type") == "article" and not result.get("title"):
                raise bad_request("RESULT_TITLE_EMPTY")
            content = result.get("input_message_content") or {}
            message_text(content.get("message_text"), content.get("parse_mode"))
            check_markup(result.get("reply_markup"))
        query["answered"] = True
        button = _json(params.get("button"))
        self._resolve(str(params["inline_query_id"]), {**params, "results": results, "button": button})
        return True

    async def _m_setmycommands(self, params: Json) -> bool:
        commands = _json(params.get("commands")) or []
        for command in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", command.get("command", "")):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(command.get("description", "")) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        self.state.commands = commands
        return True

    async def _m_getmycommands(self, params: Json) -> list[Json]:
        return self.state.commands

    async def _m_setwebhook(self, params: Json) -> bool:
        url = params.get("url") or ""
        if url and not url.startswith(("http://", "https://")):
            raise bad_request("bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443")
        self.state.webhook = {"url": url, "secret_token": params.get("secret_token")}
        if url:
            for update in self.state.updates:
                self.push({k: v for k, v in update.items() if k != "update_id"})
            self.state.updates = []
        return True

    async def _m_deletewebhook(self, params: Json) -> bool:
        self.state.webhook = {}
        if str(params.get("drop_pending_updates", "")).lower() == "true":
            self.state.updates = []
        return True

    async def _m_getwebhookinfo(self, params: Json) -> Json:
        return {"url": self.state.webhook.get("url", ""), "has_custom_certificate": False,
                "pending_update_count": len(self.state.updates)}

    async def _m_sendchataction(self, params: Json) -> bool:
        _int(params, "chat_id")
        return True

    async def _m_close(self, params: Json) -> bool:
        return True

    async def _m_logout(self, params: Json) -> bool:
        return True

    def _resolve(self, query_id: str, params: Json) -> None:
        future = self._answers.setdefault(query_id, asyncio.get_running_loop().create_future())
        if not future.done():
            future.set_result(params)

    async def _deliver(self, update: Json) -> None:
        """Webhook mode: POST the update to the bot, with the secret token header, as Telegram does."""
        self._webhook_client = self._webhook_client or httpx.AsyncClient(timeout=10)
        headers = {"X-Telegram-Bot-Api-Secret-Token": self.state.webhook.get("secret_token") or ""}
        for _ in range(50):
            try:
                answer = await self._webhook_client.post(self.state.webhook["url"], json=update, headers=headers)
                if answer.status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)


def _detect_entities(text: str) -> list[Json]:
    """The entities Telegram's clients attach: a leading /command and @mentions."""
    entities = []
    command = re.match(r"/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?", text)
    if command:
        entities.append({"type": "bot_command", "offset": 0, "length": utf16_len(command.group())})
    for match in re.finditer(r"(?<![\w@])@[A-Za-z][A-Za-z0-9_]{3,31}", text):
        entities.append({"type": "mention", "offset": utf16_len(text[:match.start()]),
                         "length": utf16_len(match.group())})
    return entities


def _int(params: Json, name: str) -> int:
    try:
        return int(params[name])
    except (KeyError, TypeError, ValueError):
        raise bad_request(f"{name} is empty" if name not in params else "chat not found") from None


def _json(value: Any) -> Any:
    if value is None or not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        raise bad_request("can't parse JSON") from None


class InProcessRequest(BaseRequest):
    """PTB's transport straight into `FakeBotApi.handle`, without sockets: same parameters, same answers, same
    faults, for a test that sends thousands of updates and needs them quick."""

    def __init__(self, api: FakeBotApi):
        self.api = api

    @property
    def read_timeout(self) -> float:
        return 1.0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        token, name = url.rsplit("/", 2)[-2:]
        params = dict(request_data.json_parameters) if request_data else {}
        status, answer = await self.api.handle(token.removeprefix("bot"), name, params)
        return status, json.dumps(answer, ensure_ascii=False).encode()


class _Handler(tornado.web.RequestHandler):
    """Every /bot<token>/<method> URL, GET or POST, form-encoded, multipart or JSON, as Telegram accepts."""

    def initialize(self, api: FakeBotApi) -> None:
        self.api = api

    async def post(self, token: str, method: str) -> None:
        if self.request.headers.get("Content-Type", "").startswith("application/json") and self.request.body:
            params = json.loads(self.request.body)
        else:
            params = {name: self.get_argument(name) for name in self.request.arguments}
        status, answer = await self.api.handle(token, method, params)
        if status == DROPPED:  # close the connection without a word, as a crashed proxy would
            self.request.connection.close()
            self._finished = True
            return
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        with contextlib.suppress(tornado.iostream.StreamClosedError):  # the client timed out and left
            self.finish(json.dumps(answer, ensure_ascii=False))

    get = post

    def log_exception(self, *args: Any) -> None:  # a client that left is not a server error
        pass


class _FileHandler(tornado.web.RequestHandler):
    """/file/bot<token>/<file_path>: the bytes of a document, as Telegram serves a file getFile named."""

    def initialize(self, api: FakeBotApi) -> None:
        self.api = api

    def get(self, token: str, path: str) -> None:
        data = self.api.files.get(path.rsplit("/", 1)[-1])
        if token != self.api.token or data is None:
            self.set_status(404)
            self.finish()
            return
        self.finish(data)
