"""What the bot shows in Telegram: HTML text and the buttons under it.

Every view is a pure function of core results, so the handlers stay a few
lines and the rules Telegram enforces live here: all corpus and user text is
escaped, callback data is short ASCII (never a question or a park name, which
could pass 64 bytes), and a message never passes 4096 characters.
"""

from __future__ import annotations

import html
import re

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
)
from telegram.constants import InlineKeyboardButtonLimit, MessageLimit, ParseMode

from bot import render
from bot.answer import Answer, Hit
from bot.engine import Engine
from bot.ingest import SeedError
from bot.parks import ParksFileError, Registry, Resolution
from bot.seeds import AddError, Change
from bot.stats import Fact, Overview
from bot.store import REASONS
from bot.text import Asked

View = tuple[str, InlineKeyboardMarkup | None]
MAX_MESSAGE = MessageLimit.MAX_TEXT_LENGTH
MAX_DATA = InlineKeyboardButtonLimit.MAX_CALLBACK_DATA
FACTS_PER_PAGE = 5
_TAG = re.compile(r"<[^>]*>")

WELCOME = ("你好！我是<b>园区党建问答</b>机器人：回答关于高新区、国家级新区和县域党建与产业发展的问题，"
           "每个回答都摘自新闻报道原文，并注明出处。\n\n直接输入你的问题，或点一个例子试试：")


def help_text(username: str) -> str:
    return ("<b>怎么用</b>\n"
            "直接发送问题，例如：兰州高新区有多少家高新技术企业？\n"
            "回答下方的「更多结果」显示后面的段落，「原文」显示整段原文及上下文。\n\n"
            "/parks — 收录的园区和地区\n"
            "/park 名称 — 园区概况，例如 /park 泸州高新区\n"
            "/stats 名称 — 园区的统计数据及出处\n"
            "/ask 问题 — 在群组中提问（也可以 @我 或回复我的消息）\n"
            "/forget — 删除我的全部提问记录和评价\n\n"
            "回答下方的 👍/👎 告诉编辑这个回答有没有用。\n\n"
            f"在任意聊天的输入框里键入 @{esc(username)} 和问题，可以直接把答案发到那个聊天。")


NOT_TEXT = "我只能读懂文字问题。请直接输入问题，例如：兰州高新区有多少家高新技术企业？"
SORRY = "抱歉，处理你的消息时出了点问题，请稍后再试。"
EXPIRED = "该结果已过期，请重新提问。"
SLOW_DOWN = "你发得太快了，请稍等一分钟再问。"


def admin_alert(kind: str, detail: str, count: int) -> str:
    """The report an admin gets about an error; `count` of this kind since the last report (10 minutes)."""
    times = f"（10 分钟内第 {count} 次）" if count > 1 else ""
    return f"出错{times}：{kind}: {detail}"[:1000]


# -- small helpers -------------------------------------------------------------------------------


def esc(text: str) -> str:
    return html.escape(text, quote=False)


def long_question_note(question: Asked) -> str:
    """Above the answer, in italics, when a message was too long to search whole (bot.render says what was searched)."""
    return "" if question.kept == "all" else f"<i>{esc(render.long_question(question))}</i>\n\n"


def button(label: str, *parts: object) -> InlineKeyboardButton:
    """A button whose callback data is `parts` joined by ':'; data over 64 bytes is a bug, caught here."""
    data = ":".join(str(p) for p in parts)
    if not 1 <= len(data.encode()) <= MAX_DATA:
        raise ValueError(f"callback data over {MAX_DATA} bytes: {data!r}")
    return InlineKeyboardButton(label, callback_data=data)


def rows(buttons: list[InlineKeyboardButton], width: int) -> list[list[InlineKeyboardButton]]:
    return [buttons[i:i + width] for i in range(0, len(buttons), width)]


def plain_text(markup: str) -> str:
    """The text a reader sees, for resending when Telegram refuses the HTML."""
    return html.unescape(_TAG.sub("", markup))


def visible_len(markup: str) -> int:
    """Length as Telegram counts it: after entity parsing, in UTF-16 code units."""
    return len(plain_text(markup).encode("utf-16-le")) // 2


def _cut_plain(text: str, limit: int) -> list[str]:
    """Plain text in pieces of at most `limit` UTF-16 units, cut at a line break when there is one."""
    pieces = []
    while visible_len(esc(text)) > limit:
        cut = limit
        while visible_len(esc(text[:cut])) > limit:
            cut -= 1
        newline = text.rfind("\n", 0, cut)
        cut = newline + 1 if newline > cut // 2 else cut
        pieces.append(text[:cut])
        text = text[cut:]
    return [*pieces, text]


def split_html(markup: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Messages of at most `limit` visible characters, cut only between blocks so no tag is cut in half.

    Views separate blocks with a blank line and never put one inside a tag; a
    single block longer than a message is sent as escaped plain text.
    """
    chunks: list[str] = []
    current = ""
    for block in markup.split("\n\n"):
        if visible_len(block) > limit:
            chunks += [current] if current else []
            current = ""
            chunks += [esc(piece) for piece in _cut_plain(plain_text(block), limit)]
            continue
        candidate = f"{current}\n\n{block}" if current else block
        if visible_len(candidate) <= limit:
            current = candidate
        else:
            chunks.append(current)
            current = block
    return [c for c in [*chunks, current] if c.strip()] or [markup]


# -- answers ---------------------------------------------------------------------------------------


def render_html(answer: Answer, start: int = 0, count: int | None = None) -> str:
    """Each excerpt with the question's terms in bold and its source; or why there is none."""
    head = f"<i>{esc(render.assumed(answer))}</i>" if answer.assumed else ""
    if not answer.found or not answer.hits:
        return (head + "\n" if head else "") + esc(render.no_answer(answer))
    shown = answer.hits[start:start + count] if count else answer.hits[start:]
    blocks = [head] if head else []
    for hit in shown:
        body = bold_terms(hit.excerpt, answer.terms)
        blocks.append(f"{hit.rank}. {body}\n<i>—— {esc(hit.source)}</i>")
    return "\n\n".join(blocks)


def bold_terms(text: str, terms: list[str]) -> str:
    """Escape `text` and wrap each occurrence of a term in <b>; longest terms win overlaps."""
    spans: list[tuple[int, int]] = []
    for term in sorted({t for t in terms if len(t) >= 2 or t.isdigit()}, key=lambda t: (-len(t), t)):
        for match in re.finditer(re.escape(term), text):
            s, e = match.span()
            if not any(a < e and s < b for a, b in spans):
                spans.append((s, e))
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):  # 「<b>安全</b><b>应急</b>」 reads better as one bold run
        if merged and merged[-1][1] == s:
            merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    out, pos = [], 0
    for s, e in merged:
        out.append(esc(text[pos:s]))
        out.append(f"<b>{esc(text[s:e])}</b>")
        pos = e
    out.append(esc(text[pos:]))
    return "".join(out)


def answer_view(answer: Answer, sid: str, start: int, per_page: int) -> View:
    """One page of hits; 「原文」 for each, 「更多结果」 while there are more."""
    if answer.hits:  # a forged or stale page number past the end shows the last page, never an empty one
        start = min(max(start, 0), (len(answer.hits) - 1) // per_page * per_page)
    text = render_html(answer, start, per_page)
    if not answer.found or not answer.hits:
        return text, None
    shown = answer.hits[start:start + per_page]
    originals = [button(f"原文 {hit.rank}", "para", sid, start + i) for i, hit in enumerate(shown)]
    nav = []
    if start > 0:
        nav.append(button("上一页", "more", sid, max(0, start - per_page)))
    if start + per_page < len(answer.hits):
        nav.append(button("更多结果", "more", sid, start + per_page))
    return text, InlineKeyboardMarkup([originals, nav] if nav else [originals])


def paragraph_view(engine: Engine, hit: Hit, terms: list[str]) -> str:
    """The whole paragraph a hit came from, in its article, between its neighbours."""
    article = engine.article(hit.article_id)
    title = article.title if article else hit.title
    total = len(article.paragraphs) if article else hit.paragraph
    where = "图片说明" if hit.caption else f"第{hit.paragraph}段（共{total}段）"
    blocks = [f"<b>《{esc(title)}》</b>\n<i>{esc(hit.park or '未归属')} · {where}</i>"]
    before = engine.paragraph(hit.article_id, hit.paragraph - 1)
    after = engine.paragraph(hit.article_id, hit.paragraph + 1)
    if before:
        blocks.append(esc(before.text))
    blocks.append(f"<blockquote>{bold_terms(hit.text, terms)}</blockquote>")
    if after:
        blocks.append(esc(after.text))
    return "\n\n".join(blocks)


def inline_results(answer: Answer, qid: int | None = None) -> list[InlineQueryResultArticle]:
    """One result per hit; choosing it posts the question, the excerpt and its source in that chat, with 👍/👎
    under it when the question was recorded (`qid`)."""
    feedback = with_feedback(None, qid)
    results = []
    for i, hit in enumerate(answer.hits):
        body = f"<b>问：</b>{esc(answer.query.strip())}\n\n{render_html(answer, i, 1)}"
        results.append(InlineQueryResultArticle(
            id=f"{hit.article_id}-{hit.paragraph}"[:64],
            title=hit.excerpt[:60] + ("…" if len(hit.excerpt) > 60 else ""),
            description=hit.source,
            input_message_content=InputTextMessageContent(split_html(body)[0], parse_mode=ParseMode.HTML),
            reply_markup=feedback,
        ))
    return results


def examples_keyboard(examples: list[str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[button(q, "ex", i)] for i, q in enumerate(examples)])


# -- parks and figures -----------------------------------------------------------------------------


def _park_buttons(engine: Engine, names: list[str]) -> list[InlineKeyboardButton]:
    """Parks are referred to by their place in the registry: a name could pass 64 bytes."""
    index = {p.name: i for i, p in enumerate(engine.parks())}
    return [button(name, "park", index[name]) for name in names if name in index]


def parks_view(engine: Engine) -> View:
    """Every park and place covered, grouped by kind; each a button to its overview."""
    parks = engine.parks()
    kinds = list(dict.fromkeys(p.kind for p in parks))
    blocks = [f"<b>收录的园区和地区</b>（{len(parks)} 个）点按钮查看概况："]
    buttons: list[list[InlineKeyboardButton]] = []
    for kind in kinds:
        members = [p for p in parks if p.kind == kind]
        names = "、".join(f"{esc(p.name)}（{esc(p.province)}）" for p in members)
        blocks.append(f"<b>{esc(kind or '其他')}</b>\n{names}")
        buttons += rows(_park_buttons(engine, [p.name for p in members]), 3)
    return "\n\n".join(blocks), InlineKeyboardMarkup(buttons)


def park_view(engine: Engine, query: str, overview: Overview) -> View:
    """A park's overview; for an ambiguous name the choices, for an unknown one suggestions and the list."""
    res = overview.resolution
    if res.status == "ambiguous":
        text = f"「{esc(query)}」可能指以下几个，请选择："
        return text, InlineKeyboardMarkup(rows(_park_buttons(engine, res.candidates), 2))
    if res.status != "ok" or res.park is None:
        return unknown_view(engine, query, res)
    park = res.park
    index = [p.name for p in engine.parks()].index(park.name)
    lines = [f"<b>{esc(park.name)}</b>", f"类型：{esc(park.kind or '未知')}",
             f"地区：{esc(render.place(park) or '省市未知')}"]
    if park.found_in:
        lines.append(esc(render.FOUND_NOTE))
    if park.aliases:
        lines.append(f"又称：{esc('、'.join(park.aliases))}")
    blocks = ["\n".join(lines)]
    if park.articles:
        titles = "\n".join(f"• 《{esc(a['title'])}》" for a in park.articles)
        blocks.append(f"<b>相关文章（{len(park.articles)} 篇）</b>\n{titles}")
    else:
        blocks.append(esc(render.NO_ARTICLES))
    if overview.headline:
        headline = "\n".join(_fact_line(engine, i, f) for i, f in enumerate(overview.headline, start=1))
        blocks.append(f"<b>主要数据</b>\n{headline}")
    keyboard = [[button("统计数据", "stats", index, 0), button("全部园区", "parks")]]
    return "\n\n".join(blocks), InlineKeyboardMarkup(keyboard)


def unknown_view(engine: Engine, query: str, res: Resolution) -> View:
    everything = "、".join(esc(p.name) for p in engine.parks())
    text = f"没有找到「{esc(query)}」。"
    if res.candidates:
        text += f"你是不是要找：{esc('、'.join(res.candidates))}？"
    text += f"\n\n目前收录的园区和地区：{everything}"
    keyboard = rows(_park_buttons(engine, res.candidates), 3) + [[button("全部园区", "parks")]]
    return text, InlineKeyboardMarkup(keyboard)


def _fact_line(engine: Engine, n: int, fact: Fact) -> str:
    """A figure in bold, the words around it, and where they come from."""
    article = engine.article(fact.article_id)
    source = f"《{article.title}》{render.paragraphs(fact)}" if article else render.paragraphs(fact)
    return (f"{n}. {esc(render.fact_label(fact))}：<b>{esc(render.figure(fact))}</b>\n"
            f"“{esc(render.fact_context(fact))}”\n<i>—— {esc(source)}</i>")


def stats_view(engine: Engine, query: str, res: Resolution, facts: list, page: int) -> View:
    """A park's figures with their sources, FACTS_PER_PAGE to a page."""
    if res.status != "ok" or res.park is None:
        return park_view(engine, query, Overview(res, [], []))
    park = res.park
    index = [p.name for p in engine.parks()].index(park.name)
    back = button("概况", "park", index)
    if not facts:
        return f"暂时没有从文章中整理出<b>{esc(park.name)}</b>的统计数据。", InlineKeyboardMarkup([[back]])
    pages = (len(facts) + FACTS_PER_PAGE - 1) // FACTS_PER_PAGE
    page = min(max(page, 0), pages - 1)
    shown = facts[page * FACTS_PER_PAGE:(page + 1) * FACTS_PER_PAGE]
    head = f"<b>{esc(park.name)} · 统计数据</b>（共 {len(facts)} 条，第 {page + 1}/{pages} 页）"
    body = "\n\n".join(_fact_line(engine, i, f) for i, f in enumerate(shown, start=page * FACTS_PER_PAGE + 1))
    nav = []
    if page > 0:
        nav.append(button("上一页", "stats", index, page - 1))
    if page + 1 < pages:
        nav.append(button("下一页", "stats", index, page + 1))
    return f"{head}\n\n{body}", InlineKeyboardMarkup([nav, [back]] if nav else [[back]])


# -- feedback: 👍/👎, /report, /forget (bot/telegram/feedback.py) ------------------------------------

FEEDBACK = "fb"  # callback data: fb:<question id in base 36>:<u|d|s|r0-r3>
THANKS_UP = "已记录 👍，谢谢！"
ASK_REASON = "已记录 👎。哪里不好？请选一个原因。"
THANKS_DOWN = "已记录，谢谢！"
COMMENT_PROMPT = ("谢谢反馈（{reason}）。愿意的话，请直接发一条消息补充说明（群组中请回复这条消息）；"
                  "不需要就点「跳过」。")
COMMENT_THANKS = "补充说明已记录，谢谢！"
COMMENT_SKIPPED = "好的，谢谢反馈！"
NOT_RECORDED = "当前没有开启提问记录，评价未保存。"
REPORT_USAGE = "用法：/report [天数]，例如 /report 30（默认 7 天）"
REPORT_SHOWN = 15  # unanswered groups and 👎 shown in Telegram; `python -m bot report` shows more


def to_base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if not n:
            return out


def _is_feedback_row(row: tuple[InlineKeyboardButton, ...] | list[InlineKeyboardButton]) -> bool:
    return any(str(b.callback_data or "").startswith(f"{FEEDBACK}:") for b in row)


def feedback_row(qid: int, vote: int = 0) -> list[InlineKeyboardButton]:
    """👍 and 👎; the one counted says so. Pressing either again changes the vote."""
    key = to_base36(qid)
    return [button("👍 已记录" if vote > 0 else "👍", FEEDBACK, key, "u"),
            button("👎 已记录" if vote < 0 else "👎", FEEDBACK, key, "d")]


def reasons_rows(qid: int) -> list[list[InlineKeyboardButton]]:
    key = to_base36(qid)
    labels = [render.REASON_LABELS[code] for code in REASONS]
    return rows([button(label, FEEDBACK, key, f"r{i}") for i, label in enumerate(labels)], 4)


def _replace_feedback(keyboard: InlineKeyboardMarkup | None,
                      new: list[list[InlineKeyboardButton]]) -> InlineKeyboardMarkup:
    kept = [list(row) for row in (keyboard.inline_keyboard if keyboard else ()) if not _is_feedback_row(row)]
    return InlineKeyboardMarkup(kept + new)


def with_feedback(keyboard: InlineKeyboardMarkup | None, qid: int | None, vote: int = 0) -> InlineKeyboardMarkup | None:
    """The answer's buttons and, when the question was recorded, a 👍/👎 row under them."""
    return keyboard if qid is None else _replace_feedback(keyboard, [feedback_row(qid, vote)])


def with_reasons(keyboard: InlineKeyboardMarkup | None, qid: int) -> InlineKeyboardMarkup:
    """After 👎: the reasons take the place of 👍/👎 until one is chosen."""
    return _replace_feedback(keyboard, reasons_rows(qid))


def keep_feedback(keyboard: InlineKeyboardMarkup | None,
                  shown: InlineKeyboardMarkup | None) -> InlineKeyboardMarkup | None:
    """Paging through an answer keeps its 👍/👎 row as it was."""
    old = [list(row) for row in (shown.inline_keyboard if shown else ()) if _is_feedback_row(row)]
    return _replace_feedback(keyboard, old) if old else keyboard


def comment_prompt(qid: int, reason: str) -> View:
    skip = button("跳过", FEEDBACK, to_base36(qid), "s")
    return COMMENT_PROMPT.format(reason=esc(render.REASON_LABELS.get(reason, reason))), InlineKeyboardMarkup([[skip]])


def forgotten(rows_deleted: int) -> str:
    if not rows_deleted:
        return "没有找到你的提问记录。"
    return f"已删除你的全部提问记录和评价（{rows_deleted} 条）。"


def report_view(report: dict, title: str = "提问报告") -> str:
    """/report and the daily summary: the same sections as `python -m bot report`, in HTML."""
    days = f"{report['since']} 至 {report['until'][:10]}（{report['days']} 天）"
    head = f"<b>{esc(title)}</b>\n{esc(days)}"
    if not report["questions"]:
        return f"{head}\n\n这段时间没有记录到提问。"
    votes = report["votes"]
    channels = "、".join(f"{render.CHANNEL_LABELS.get(c, c)} {n}" for c, n in report["channels"].items())
    summary = [f"提问 <b>{report['questions']}</b> 个，找到答案 {report['answered']} 个"
               f"（{render.percent(report['answered_share'])}）；{esc(channels)}",
               f"👍 {votes['up']} · 👎 {votes['down']}（{render.percent(votes['voted_share'])} 的回答有评价）"]
    if votes["reasons"]:
        summary.append("👎 原因：" + "、".join(f"{render.REASON_LABELS.get(r, esc(r))} {n}"
                                            for r, n in votes["reasons"].items()))
    blocks = [head, "\n".join(summary)]
    if len(report["per_day"]) > 1:
        blocks.append("<b>每天</b>\n" + "\n".join(f"{d['date'][5:]}  提问 {d['questions']}  找到 {d['answered']}"
                                                   for d in report["per_day"]))
    if report["parks"]:
        blocks.append("<b>问得最多的园区</b>\n" + "\n".join(f"{esc(p['park'])} {p['questions']}"
                                                         for p in report["parks"]))
    if report["unanswered"]:
        lines = [f"<b>没有找到答案的问题</b>（共 {report['unanswered_questions']} 次，相近的问法合在一起）"]
        for group in report["unanswered"][:REPORT_SHOWN]:
            park = f"（{esc(group['park'])}）" if group["park"] else ""
            lines.append(f"{group['count']} × {esc(group['question'])}{park}")
        blocks.append("\n".join(lines))
    for down in report["downvotes"][:REPORT_SHOWN]:
        if down is report["downvotes"][0]:
            blocks.append("<b>最近的 👎</b>")
        reason = render.REASON_LABELS.get(down["reason"] or "none", down["reason"])
        comment = f"\n补充：{esc(down['comment'])}" if down["comment"] else ""
        blocks.append(f"<i>{esc(down['time'][:16].replace('T', ' '))}</i> {esc(down['question'])}\n"
                      f"回答：{esc(down['answer'] or '（没有找到）')}\n原因：{esc(reason)}{comment}")
    return "\n\n".join(blocks)


# -- adding and removing articles (admins) --------------------------------------------------------

ADD_USAGE = "用法：/add 后面换行粘贴整篇文章（第一行是标题），或直接发送 .txt / .md 文件。"
REMOVE_USAGE = "用法：/remove 文章编号，例如 /remove 005-1（或整份文件 /remove 005）。"
CHANGE_CANCELLED = "已取消，没有做任何改动。"


def change_error(err: AddError | ParksFileError | SeedError) -> str:
    """Why an add or remove was refused (plain text: the caller escapes it)."""
    if isinstance(err, AddError):
        return render.add_error(err)
    if isinstance(err, ParksFileError):
        return render.parks_file_error(err)
    return render.seed_error(err)


def unknown_command(command: str) -> str:
    return esc(render.unknown_command(command))


def change_view(change: Change, token: str, registry: Registry | None) -> tuple[str, InlineKeyboardMarkup | None]:
    """The preview of an add or remove with 「确认…」/「取消」, or the result once written, without buttons."""
    parks = {p.name: p for p in registry.parks} if registry else None
    text = render.add_text(change, parks) if change.adding else render.remove_text(change)
    first, _, rest = text.partition("\n")
    if change.written:
        return f"<b>{esc(first)}</b>\n{esc(rest)}", None
    confirm = "确认添加" if change.adding else "确认删除"
    keyboard = InlineKeyboardMarkup([[button(confirm, "chg", token, "yes"), button("取消", "chg", token, "no")]])
    return f"<b>{esc(first)}</b>\n{esc(rest)}", keyboard
