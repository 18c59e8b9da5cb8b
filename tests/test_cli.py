"""The command line: the JSON contracts, batch mode, build and the console chat."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import EXAMPLES, chat_replies, main
from bot.engine import Engine

from .conftest import CORPUS, ROOT

HIT_FIELDS = {"rank": int, "score": float, "article_id": str, "title": str, "park": str, "paragraph": int,
              "source": str, "text": str, "excerpt": str}


@pytest.fixture(autouse=True)
def in_process(engine, clean_env):
    """Commands run in this process, with the committed corpus loaded once (the session's engine) rather than on
    every command; test_python_dash_m_bot_runs_as_a_program loads it as a real process does."""
    load = Engine.load.__func__

    def loaded_once(cls, corpus_dir, *args, **kwargs):
        return engine if Path(corpus_dir) == CORPUS else load(cls, corpus_dir, *args, **kwargs)

    clean_env.setattr(Engine, "load", classmethod(loaded_once))


def run(argv: list[str], stdin: str = "") -> tuple[int, str]:
    out = io.StringIO()
    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        code = main(argv, out)
    finally:
        sys.stdin = old
    return code, out.getvalue()


def test_ask_json_has_the_contract_shape():
    code, out = run(["ask", "兰州高新区有多少家高新技术企业？", "--json"])
    data = json.loads(out)
    assert code == 0
    assert isinstance(data["query"], str) and isinstance(data["found"], bool)
    assert data["park"] is None or isinstance(data["park"], str)
    assert isinstance(data["message"], str) and data["message"]
    assert data["hits"]
    for hit in data["hits"]:
        for field, kind in HIT_FIELDS.items():
            assert isinstance(hit[field], kind), field


def test_ask_top_k_sets_the_number_of_hits():
    _, out = run(["ask", "兰州高新区有多少家高新技术企业", "--json", "--top-k", "5"])
    assert len(json.loads(out)["hits"]) == 5


def test_ask_batch_answers_each_line_in_order():
    questions = ["兰州高新区有多少家高新技术企业", "", "明天会下雨吗", "徐州高新區有多少家安全應急企業"]
    code, out = run(["ask", "--batch", "-"], "\n".join(questions) + "\n")
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [d["query"] for d in lines] == questions
    assert [d["found"] for d in lines] == [True, False, False, True]


def test_ask_plain_text_prints_the_message():
    _, out = run(["ask", "徐州高新区有多少家安全应急企业"])
    assert "638家" in out and "《" in out


def test_ask_without_a_question_is_a_usage_error():
    code, _ = run(["ask"])
    assert code == 2


def test_python_dash_m_bot_runs_as_a_program():
    proc = subprocess.run([sys.executable, "-m", "bot", "ask", "兰州高新区有多少家高新技术企业", "--json"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and json.loads(proc.stdout)["found"]


def test_chat_answers_questions_and_commands_like_the_bot(engine):
    lines = ["/help", "兰州高新区有多少家高新技术企业", "/nonsense", "/quit", "不会被读到"]
    replies = list(chat_replies(engine, lines))
    assert len(replies) == 3
    assert "/parks" in replies[0] and "605" in replies[1] and "/help" in replies[2]


def test_chat_ignores_blank_lines(engine):
    assert list(chat_replies(engine, ["", "   "])) == []


def test_chat_reads_stdin_until_end_of_input():
    code, out = run(["chat"], "徐州高新区有多少家安全应急企业\n")
    assert code == 0 and "638家" in out and out.endswith("> \n")


@pytest.mark.parametrize("argv", [["ask", "x", "--top-k", "0"]])
def test_invalid_options_are_usage_errors(argv):
    assert run(argv)[0] == 2


def test_missing_corpus_is_one_clear_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CORPUS_DIR", str(tmp_path))
    code, _ = run(["ask", "兰州"])
    stderr = capsys.readouterr().err
    assert code == 1
    assert "python -m bot build" in stderr and len(stderr.strip().splitlines()) == 1


def test_build_reports_what_it_built(tmp_path, monkeypatch):
    import shutil

    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    monkeypatch.setenv("CORPUS_DIR", str(corpus))
    code, out = run(["build"])
    built = json.loads((corpus / "articles.json").read_text(encoding="utf-8"))
    assert code == 0 and f"{len(built)} 篇文章" in out


def test_malformed_setting_is_one_line_naming_the_variable(monkeypatch, capsys):
    monkeypatch.setenv("TOP_K", "many")
    code, _ = run(["ask", "兰州"])
    stderr = capsys.readouterr().err
    assert code == 2
    assert "TOP_K" in stderr and len(stderr.strip().splitlines()) == 1


PASTE = "兰州新区坚持党建引领，推动产业发展，各项工作取得新进展。" * 30 + "兰州高新区有多少家高新技术企业？"


def test_a_long_paste_is_answered_by_its_closing_question_with_the_telegram_note(engine):
    reply, = chat_replies(engine, [PASTE])
    note = f"问题太长（{len(PASTE)} 字），我只按最后一句「兰州高新区有多少家高新技术企业？」查找。"
    assert reply.startswith(note + "\n1. ")
    assert "高新技术企业605家" in reply


def test_ask_json_carries_the_long_paste_note():
    data = json.loads(run(["ask", PASTE, "--json"])[1])
    assert data["found"] and data["note"].startswith("问题太长")


def test_ask_batch_reads_a_file_of_questions(tmp_path):
    questions = tmp_path / "questions.txt"
    questions.write_text("兰州高新区有多少家高新技术企业\n明天会下雨吗\n", encoding="utf-8")
    code, out = run(["ask", "--batch", str(questions)])
    assert code == 0 and [json.loads(line)["found"] for line in out.splitlines()] == [True, False]


def test_ask_batch_into_a_reader_that_stops_early_ends_without_a_traceback(tmp_path):
    questions = tmp_path / "questions.txt"
    questions.write_text("兰州高新区有多少家高新技术企业\n" * 2000, encoding="utf-8")  # more than a pipe holds
    proc = subprocess.Popen([sys.executable, "-m", "bot", "ask", "--batch", str(questions)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()  # as `| head -1` does
    assert proc.wait(timeout=60) == 0
    assert json.loads(first)["found"] is True
    assert b"Traceback" not in proc.stderr.read()


def test_ask_batch_with_a_missing_file_is_a_usage_error(tmp_path, capsys):
    code, out = run(["ask", "--batch", str(tmp_path / "missing.txt")])
    assert code == 2 and out == "" and "missing.txt" in capsys.readouterr().err


def test_control_characters_and_undecodable_bytes_never_reach_the_answer():
    code, out = run(["ask", "--batch", "-"], "\x01\x02明天\ufffd\ufffd会下雨吗\x1b[D\n")
    data = json.loads(out)
    assert data["query"] == "明天会下雨吗"
    assert not any(ch in data["message"] for ch in "\x01\x02\x1b\ufffd")


def test_park_json_gives_the_overview_headline_figures_like_park(engine):
    code, out = run(["park", "兰州高新区", "--json"])
    data = json.loads(out)
    overview = engine.overview("兰州高新区")
    assert code == 0 and data["status"] == "ok" and data["park"]["name"] == "兰州高新区"  # fields kept
    assert [(f["label"], f["value"]) for f in data["headline"]] == [(f.label, f.value) for f in overview.headline]
    assert data["headline"] and data["facts_total"] == len(overview.facts)


@pytest.mark.parametrize("command", [*EXAMPLES])
def test_each_subcommand_help_shows_an_example(command, capsys):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    help_text = capsys.readouterr().out
    assert f"python -m bot {command}" in help_text.split("例如：\n")[1]


def test_a_gbk_seed_stops_the_build_with_one_chinese_line_and_the_iconv_fix(tmp_path, monkeypatch, capsys):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "zz_gbk.txt").write_bytes("兰州高新区党建工作".encode("gbk"))
    shutil.copytree(ROOT / "corpus", tmp_path / "corpus", ignore=shutil.ignore_patterns("*.json"))
    monkeypatch.setenv("SEEDS_DIR", str(seeds))
    monkeypatch.setenv("CORPUS_DIR", str(tmp_path / "corpus"))
    code, _ = run(["build"])
    err = capsys.readouterr().err.strip()
    assert code == 1 and len(err.splitlines()) == 1
    assert "zz_gbk.txt" in err and "GBK" in err and "iconv -f GBK -t UTF-8" in err
    assert not re.search(r"[A-Za-z]{4,}", err.replace("iconv", "").replace("utf8", "").replace("zz_gbk", "")
                         .replace("seeds", "").replace("corpus", "").replace(str(tmp_path), ""))


def test_build_progress_is_plain_lines_when_not_on_a_terminal(tmp_path, monkeypatch, capsys):
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    monkeypatch.setenv("CORPUS_DIR", str(corpus))
    assert run(["build"])[0] == 0
    progress = capsys.readouterr().err.splitlines()
    articles = len(json.loads((corpus / "articles.json").read_text(encoding="utf-8")))
    seeds = len([p for p in (ROOT / "seeds").iterdir() if p.is_file() and not p.name.startswith(".")])
    assert progress[-1] == f"提取统计数据 {articles}/{articles}" and f"读取 seeds/ {seeds}/{seeds}" in progress
    assert all(re.fullmatch(r"(读取 seeds/|提取统计数据) \d+/\d+", line) for line in progress)


BASE_PYTHON = Path(sys.base_prefix) / "bin" / "python3"


@pytest.mark.skipif(not BASE_PYTHON.exists() or Path(sys.prefix) == Path(sys.base_prefix),
                    reason="needs a Python outside the project's venv")
def test_python_without_the_venv_says_which_python_to_use_in_one_line():
    proc = subprocess.run([str(BASE_PYTHON), "-m", "bot", "ask", "兰州"], cwd=ROOT, capture_output=True, text=True,
                          timeout=60, env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})
    if proc.returncode == 0:
        pytest.skip("that Python has the project's packages too")
    assert proc.stderr.count("\n") == 1 and ".venv/bin/python -m bot" in proc.stderr and "Traceback" not in proc.stderr


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_build_progress_on_a_terminal_is_a_bar():
    from bot.progress import reporter

    screen = _Terminal()
    assert list(reporter(screen)(list(range(40)), "facts")) == list(range(40))
    assert "提取统计数据:" in screen.getvalue() and "/40 [" in screen.getvalue()  # tqdm's bar, redrawn in place
