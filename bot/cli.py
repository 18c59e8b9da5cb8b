"""`python -m bot …`: the engine from the command line, and the console chat.

Each command only turns arguments into an engine call and the result into
text or JSON; the JSON shapes are contracts other scripts rely on.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from pydantic import ValidationError

from bot import console, render
from bot.answer import Answer
from bot.engine import Engine
from bot.followup import Context, Conversation
from bot.ingest import SeedError
from bot.parks import ParksFileError
from bot.settings import Settings
from bot.text import Asked, asked

# The question record (sqlite3) and adding articles are imported by the commands using them: `ask` starts faster.
if TYPE_CHECKING:
    from bot.seeds import AddError
    from bot.store import Store

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def _print_json(data: object, out: TextIO) -> None:
    out.write(json.dumps(data, ensure_ascii=False) + "\n")
    out.flush()


class CorpusMissing(RuntimeError):
    def __init__(self, filename: str | None):
        super().__init__(render.corpus_missing(filename))


def _engine(settings: Settings) -> Engine:
    try:
        return Engine.load(settings.corpus_dir)
    except FileNotFoundError as err:
        raise CorpusMissing(err.filename) from err


def answer_json(answer: Answer, note: str = "") -> dict:
    """The `ask --json` contract: the answer's data, the plain-text reply as `message`, and the note on a long paste."""
    return {**answer.to_dict(), "message": render.answer_text(answer), "note": note}


def _note(question: Asked) -> str:
    return render.long_question(question) if question.kept != "all" else ""


def _batch_lines(source: str | None) -> Iterable[str]:
    """`--batch -` (or no argument) reads standard input; `--batch FILE` reads the file."""
    if source in (None, "-"):
        yield from sys.stdin
        return
    with open(source, encoding="utf-8-sig", errors="replace") as lines:
        yield from lines


def cmd_ask(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    if args.batch and args.question not in (None, "-") and not os.path.isfile(args.question):
        print(render.no_batch_file(args.question), file=sys.stderr)
        return EXIT_USAGE
    engine = _engine(settings)
    top_k = args.top_k or settings.top_k
    if args.batch:
        for line in _batch_lines(args.question):
            question = asked(line)
            _print_json(answer_json(engine.ask(question.text, top_k), _note(question)), out)
        return EXIT_OK
    if args.question is None:
        print(render.ASK_USAGE, file=sys.stderr)
        return EXIT_USAGE
    try:
        context = _context(args.context)
    except (OSError, ValueError) as err:
        print(render.bad_context(args.context, err), file=sys.stderr)
        return EXIT_USAGE
    question = asked(args.question)
    answer = engine.ask(question.text, top_k, context)
    if args.json:
        _print_json(answer_json(answer, _note(question)), out)
    else:
        out.write("".join(part + "\n" for part in (_note(question), render.answer_text(answer)) if part))
    return EXIT_OK


def _context(given: str | None) -> Context | None:
    """`--context`: JSON, or a file holding it; a context, or a whole `ask --json` answer carrying one."""
    if given is None:
        return None
    text = given if given.lstrip().startswith("{") else Path(given).read_text(encoding="utf-8-sig")
    data = json.loads(text)
    if isinstance(data, dict) and "context" in data and "question" not in data:
        data = data["context"]
    return None if data is None else Context.from_dict(data)


def cmd_build(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    from bot.ingest import SeedError, build_corpus
    from bot.progress import reporter

    try:
        report = build_corpus(settings.seeds_dir, settings.corpus_dir, reporter())
    except SeedError as err:
        print(render.seed_error(err), file=sys.stderr)
        return EXIT_ERROR
    except FileNotFoundError as err:  # a hand-kept file of corpus/: parks.toml, the word lists
        print(render.no_data_file(err.filename), file=sys.stderr)
        return EXIT_ERROR
    _engine(settings)  # builds and saves the search index now rather than at the next start
    out.write(render.built(report.articles, report.paragraphs, report.facts, settings.corpus_dir) + "\n")
    for article_id in report.unplaced:
        out.write(render.unplaced(article_id, *report.why_unplaced.get(article_id, ("", []))) + "\n")
    for note in report.notes:
        out.write(note + "\n")
    return EXIT_OK


def cmd_add(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    """Store new articles in seeds/ and rebuild corpus/ and the index; with --dry-run only show what would happen."""
    from bot.progress import reporter
    from bot.seeds import AddError, add

    inputs = []
    for name in args.files:
        if name == "-":
            inputs.append(("标准输入", sys.stdin.buffer.read()))
            continue
        try:
            inputs.append((name, Path(name).read_bytes()))
        except OSError as err:
            print(render.unreadable_file(name, err.strerror or str(err)), file=sys.stderr)
            return EXIT_ERROR
    try:
        change = add(settings.seeds_dir, settings.corpus_dir, inputs, args.park, args.dry_run, reporter())
    except AddError as err:
        return _add_error(err)
    if change.written and change.build is not None:
        extended = Engine.save_index(change.build, settings.corpus_dir)  # as the next load wants it
        if change.how == "incremental" and not extended:
            change.how = "index"  # the corpus was extended, the index built in full (the last one was missing)
    registry = change.build.registry if change.build is not None else None
    out.write(render.add_text(change, {p.name: p for p in registry.parks} if registry else None) + "\n")
    return EXIT_OK


def cmd_remove(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    from bot.seeds import AddError, remove

    try:
        change = remove(settings.seeds_dir, settings.corpus_dir, args.article_id, args.dry_run)
    except AddError as err:
        return _add_error(err)
    if change.written and change.build is not None:
        Engine.from_build(change.build, settings.corpus_dir)
    out.write(render.remove_text(change) + "\n")
    return EXIT_OK


def _add_error(err: AddError) -> int:
    print(render.add_error(err), file=sys.stderr)
    return EXIT_ERROR


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
    if args.json:  # the same overview as /park: the resolution, and the headline figures
        _print_json({**res.to_dict(), "headline": [f.to_dict() for f in overview.headline],
                     "facts_total": len(overview.facts)}, out)
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
    """The console chat; Ctrl-C or Ctrl-D ends it with a goodbye (main), never a traceback."""
    if getattr(args, "json", False):
        return _chat_json(settings, out)
    with console.own_terminal():
        with console.threads_leave_ctrl_c_alone():  # the store's writer thread: Ctrl-C is the chat's
            engine = _engine(settings)
            store = _store(settings)
        out.write(render.CHAT_BANNER + "\n")
        try:
            for reply in chat_replies(engine, console.lines(out), settings.top_k, store,
                                      settings.context_minutes * 60):
                out.write(reply + "\n")
                out.flush()
        finally:
            if store:
                store.close()
    return EXIT_OK


def _chat_json(settings: Settings, out: TextIO) -> int:
    """`chat --json`: a conversation replayed by a script. One question a line on stdin, one `ask --json` object a
    line out, each question read against the one before (a follow-up); a /start line forgets and prints nothing."""
    engine = _engine(settings)
    conversation = Conversation(settings.context_minutes * 60)
    for line in sys.stdin:
        text = line.strip()
        if text.lower() in ("/start", "／start"):
            conversation.forget()
        elif text:
            question = asked(text)
            answer = engine.ask(question.text, settings.top_k, conversation.current(time.monotonic()))
            conversation.keep(answer.context, time.monotonic())
            _print_json(answer_json(answer, _note(question)), out)
    return EXIT_OK


def _store(settings: Settings) -> Store | None:
    """The question record the console chat writes to too (channel console); `ask` is not recorded."""
    from bot.store import Store, corpus_version

    if not settings.record_questions:
        return None
    return Store(settings.database_path, retention_days=settings.retention_days,
                 corpus=corpus_version(settings.corpus_dir))


def chat_replies(engine: Engine, lines: Iterable[str], top_k: int = 3, store: Store | None = None,
                 quiet: float = 600.0, clock: Callable[[], float] = time.monotonic) -> Iterable[str]:
    """The console chat: the bot's commands and questions, as plain text, one reply per line read.

    A question is read against the one before it (a follow-up, bot/followup.py) for `quiet` seconds; /start forgets.
    """
    conversation = Conversation(quiet)
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
            if command == "/start":
                conversation.forget()
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
            question = asked(rest if command == "/ask" else text)
            note = _note(question)
            started = time.perf_counter()
            answer = engine.ask(question.text, top_k, conversation.current(clock()))
            conversation.keep(answer.context, clock())
            if store:
                store.record("console", answer, (time.perf_counter() - started) * 1000)
            yield (note + "\n" if note else "") + render.answer_text(answer)


def cmd_report(args: argparse.Namespace, settings: Settings, out: TextIO) -> int:
    """What people asked, what went unanswered, the 👎: for the editors, from the question record."""
    from bot.report import build_report, ignored_words, write_csv

    names = ignored_words(settings.corpus_dir)
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
    """`make run`: where things are, then Telegram when a token is configured, otherwise the console chat."""
    from bot.doctor import mode, where_lines

    out.write("".join(line + "\n" for line in where_lines(settings)))
    out.flush()
    with console.own_terminal():  # Ctrl-C reaches the chat or the bot, not make
        if mode(settings) != "console":
            return cmd_serve(args, settings, out)
        return cmd_chat(args, settings, out)


def cmd_doctor(args: argparse.Namespace, settings: Settings | None, out: TextIO, problem: str = "") -> int:
    """Every check `serve` depends on, one line each; non-zero when one of them would stop it."""
    from bot.doctor import checks, report

    lines, status = report(checks(settings, problem, args.timeout))
    out.write("".join(line + "\n" for line in lines))
    return status


EXAMPLES = {
    "ask": ['python -m bot ask "兰州高新区有多少家高新技术企业？"',
            'python -m bot ask "泸州高新区有哪些产业链？" --json',
            'python -m bot ask "兰州新区有多少党员" --json > turn1.json',
            'python -m bot ask "那徐州呢？" --context turn1.json      # 追问：接上一问的 context',
            "python -m bot ask --batch questions.txt      # 每行一个问题，每行一个 JSON",
            "cat questions.txt | python -m bot ask --batch -"],
    "build": ["python -m bot build"],
    "add": ["python -m bot add 新文章.txt", "python -m bot add --dry-run 新文章.md",
            "python -m bot add --park 徐庄高新区 文章.txt", "pbpaste | python -m bot add -"],
    "remove": ["python -m bot remove 005-1", "python -m bot remove 005"],
    "chat": ["python -m bot chat",
             "printf '兰州新区有多少党员\\n那夏河呢？\\n' | python -m bot chat --json   # 追问：每行一个 JSON"],
    "serve": ["TELEGRAM_BOT_TOKEN=123456789:AAH… python -m bot serve"],
    "run": ["python -m bot run"],
    "doctor": ["python -m bot doctor", "python -m bot doctor --timeout 2"],
    "parks": ["python -m bot parks --json"],
    "park": ["python -m bot park 泸州高新区", "python -m bot park 兰州新区 --json"],
    "stats": ["python -m bot stats 兰州高新区"],
    "report": ["python -m bot report --days 30", "python -m bot report --csv questions.csv"],
}


def _command(sub: argparse._SubParsersAction, name: str, help_text: str, func) -> argparse.ArgumentParser:
    """A subcommand whose --help ends with examples (what to type, from the project's root, with the venv's python)."""
    epilog = "例如：\n" + "\n".join(f"  {line}" for line in EXAMPLES[name])
    command = sub.add_parser(name, help=help_text, description=help_text, epilog=epilog,
                             formatter_class=argparse.RawDescriptionHelpFormatter)
    command.set_defaults(func=func)
    return command


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m bot", description="园区党建问答：从文章中回答园区党建与产业问题。",
                                 epilog="在项目目录中用 .venv/bin/python -m bot …（或先 source .venv/bin/activate）。"
                                        "每个命令的例子：python -m bot 命令 --help")
    sub = ap.add_subparsers(dest="command", required=True)
    ask = _command(sub, "ask", "回答一个问题", cmd_ask)
    ask.add_argument("question", nargs="?", help="问题；与 --batch 一起时是问题文件，- 表示标准输入")
    ask.add_argument("--top-k", type=int, default=None, help="返回的段落数（默认 3）")
    ask.add_argument("--json", action="store_true", help="输出 JSON")
    ask.add_argument("--batch", action="store_true", help="每行一个问题（文件或标准输入），每行输出一个 JSON")
    ask.add_argument("--context", metavar="JSON_OR_FILE",
                     help="上一问的 context（ask --json 输出中的 context，或整个输出）：按追问理解这个问题")
    _command(sub, "build", "从 seeds/ 重新构建 corpus/", cmd_build)
    add = _command(sub, "add", "添加文章：存入 seeds/，重建语料和索引，报告每篇文章归入的园区", cmd_add)
    add.add_argument("files", nargs="+", metavar="FILE",
                     help="文章的文本或 Markdown 文件（UTF-8 或 GBK）；- 表示标准输入")
    add.add_argument("--park", metavar="名称", help="指定园区（不在登记表中则新登记）")
    add.add_argument("--dry-run", action="store_true", help="只显示将会添加什么，不写入")
    remove = _command(sub, "remove", "删除一篇文章（005-1）或整份文件（005），并重建", cmd_remove)
    remove.add_argument("article_id", help="文章编号，如 005-1；或文件编号，如 005")
    remove.add_argument("--dry-run", action="store_true", help="只显示将会删除什么，不写入")
    chat = _command(sub, "chat", "本地对话（与机器人相同的命令）", cmd_chat)
    chat.add_argument("--json", action="store_true", help="每行读一个问题（按对话理解追问），每行输出一个 JSON")
    _command(sub, "serve", "运行 Telegram 机器人", cmd_serve)
    _command(sub, "run", "有 token 时运行机器人，否则本地对话（make run）", cmd_run)
    report = _command(sub, "report", "提问记录报告：每天提问数、未找到答案的问题、👎", cmd_report)
    report.add_argument("--days", type=int, default=7, help="最近几天（默认 7，含今天）")
    report.add_argument("--json", action="store_true", help="输出 JSON")
    report.add_argument("--csv", metavar="FILE", help="把这段时间的每个提问写入 CSV 文件")
    doctor = _command(sub, "doctor", "检查运行机器人所需的一切：Python、依赖、语料、配置、token、Bot API", cmd_doctor)
    doctor.add_argument("--timeout", type=float, default=5.0, help="连接 Bot API 的超时秒数（默认 5）")
    _command(sub, "parks", "列出园区", cmd_parks).add_argument("--json", action="store_true")
    for name, func, help_text in (("park", cmd_park, "一个园区的概况"), ("stats", cmd_stats, "一个园区的统计数据")):
        p = _command(sub, name, help_text, func)
        p.add_argument("name")
        p.add_argument("--json", action="store_true")
    return ap


def _settings_problem(err: ValidationError) -> str:
    return "；".join(f"{'.'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in err.errors())


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
        if args.func is cmd_doctor:
            return cmd_doctor(args, None, out, _settings_problem(err))
        print(f"配置有误（环境变量或 .env）：{_settings_problem(err)}", file=sys.stderr)
        return EXIT_USAGE
    try:
        return args.func(args, settings, out)
    except CorpusMissing as err:
        print(err, file=sys.stderr)
        return EXIT_ERROR
    except ParksFileError as err:
        print(render.parks_file_error(err), file=sys.stderr)
        return EXIT_ERROR
    except SeedError as err:
        print(render.seed_error(err), file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:  # Ctrl-C: the chat says goodbye; anything else stops quietly
        if args.func in (cmd_chat, cmd_run):
            out.write("\n" + render.GOODBYE + "\n")
            return EXIT_OK
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `… --batch | head`: the reader has what it wanted; stop without a traceback
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # Python's own flush at exit fails too
        return EXIT_OK
