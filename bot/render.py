"""Every sentence the console chat and the command line show, as plain text.

The engine returns data (an `Answer` with a reason, a park `Overview`, facts);
this module and bot/telegram/views.py (HTML) are the only places that turn it
into words, so the two always say the same thing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.answer import Answer
from bot.ingest import SeedError
from bot.parks import Park, ParksFileError, Resolution
from bot.stats import Fact, Overview
from bot.text import Asked

if TYPE_CHECKING:  # only for annotations: render must not load the settings or the doctor
    from bot.doctor import CorpusInfo
    from bot.seeds import AddError, Change, Summary
    from bot.settings import Settings

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
    """The plain-text reply: each excerpt with its source, or why there is none; a follow-up first says what it
    took from the previous question."""
    head = assumed(answer)
    if not answer.found or not answer.hits:
        return (head + "\n" if head else "") + no_answer(answer)
    shown = answer.hits[start:start + count] if count else answer.hits[start:]
    lines = [head] if head else []
    for hit in shown:
        lines.append(f"{hit.rank}. {hit.excerpt}")
        lines.append(f"   —— {hit.source}")
    return "\n".join(lines)


def assumed(answer: Answer) -> str:
    """「（接上一问：徐州高新区 · 高新技术企业）」: a follow-up says what it took from the conversation."""
    return f"（接上一问：{answer.assumed}）" if answer.assumed else ""


def no_answer(answer: Answer) -> str:
    """Why there is no answer, in one or two sentences that say what to try instead."""
    if answer.reason == "no_more":
        return "上一个问题没有更多结果了。可以换个问题，或把问题问得更具体些。"
    if answer.reason == "empty":
        return f"请输入一个文字问题，例如：{EXAMPLE}"
    if answer.reason == "greeting":
        tries = "\n".join(f"· {q}" for q in answer.examples)
        return f"你好！我从园区新闻报道里找答案，每条回答都注明出处。可以这样问：\n{tries}"
    if answer.reason == "not_chinese":
        example = answer.examples[0] if answer.examples else EXAMPLE
        return (f"抱歉，没有找到能回答「{quoted(answer.query)}」的内容。我只能读懂中文问题，例如：{example}\n"
                f"I answer questions in Chinese about the parks' news, e.g. {example}")
    if answer.reason == "not_covered":
        covered = "、".join(answer.parks)
        return f"抱歉，现有文章没有涉及「{answer.place}」。目前收录的园区和地区有：{covered}。"
    if answer.reason == "ambiguous":
        return f"「{answer.place}」可能指：{'、'.join(answer.parks)}。请写出完整名称再问。"
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
        lines.append(f"【{kind or '其他'}】")
        for park in (p for p in parks if p.kind == kind):
            count = f"文章 {len(park.articles)} 篇" if park.articles else "暂无文章"
            lines.append(f"· {park.name}（{place(park) or '省市未知'}）{count}")
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


FOUND_NOTE = "（从文章标题中自动登记，见 corpus/parks_found.toml）"
NO_ARTICLES = "暂无文章：问到它的问题会回答「没有找到」。"


def park_text(overview: Overview) -> str:
    """/park: what kind of place it is, where, its other names, its articles and its headline figures."""
    res = overview.resolution
    if res.status != "ok" or res.park is None:
        return unresolved_text(res)
    park = res.park
    lines = [f"{park.name}（{park.kind or '类型未知'}）", f"地区：{place(park) or '省市未知'}"]
    if park.found_in:
        lines.append(FOUND_NOTE)
    if park.aliases:
        lines.append("又称：" + "、".join(park.aliases))
    if park.places:
        lines.append("包括：" + "、".join(park.places))
    if park.articles:
        lines.append("文章：")
        lines += [f"· {a['article_id']} {a['title']}" for a in park.articles]
    else:
        lines.append(NO_ARTICLES)
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


def unplaced(article_id: str, title: str = "", names: list[str] | None = None) -> str:
    """An article no park fits: its title, the names it holds that no park fits, and what to do."""
    named = f"《{title}》" if title else ""
    seen = f"，文中提到 {'、'.join(names)}" if names else "，标题和正文都没有提到已登记的园区"
    return (f"注意：文章 {article_id}{named} 无法归属到任何园区{seen}。请在 corpus/parks.toml 中补充，"
            f"或重新添加时指定：python -m bot add --park 名称 文件。")


def duplicate_article(dropped: str, dropped_seed: str, kept: str, kept_seed: str) -> str:
    return f"注意：文章 {dropped}（{dropped_seed}）与文章 {kept}（{kept_seed}）正文相同，已略去前者。"


def seed_without_articles(seed: str) -> str:
    return f"注意：{seed} 中没有找到任何文章（需要标题和正文），这个文件没有收录。"


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


# -- the command line: long messages, the build, start-up, doctor --------------------------------

GOODBYE = "再见。"


def long_question(asked: Asked) -> str:
    """The note above the answer to a message longer than the engine searches: what was searched instead."""
    if asked.kept == "last_question":
        return f"问题太长（{asked.length} 字），我只按最后一句「{quoted(asked.text)}」查找。"
    return f"问题太长（{asked.length} 字），我只按前 {len(asked.text)} 字查找。"


def corpus_missing(filename: str | None) -> str:
    return f"找不到语料文件 {filename}。请先运行：python -m bot build"


def build_step(step: str) -> str:
    return {"seeds": "读取 seeds/", "facts": "提取统计数据"}.get(step, step)


def built(articles: int, paragraphs: int, facts: int, corpus_dir: object) -> str:
    return f"已构建：{articles} 篇文章，{paragraphs} 段，{facts} 条数据 → {corpus_dir}"


def no_data_file(filename: str | None) -> str:
    return f"构建失败：找不到 {filename}。它是 corpus/ 中手工维护的数据文件，请从仓库恢复它；corpus/ 未改动。"


def seed_error(err: SeedError) -> str:
    """A seed the build cannot read, in one sentence with the fix; corpus/ is left as it was."""
    name, kept = err.path.name, "corpus/ 未改动。"
    if err.problem == "none":
        return f"构建失败：{err.path} 中没有文章文件。请把文章页的文本文件放进去；{kept}"
    if err.problem == "empty":
        return f"构建失败：{name} 是空文件。请放入文章文本或删除它；{kept}"
    if err.problem == "binary":
        return f"构建失败：{name} 是二进制文件，不是文本。seeds/ 里只放 UTF-8 文本文件；{kept}"
    source = err.encoding or "原编码"
    guess = f"，看起来是 {err.encoding} 编码" if err.encoding else ""
    return (f"构建失败：{name} 不是 UTF-8 文本（第 {err.byte} 字节起）{guess}。转换后再构建："
            f"iconv -f {source} -t UTF-8 {err.path} > {name}.utf8 && mv {name}.utf8 {err.path}；{kept}")


def bad_context(given: str, err: Exception) -> str:
    return f"--context 读不懂（{given[:60]}）：{err}。请给出 ask --json 输出中的 context，或保存它的文件。"


def no_batch_file(path: str) -> str:
    return f"找不到问题文件 {path}。--batch 文件：每行一个问题；用 - 表示从标准输入读取。"


# `make run`: where things are.
SECRET_SET = "（已设置）"
MODES = {"console": "本地对话（未配置 TELEGRAM_BOT_TOKEN）", "polling": "Telegram 长轮询",
         "webhook": "Telegram webhook"}


def where(settings: Settings, mode: str, info: CorpusInfo | None, changed: dict[str, str],
          env_file: object | None) -> list[str]:
    """The lines `make run` starts with: corpus and version, mode, settings that differ from the defaults."""
    if info is None:
        corpus = f"语料：{settings.corpus_dir}（尚未构建：python -m bot build）"
    else:
        corpus = (f"语料：{settings.corpus_dir}（{info.articles} 篇文章，{info.paragraphs} 段，"
                  f"{info.parks} 个园区；版本 {info.version}）")
    how = MODES[mode]
    if mode == "polling":
        how += f"，Bot API {settings.telegram_api_base_url}"
    elif mode == "webhook":
        how += f"，监听 {settings.telegram_webhook_listen}:{settings.telegram_webhook_port}"
    source = f"（环境变量和 {env_file}）" if env_file else "（环境变量；没有 .env）"
    values = "、".join(f"{k}={v}" for k, v in changed.items())
    changes = f"与默认不同的设置{source}：{values}" if changed else f"设置：全部为默认值{source}"
    return [corpus, f"模式：{how}", changes]


# `python -m bot doctor`: one line per check.
FIX_PYTHON = "请用 Python 3.11 或更新版本（make run 会用 python3 建立 .venv）"
FIX_SETUP = "运行 make setup（或 .venv/bin/pip install -e .），再用 .venv/bin/python -m bot doctor"
FIX_SETTINGS = "改正 .env 或环境变量中的这一项（说明见 .env.example）"
FIX_LOG_LEVEL = "LOG_LEVEL 可用 DEBUG、INFO、WARNING、ERROR"
FIX_BUILD = "运行 python -m bot build"
FIX_SEEDS = "按上面的提示修正 seeds/ 中的文件，再运行 python -m bot build"
FIX_TOKEN = "从 @BotFather 复制 token，写入 .env 的 TELEGRAM_BOT_TOKEN=（cp .env.example .env）"
FIX_NETWORK = "检查网络和代理；自建 Bot API 服务器请检查 TELEGRAM_API_BASE_URL"
FIX_WEBHOOK = "TELEGRAM_WEBHOOK_URL 应是 Telegram 能访问的 https:// 地址；不用 webhook 就留空（长轮询）"
FIX_NO_TOKEN = "没有 token 时 make run 打开本地对话"
DOCTOR_TOKEN_OK = "TELEGRAM_BOT_TOKEN 格式正确"


def doctor_line(ok: bool, text: str, fix: str = "") -> str:
    return f"{'✔' if ok else '✘'} {text}" + (f" —— {fix}" if fix and not ok else "")


def doctor_python(version: str, executable: str, ok: bool) -> str:
    return f"Python {version}（{executable}）" + ("" if ok else "：需要 3.11 或更新版本")


def doctor_not_installed(executable: str) -> str:
    return f"项目没有安装到这个 Python（{executable}）"


def doctor_missing_packages(names: list[str]) -> str:
    return "缺少依赖：" + "、".join(names)


def doctor_packages(count: int) -> str:
    return f"依赖已安装（{count} 个）"


def doctor_bad_settings(problem: str) -> str:
    return f"配置有误：{problem}"


def doctor_settings(env_file: object | None) -> str:
    return f"配置已读取：环境变量和 {env_file}" if env_file else "配置已读取：只有环境变量（当前目录没有 .env）"


def doctor_log_level(level: str, ok: bool) -> str:
    return f"日志级别 {level}" if ok else f"LOG_LEVEL 无效：{level!r}"


def doctor_no_corpus(filename: str | None) -> str:
    return f"找不到语料文件 {filename}"


def doctor_bad_corpus(corpus_dir: object, detail: str) -> str:
    return f"语料文件无法读取（{corpus_dir}）：{detail}"


def doctor_corpus(corpus_dir: object, info: CorpusInfo) -> str:
    return (f"语料 {corpus_dir}：{info.articles} 篇文章，{info.paragraphs} 段，{info.parks} 个园区"
            f"（版本 {info.version}）")


def doctor_index(where: object, paragraphs: int, built: bool, seconds: float) -> str:
    how = "刚刚建立并保存" if built else "已保存，直接加载"
    return f"搜索索引 {where}：{paragraphs} 段，{how}（{seconds:.1f} 秒）"


def doctor_dictionary(path: object, size: int) -> str:
    return f"jieba 词典文件 {path}（{size / 1e6:.1f} MB）：启动时不必整本载入"


def doctor_no_dictionary(folder: object) -> str:
    return f"jieba 词典文件无法写入 {folder}：每次启动整本载入词典（多约 0.1 秒），回答不变"


def fix_dictionary(folder: object) -> str:
    return f"让 {folder} 可写（或删除其中损坏的文件），再运行一次 python -m bot ask 你好"


def doctor_no_index(detail: str) -> str:
    return f"引擎无法加载语料和索引：{detail}"


def doctor_corpus_current(seeds_dir: object) -> str:
    return f"语料与 {seeds_dir} 一致"


def doctor_corpus_stale(files: list[str]) -> str:
    return "语料不是最新：重新构建会改变 " + "、".join(files) + "（serve 仍会用旧语料）"


def doctor_token_rejected(base: str) -> str:
    return f"Telegram 不接受这个 TELEGRAM_BOT_TOKEN（401 Unauthorized，{base}）"


def doctor_unreachable(base: str, detail: str) -> str:
    return f"连不上 Bot API（{base}）：{detail}。没有网络，或地址不对"


def doctor_api_error(base: str, detail: str) -> str:
    return f"Bot API 出错（{base}）：{detail}"


def doctor_api(username: str, base: str) -> str:
    return f"Bot API 可用：@{username}（{base}）"


def doctor_polling(webhook_registered: bool) -> str:
    note = "；Telegram 上还登记着 webhook，serve 启动时会删除它" if webhook_registered else ""
    return f"长轮询模式（未设置 TELEGRAM_WEBHOOK_URL）{note}"


def doctor_webhook(url: str, listen: str, port: int, registered_same: bool) -> str:
    note = "" if registered_same else "；Telegram 上登记的是另一个地址，serve 启动时会更新"
    return f"webhook 模式：{url}，监听 {listen}:{port}{note}"


def doctor_webhook_bad_url(url: str) -> str:
    return f"TELEGRAM_WEBHOOK_URL 不是有效的网址：{url}"


def doctor_webhook_not_https(url: str) -> str:
    return f"Telegram 只向 https:// 地址推送 webhook：{url}"


def doctor_webhook_bad_port(port: int) -> str:
    return f"TELEGRAM_WEBHOOK_PORT 无效：{port}"


# -- adding and removing articles (python -m bot add|remove, Telegram /add) ----------------------------------

PARKS_FILE_PROBLEMS = {
    "syntax": "TOML 语法错误（{detail}）",
    "encoding": "不是 UTF-8 文本（第 {detail} 字节起）",
    "missing": "缺少字段 {detail}",
    "unknown_field": "有不认识的字段 {detail}",
    "wrong_type": "字段 {detail} 的类型不对（name/kind/province/city 是字符串，aliases/places 是字符串列表）",
    "not_table": "不是一个表",
    "not_list": "[[park]] 必须是表的列表",
    "placement": "[[placement]] 需要 article 和 park 两个字段",
}


def parks_file_error(err: ParksFileError) -> str:
    """A registry file that cannot be read, in one line naming the file and the entry; nothing was written."""
    entry = f"第 {err.entry} 个条目" if err.entry else ""
    named = f"（{err.name}）" if err.name else ""
    problem = PARKS_FILE_PROBLEMS.get(err.problem, err.problem).format(detail=err.detail)
    return f"{err.path}：{entry}{named}{problem}。请改正后再试；corpus/ 和 seeds/ 未改动。"


ADD_PROBLEMS = {
    "empty": "{name}：是空的，没有可添加的文章。",
    "too_big": "{name}：太大（{detail} 字节），一篇文章不超过 1 MB，这不像一篇文章。",
    "binary": "{name}：不是文本（二进制内容）。请发送 .txt 或 .md 文本文件。",
    "encoding": "{name}：无法识别的文字编码（第 {detail} 字节起既不是 UTF-8 也不是 GBK）。请另存为 UTF-8 再试。",
    "not_chinese": "{name}：几乎没有中文，不像一篇中文文章。",
    "nothing": "{name}：没有读出文章。第一行应是标题，下面是正文段落（只有标题或小标题不行）。",
    "duplicate": "{name}：与已有的 {detail} 内容相同，没有重复添加。",
    "park_ambiguous": "园区「{name}」可能指：{detail}。请写全名。",
    "bad_id": "「{name}」不是文章编号：应形如 005-1（一篇），或 005（整份文件）。",
    "no_such_article": "没有编号为 {name} 的文章。用 /park 园区名 或 python -m bot park 名称 查看文章编号。",
    "page": "{name} 所在的文件还有别的文章（{detail}）：只能整份删除，用 remove 加文件编号。",
}


def add_error(err: AddError) -> str:
    """Why nothing was added or removed, in one line naming the input; seeds/ and corpus/ are as they were."""
    text = ADD_PROBLEMS.get(err.problem, "{name}：{detail}").format(name=err.name, detail=err.detail)
    if err.problem == "page":
        prefix, _, ids = err.detail.partition(" ")
        text = ADD_PROBLEMS["page"].format(name=err.name, detail=ids) + f"（remove {prefix}）"
    return text + "未做任何改动。"


def article_line(s: Summary) -> str:
    """One article of an add or remove: id, title, paragraphs, figures, and where it went."""
    if not s.park:
        where = "未能归属任何园区（可用 --park 名称 指定）"
    elif s.registered:
        where = f"新登记园区 {s.park}"
    else:
        where = f"归入 {s.park}"
    return f"{s.article_id}《{s.title}》：{s.paragraphs} 段，{s.figures} 条数据 → {where}"


def article_meta(s: Summary) -> str:
    return " · ".join(x for x in (s.date, s.source, s.byline) if x)


def add_text(change: Change, parks: dict[str, Park] | None = None) -> str:
    """What `add` did (or, in a dry run, would do): the seed, then each article with its park."""
    parks = parks or {}
    head = (f"已添加 {len(change.articles)} 篇文章（{'、'.join(change.seeds)}），语料已重建：" if change.written
            else f"预览（未写入）：将添加 {len(change.articles)} 篇文章")
    lines = [head]
    for s in change.articles:
        lines.append("  " + article_line(s))
        if meta := article_meta(s):
            lines.append(f"    {meta}")
        park = parks.get(s.park)
        if s.registered and park is not None:
            where = place(park) or "省市未知"
            lines.append(f"    {park.kind or '类型未知'} · {where}（登记在 corpus/parks_found.toml）")
    for name, encoding in change.converted.items():
        lines.append(f"注意：{name} 是 {encoding} 编码，已转换为 UTF-8 保存。")
    if change.written:
        lines.append(built_how(change))
    if change.written and change.articles:
        lines.append(f"撤销：python -m bot remove {change.articles[0].article_id.split('-')[0]}")
    return "\n".join(lines)


BUILT_HOW = {  # why an add or remove built everything again (bot/incremental.py)
    "new_park": "新园区的名称加入了词典，每个段落都要重新切分：语料和索引已完整重建。",
    "changed": "seeds/、corpus/ 的词表或登记表、或程序在上次构建后有改动：语料和索引已完整重建。",
    "unrecorded": "没有上次构建的记录（corpus/index/build.json）：语料和索引已完整重建。",
    "order": "新文件不排在所有文件之后：语料和索引已完整重建。",
    "remove": "删除后语料和索引已完整重建。",
    "index": "增量更新了语料（只读了新文件）；没有找到上次的搜索索引，索引已完整重建。",
}


def built_how(change: Change) -> str:
    """One line: whether only the new articles were read and cut, or everything was built again, and why."""
    if change.how == "incremental":
        paragraphs = sum(s.paragraphs for s in change.articles)
        return f"增量更新：只读了新文件，只切分了新文章的 {paragraphs} 段，语料和索引接在原有的后面。"
    return BUILT_HOW.get(change.how, "语料和索引已完整重建。")


def remove_text(change: Change) -> str:
    head = ("已删除" if change.written else "预览（未写入）：将删除") + f" {'、'.join(change.seeds)}："
    lines = [head, *("  " + article_line(s) for s in change.articles)]
    return "\n".join(lines + [built_how(change)] if change.written else lines)


def unreadable_file(name: str, reason: str) -> str:
    return f"{name}：无法读取（{reason}）。未做任何改动。"
