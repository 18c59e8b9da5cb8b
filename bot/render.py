"""Every sentence the console chat and the command line show, as plain text.

The engine returns data (an `Answer` with a reason, a park `Overview`, facts);
this module and bot/telegram/views.py (HTML) are the only places that turn it
into words, so the two always say the same thing.
"""

from __future__ import annotations

from bot.answer import Answer
from bot.parks import Park, Resolution
from bot.stats import Fact, Overview

FACT_EXCERPT_MAX = 60  # the words around a figure in a list of figures
QUOTE_MAX = 60  # a question quoted back in a "not found" reply
EXAMPLE = "兰州高新区有多少家高新技术企业？"

ASK_USAGE = f'请给出一个问题，例如：python -m bot ask "{EXAMPLE}"'
PARK_USAGE = "用法：/park 园区名称，例如 /park 泸州高新区"
STATS_USAGE = "用法：/stats 园区名称，例如 /stats 兰州新区"
CHAT_BANNER = ("园区党建问答（本地对话）。直接输入问题；"
               "/parks 园区列表，/park 名称，/stats 名称，/help 帮助，/quit 退出。")
NO_TOKEN = "未配置 TELEGRAM_BOT_TOKEN，启动本地对话。"
HELP = f"""直接输入问题，例如「{EXAMPLE}」，回答会引用文章原文和出处。
/parks           收录的园区和地区
/park 名称       一个园区的概况（如 /park 泸州高新区）
/stats 名称      一个园区的统计数据及出处
/quit            退出"""


def unknown_command(command: str) -> str:
    return f"不认识的命令 {command}。输入 /help 查看用法。"


# -- answers -----------------------------------------------------------------------------------


def answer_text(answer: Answer, start: int = 0, count: int | None = None) -> str:
    """The plain-text reply: each excerpt with its source, or why there is none."""
    if not answer.found or not answer.hits:
        return no_answer(answer)
    shown = answer.hits[start:start + count] if count else answer.hits[start:]
    lines = []
    for hit in shown:
        lines.append(f"{hit.rank}. {hit.excerpt}")
        lines.append(f"   —— {hit.source}")
    return "\n".join(lines)


def no_answer(answer: Answer) -> str:
    """Why there is no answer, in one or two sentences that say what to try instead."""
    if answer.reason == "empty":
        return f"请输入一个文字问题，例如：{EXAMPLE}"
    if answer.reason == "not_covered":
        covered = "、".join(answer.parks)
        return f"抱歉，现有文章没有涉及「{answer.place}」。目前收录的园区和地区有：{covered}。"
    if answer.reason == "only_park":
        names = "或".join(answer.parks)
        overview = "、".join(f"/park {p}" for p in answer.parks)
        return f"想了解{names}的哪方面？请把问题说完整（比如问某个数字或某项做法），或用 {overview} 查看概况。"
    return f"抱歉，现有文章中没有找到能回答「{quoted(answer.query)}」的内容。可以换个说法，或用 /parks 查看收录的园区。"


def quoted(question: str, limit: int = QUOTE_MAX) -> str:
    """The question as the user wrote it (not as normalised), on one line, shortened if long."""
    text = " ".join(question.split())
    return text if len(text) <= limit else text[:limit] + "…"


# -- parks ---------------------------------------------------------------------------------------


def place(park: Park) -> str:
    """「甘肃省兰州市」: the province, and the city when it says more."""
    return park.province + (park.city if park.city and park.city != park.province else "")


def parks_text(parks: list[Park]) -> str:
    """/parks: every park and place, grouped by kind."""
    lines = [f"收录的园区和地区（{len(parks)} 个）："]
    for kind in dict.fromkeys(p.kind for p in parks):
        lines.append(f"【{kind}】")
        for park in (p for p in parks if p.kind == kind):
            lines.append(f"· {park.name}（{place(park)}）文章 {len(park.articles)} 篇")
    lines.append("查看一个园区：/park 名称；统计数据：/stats 名称")
    return "\n".join(lines)


def unresolved_text(res: Resolution) -> str:
    """A name that is not one park: the choices, or the nearest names and the list."""
    if res.status == "ambiguous":
        return "这个名称可能指：" + "、".join(res.candidates) + "。请输入完整名称。"
    lines = ["没有找到这个园区或地区。"]
    if res.candidates:
        lines.append("您是不是要找：" + "、".join(res.candidates) + "？")
    if res.known:
        lines.append("收录的园区和地区：" + "、".join(res.known) + "。")
    return "\n".join(lines)


def park_text(overview: Overview) -> str:
    """/park: what kind of place it is, where, its other names, its articles and its headline figures."""
    res = overview.resolution
    if res.status != "ok" or res.park is None:
        return unresolved_text(res)
    park = res.park
    lines = [f"{park.name}（{park.kind}）", f"地区：{place(park)}"]
    if park.aliases:
        lines.append("又称：" + "、".join(park.aliases))
    if park.places:
        lines.append("包括：" + "、".join(park.places))
    if park.articles:
        lines.append("文章：")
        lines += [f"· {a['article_id']} {a['title']}" for a in park.articles]
    if overview.headline:
        lines.append("主要数据：")
        lines += [f"· {fact_label(fact)}：{figure(fact)}" for fact in overview.headline]
        if len(overview.facts) > len(overview.headline):
            lines.append(f"共 {len(overview.facts)} 条数据，查看全部：/stats {park.name}")
    return "\n".join(lines)


# -- figures ---------------------------------------------------------------------------------------


STATUS_WORDS = {"planned": "规划", "target": "目标", "expected": "预计"}  # a figure not (yet) done


def figure(fact: Fact) -> str:
    """The figure as written; a change reads from→to (「400户→750户」)."""
    if fact.change:
        return f"{fact.change['from']}→{fact.change['to']}"
    return fact.text or fact.value


def fact_label(fact: Fact) -> str:
    """「科创载体（规划）」「党委（建立的党组织中）」「花卉营收（某公司，2024年）」: what is counted, and —
    when the label alone would mislead — whose figure it is, where or of what, when, and whether it is done."""
    notes = [fact.company, fact.scope, fact.period, STATUS_WORDS.get(fact.status, "")]
    shown = "，".join(n for n in notes if n)
    return f"{fact.label or '数据'}" + (f"（{shown}）" if shown else "")


def paragraphs(fact: Fact) -> str:
    """「第3段」, or 「第3、13段」 for a figure the article reports twice."""
    ns = list(dict.fromkeys([fact.paragraph] + [s["paragraph"] for s in fact.sources]))
    return "第" + "、".join(map(str, ns)) + "段"


def fact_context(fact: Fact, width: int = FACT_EXCERPT_MAX) -> str:
    """The part of the sentence around the figure, short enough for a list."""
    s = fact.sentence
    if len(s) <= width:
        return s
    at = s.find(fact.text) if fact.text in s else max(s.find(fact.value), 0)
    start = max(0, min(at - width // 2, len(s) - width))
    return ("…" if start else "") + s[start:start + width] + ("…" if start + width < len(s) else "")


def fact_line(n: int, fact: Fact) -> str:
    """One numbered figure, and the words it comes from with their place."""
    where = f"[{fact.article_id} {paragraphs(fact)}]"
    return f"{n}. {fact_label(fact)}：{figure(fact)}\n   “{fact_context(fact)}” {where}"


def stats_text(res: Resolution, facts: list[Fact], start: int = 0, count: int | None = None) -> str:
    """/stats as plain text; `start` and `count` page a long list."""
    if res.status != "ok" or res.park is None:
        return unresolved_text(res)
    name = res.park.name
    if not facts:
        return f"{name}：文章中没有找到统计数据。"
    if start >= len(facts):
        return f"{name}：统计数据共 {len(facts)} 条，没有更多了。"
    end = len(facts) if count is None else min(len(facts), start + count)
    lines = [f"{name} · 统计数据（共 {len(facts)} 条，第 {start + 1}–{end} 条）"]
    lines += [fact_line(i + 1, f) for i, f in enumerate(facts[start:end], start=start)]
    if end < len(facts):
        lines.append(f"还有 {len(facts) - end} 条。")
    return "\n".join(lines)


# -- the build -------------------------------------------------------------------------------------


def unplaced(article_id: str) -> str:
    return f"注意：文章 {article_id} 无法归属到任何园区，请在 corpus/parks.toml 中补充。"


# -- the editors' report (bot/report.py) -------------------------------------------------------

REASON_LABELS = {"off_topic": "答非所问", "wrong_data": "数据不对", "incomplete": "不完整", "other": "其他",
                 "none": "未选原因"}
CHANNEL_LABELS = {"private": "私聊", "group": "群组", "inline": "内联", "console": "本地对话"}
REPORT_SHOWN = 20  # unanswered groups and 👎 listed in the text report


def percent(share: float) -> str:
    return f"{share * 100:.0f}%"


def report_text(report: dict) -> str:
    """`python -m bot report`: the same sections as /report in Telegram, as plain text."""
    head = f"提问报告：{report['since']} 至 {report['until'][:10]}（{report['days']} 天）"
    if not report["questions"]:
        return f"{head}\n这段时间没有记录到提问。"
    votes = report["votes"]
    channels = "、".join(f"{CHANNEL_LABELS.get(c, c)} {n}" for c, n in report["channels"].items())
    lines = [head,
             f"提问 {report['questions']} 个，找到答案 {report['answered']} 个（{percent(report['answered_share'])}）；"
             f"{channels}",
             f"评价：👍 {votes['up']}（{percent(votes['up_share'])}）· "
             f"👎 {votes['down']}（{percent(votes['down_share'])}），{percent(votes['voted_share'])} 的回答有评价"]
    if votes["reasons"]:
        lines.append("👎 原因：" + "、".join(f"{REASON_LABELS.get(r, r)} {n}" for r, n in votes["reasons"].items()))
    lines += ["", "每天："]
    lines += [f"  {d['date']}  提问 {d['questions']}  找到 {d['answered']}" for d in report["per_day"]]
    if report["parks"]:
        lines += ["", "问得最多的园区："]
        lines += [f"  {p['park']}  {p['questions']}" for p in report["parks"]]
    if report["unanswered"]:
        lines += ["", f"没有找到答案的问题（共 {report['unanswered_questions']} 次，相近的问法合在一起）："]
        for group in report["unanswered"][:REPORT_SHOWN]:
            park = f"（{group['park']}）" if group["park"] else ""
            lines.append(f"  {group['count']} × {group['question']}{park}")
            others = [v for v in group["variants"] if v != group["question"]]
            if others:
                lines.append(f"      也问作：{'；'.join(others)}")
    if report["downvotes"]:
        lines += ["", "最近的 👎："]
        for down in report["downvotes"][:REPORT_SHOWN]:
            reason = REASON_LABELS.get(down["reason"] or "none", down["reason"])
            comment = f"；补充：{down['comment']}" if down["comment"] else ""
            lines.append(f"  {down['time'][:16].replace('T', ' ')}  {down['question']}")
            lines.append(f"      回答：{down['answer'] or '（没有找到）'}")
            lines.append(f"      原因：{reason}{comment}")
    return "\n".join(lines)


def csv_written(rows: int, path: str) -> str:
    return f"已写入 {rows} 行 → {path}"
