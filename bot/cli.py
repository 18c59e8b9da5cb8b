"""`python -m bot …`: the engine from the command line, and the console chat.

Each command only turns arguments into an engine call and the result into
text or JSON; the JSON shapes are contracts other scripts rely on.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterable
from typing import TextIO

from pydantic import ValidationError

from bot import render
from bot.answer import Answer
from bot.engine import Engine
from bot.report import build_report, write_csv
from bot.settings import Settings
from bot.store import Store, corpus_version

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


def _print_json(data: object, out: TextIO) -> None:
    out.write(json.dumps(data, ensure_ascii=False) + "\n")
    out.flush()


class CorpusMissing(RuntimeError):
    pass


def _engine(settings: Settings) -> Engine:
    try:
        return Engine.load(settings.corpus_dir)
    except FileNotFoundError as err:
        raise CorpusMissing(f"找不到语料文件 {err.filename}") from err


def answer_json(answer: Answer) -> dict:
    """The `ask --json` contract: the answer's data and the plain-text reply as `message`."""
    return {**answer.to_dict(), "message": render.answer_text(answer)}


def cmd_ask(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    engine = _engine(settings)
    top_k = args.top_k or settings.top_k
    if args.batch:
        for line in sys.stdin if args.question in (None, "-") else [args.question]:
            _print_json(answer_json(engine.ask(line.rstrip("\r\n"), top_k)), out)
        return EXIT_OK
    if args.question is None:
        print(render.ASK_USAGE, file=sys.stderr)
        return EXIT_USAGE
    answer = engine.ask(args.question, top_k)
    if args.json:
        _print_json(answer_json(answer), out)
    else:
        out.write(render.answer_text(answer) + "\n")
    return EXIT_OK


def cmd_build(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    from bot.ingest import SeedError, build_corpus

    try:
        report = build_corpus(settings.seeds_dir, settings.corpus_dir)
    except SeedError as err:
        print(f"构建失败：{err}（corpus/ 未改动）", file=sys.stderr)
        return EXIT_ERROR
    _engine(settings)  # builds and saves the search index now rather than at the next start
    out.write(f"已构建：{report.articles} 篇文章，{report.paragraphs} 段，{report.facts} 条数据"
              f" → {settings.corpus_dir}\n")
    for article_id in report.unplaced:
        out.write(render.unplaced(article_id) + "\n")
    return EXIT_OK


def cmd_parks(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    engine = _engine(settings)
    if args.json:
        _print_json([p.to_dict() for p in engine.parks()], out)
    else:
        out.write(render.parks_text(engine.parks()) + "\n")
    return EXIT_OK


def cmd_park(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    engine = _engine(settings)
    overview = engine.overview(args.name)
    res = overview.resolution
    if args.json:
        _print_json(res.to_dict(), out)
    else:
        out.write(render.park_text(overview) + "\n")
    return EXIT_OK if res.status == "ok" else EXIT_ERROR


def cmd_stats(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    engine = _engine(settings)
    res, facts = engine.stats(args.name)
    if args.json:
        _print_json({"status": res.status, "park": res.park.name if res.park else None,
                     "candidates": res.candidates, "facts": [f.to_dict() for f in facts]}, out)
    else:
        out.write(render.stats_text(res, facts) + "\n")
    return EXIT_OK if res.status == "ok" else EXIT_ERROR


def cmd_chat(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    engine = _engine(settings)
    store = _store(settings)
    out.write(render.CHAT_BANNER + "\n")
    try:
        for reply in chat_replies(engine, _prompted_lines(out), settings.top_k, store):
            out.write(reply + "\n")
            out.flush()
    finally:
        if store:
            store.close()
    return EXIT_OK


def _store(settings: Settings) -> Store | None:
    """The question record the console chat writes to too (channel console); `ask` is not recorded."""
    if not settings.record_questions:
        return None
    return Store(settings.database_path, retention_days=settings.retention_days,
                 corpus=corpus_version(settings.corpus_dir))


def _prompted_lines(out: TextIO) -> Iterable[str]:
    while True:
        out.write("> ")
        out.flush()
        line = sys.stdin.readline()
        if not line:
            out.write("\n")
            return
        yield line


def chat_replies(engine: Engine, lines: Iterable[str], top_k: int = 3, store: Store | None = None) -> Iterable[str]:
    """The console chat: the bot's commands and questions, as plain text, one reply per line read."""
    for line in lines:
        text = line.strip()
        if not text:
            continue
        if text.startswith("／"):  # a full-width slash, as Chinese input methods type it
            text = "/" + text[1:]
        command, _, rest = text.partition(" ")
        command, rest = command.lower(), rest.strip()
        if command in ("/quit", "/exit", "/q"):
            return
        if command in ("/help", "/start"):
            yield render.HELP
        elif command == "/parks":
            yield render.parks_text(engine.parks())
        elif command == "/park":
            yield render.park_text(engine.overview(rest)) if rest else render.PARK_USAGE
        elif command == "/stats":
            yield render.stats_text(*engine.stats(rest)) if rest else render.STATS_USAGE
        elif command.startswith("/") and command != "/ask":
            yield render.unknown_command(command)
        else:
            started = time.perf_counter()
            answer = engine.ask(rest if command == "/ask" else text, top_k)
            if store:
                store.record("console", answer, (time.perf_counter() - started) * 1000)
            yield render.answer_text(answer)


def cmd_report(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    """What people asked, what went unanswered, the 👎: for the editors, from the question record."""
    from bot.lexicon import read_park_names

    names = read_park_names(settings.corpus_dir)
    if args.csv:
        with open(args.csv, "w", encoding="utf-8", newline="") as sheet:
            rows = write_csv(settings.database_path, sheet, args.days)
        print(render.csv_written(rows, args.csv), file=sys.stderr)
    report = build_report(settings.database_path, args.days, names)
    if args.json:
        _print_json(report, out)
    elif not args.csv:
        out.write(render.report_text(report) + "\n")
    return EXIT_OK


def cmd_serve(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    from bot.telegram import serve

    return serve(settings)


def cmd_run(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    """`make run`: serve Telegram when a token is configured, otherwise the console chat."""
    if settings.telegram_bot_token and settings.telegram_bot_token.get_secret_value().strip():
        return cmd_serve(args, settings, out)
    out.write(render.NO_TOKEN + "\n")
    return cmd_chat(args, settings, out)


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m bot", description="园区党建问答：从文章中回答园区党建与产业问题。")
    sub = ap.add_subparsers(dest="command", required=True)
    ask = sub.add_parser("ask", help="回答一个问题")
    ask.add_argument("question", nargs="?", help="问题；与 --batch 一起用 - 表示从标准输入逐行读取")
    ask.add_argument("--top-k", type=int, default=None, help="返回的段落数（默认 3）")
    ask.add_argument("--json", action="store_true", help="输出 JSON")
    ask.add_argument("--batch", action="store_true", help="每行一个问题，每行输出一个 JSON")
    ask.set_defaults(func=cmd_ask)
    sub.add_parser("build", help="从 seeds/ 重新构建 corpus/").set_defaults(func=cmd_build)
    sub.add_parser("chat", help="本地对话（与机器人相同的命令）").set_defaults(func=cmd_chat)
    sub.add_parser("serve", help="运行 Telegram 机器人").set_defaults(func=cmd_serve)
    sub.add_parser("run", help="有 token 时运行机器人，否则本地对话").set_defaults(func=cmd_run)
    report = sub.add_parser("report", help="提问记录报告：每天提问数、未找到答案的问题、👎")
    report.add_argument("--days", type=int, default=7, help="最近几天（默认 7，含今天）")
    report.add_argument("--json", action="store_true", help="输出 JSON")
    report.add_argument("--csv", metavar="FILE", help="把这段时间的每个提问写入 CSV 文件")
    report.set_defaults(func=cmd_report)
    parks = sub.add_parser("parks", help="列出园区")
    parks.add_argument("--json", action="store_true")
    parks.set_defaults(func=cmd_parks)
    for name, func, help_text in (("park", cmd_park, "一个园区的概况"), ("stats", cmd_stats, "一个园区的统计数据")):
        p = sub.add_parser(name, help=help_text)
        p.add_argument("name")
        p.add_argument("--json", action="store_true")
        p.set_defaults(func=func)
    return ap


def main(argv: list[str] | None = None, out: TextIO | None = None) -> int:
    args = parser().parse_args(argv)
    if getattr(args, "top_k", None) is not None and args.top_k < 1:
        print("--top-k 必须大于 0", file=sys.stderr)
        return EXIT_USAGE
    if getattr(args, "days", 1) < 1:
        print("--days 必须大于 0", file=sys.stderr)
        return EXIT_USAGE
    for stream in (sys.stdin, sys.stdout):
        if hasattr(stream, "reconfigure"):  # UTF-8 whatever the locale; undecodable input never crashes
            stream.reconfigure(encoding="utf-8", errors="replace")
    out = out or sys.stdout
    try:
        settings = Settings()
    except ValidationError as err:  # a malformed .env or variable: one clear line, naming it
        problems = "；".join(f"{'.'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in err.errors())
        print(f"配置有误（环境变量或 .env）：{problems}", file=sys.stderr)
        return EXIT_USAGE
    try:
        return args.func(args, settings, out)
    except CorpusMissing as err:
        print(f"{err}。请先运行：python -m bot build", file=sys.stderr)
        return EXIT_ERROR
