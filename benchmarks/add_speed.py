"""How long `python -m bot add` takes to add one article: to the seed corpus, and to a 100k-paragraph one.

    python benchmarks/add_speed.py [--rounds 3]
    python benchmarks/add_speed.py --paragraphs 100000 [--workdir /tmp/add_speed] [--rounds 3]

Each round copies seeds/ and the hand-kept corpus/ files to a temporary project, builds it
(with its search index, as a clone after `make run` has it), then times a whole
`python -m bot add` of one test fixture in a fresh interpreter: reading and checking the
file, the preview build, writing the seed and corpus/, and saving the new search index.
Both fixtures are timed: 武进 goes to a park parks.toml holds (only the new article is read
and cut, the index extended: bot/incremental.py), 徐庄 registers a new one (its name joins
the dictionary, so everything is built again). Wall time depends on what else the machine
runs; the CPU time (user + system of the child process) much less.

With --paragraphs N the project is a synthetic SEEDS directory of about N paragraphs, written
once to --workdir and reused: pages in the seed format (Markdown titles, a byline, paragraphs)
of articles of 4–12 paragraphs, each of one to four sentences of the seed articles drawn at
random with every digit redrawn (as benchmarks/scale.py makes its corpora), every title naming
a park of corpus/parks.toml so the articles are placed, not registered. One full
`python -m bot build` of it is timed (and its figures kept in the work directory), then each
round copies the built project (corpus/, its index and the build's stamp) and times the add.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
WUJIN, XUZHUANG = FIXTURES / "wujin_jschina.txt", FIXTURES / "xuzhuang_longhoo.txt"
# Titles: a park's name and one of these (no park-like word in them: the park is the title's only name).
TOPICS = ("党建引领产业发展", "以高质量党建促高质量发展", "党建工作纪实", "红色引擎赋能科技创新", "党建强链促发展",
          "党群服务中心建设见闻", "两个覆盖集中攻坚", "党建赋能营商环境")
REPORTERS = ("叶伟", "周崎良", "李华", "张娅利", "王珏")
# A sentence that a page would read as something else: a byline, a credit, a metadata line, a signature.
NOT_BODY = re.compile(r"记者|通讯员|▶|广告|供图|摄|来源|发布时间|编辑|讯|^——")
SENTENCE_END = re.compile(r"[。！？][”’」』）)\"]*$")


def project(root: Path) -> dict[str, str]:
    """A fresh copy of the project's seeds and hand-kept corpus files, built; its environment for the CLI."""
    shutil.copytree(ROOT / "seeds", root / "seeds")
    tracked = subprocess.run(["git", "ls-files", "corpus"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    (root / "corpus").mkdir()
    for name in tracked or [p.relative_to(ROOT).as_posix() for p in (ROOT / "corpus").glob("*.*")]:
        shutil.copy(ROOT / name, root / name)
    env = environment(root)
    subprocess.run([sys.executable, "-m", "bot", "build"], cwd=ROOT, env=env, check=True, capture_output=True)
    return env


def environment(root: Path) -> dict[str, str]:
    return {**os.environ, "SEEDS_DIR": str(root / "seeds"), "CORPUS_DIR": str(root / "corpus"),
            "DATABASE_PATH": str(root / "questions.db")}


def timed(command: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall and CPU seconds (user + system of the child) of `python -m bot …` in a fresh interpreter, and its output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "bot", *command], cwd=ROOT, env=env, check=True,
                          capture_output=True, text=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), done.stdout


def timed_add(fixture: Path) -> tuple[float, float, str]:
    with tempfile.TemporaryDirectory() as tmp:
        return timed(["add", str(fixture)], project(Path(tmp)))


# -- the synthetic corpus -------------------------------------------------------------------------


def body_sentences() -> list[str]:
    """The seed articles' sentences that read as text wherever they are put."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from scale import seed_sentences

    sentences, _, _ = seed_sentences()
    return [s for s in sentences if SENTENCE_END.search(s) and not NOT_BODY.search(s) and len(s) >= 8]


def synthetic_project(size: int, workdir: Path, seed: int) -> Path:
    """`workdir`/built: seeds/ of about `size` paragraphs and the hand-kept corpus/ files (made once, reused)."""
    root = workdir / "built"
    recipe = {"paragraphs": size, "seed": seed}
    if (root / "recipe.json").exists() and json.loads((root / "recipe.json").read_text()) == recipe:
        return root
    shutil.rmtree(root, ignore_errors=True)
    (root / "seeds").mkdir(parents=True)
    (root / "corpus").mkdir()
    for name in subprocess.run(["git", "ls-files", "corpus"], cwd=ROOT, capture_output=True, text=True).stdout.split():
        shutil.copy(ROOT / name, root / name)
    parks = [p["name"] for p in tomllib.loads((ROOT / "corpus" / "parks.toml").read_text(encoding="utf-8"))["park"]]
    sentences = body_sentences()
    rng = random.Random(seed)
    digit = re.compile(r"\d")
    made, page = 0, 0
    while made < size:
        lines: list[str] = []
        for _ in range(rng.randint(6, 10)):
            lines += [f"# {rng.choice(parks)}{rng.choice(TOPICS)}", f"▶ 本报记者 {rng.choice(REPORTERS)}"]
            for _ in range(rng.randint(4, 12)):
                text = "".join(rng.choices(sentences, k=rng.randint(1, 4)))
                lines.append(digit.sub(lambda m: str(rng.randrange(10)), text))
                made += 1
        text = "\n\n".join(lines) + "\n"
        name = f"{page:03d}_{hashlib.sha256(text.encode('utf-8')).hexdigest()[:16]}.txt"
        (root / "seeds" / name).write_text(text, encoding="utf-8")
        page += 1
    (root / "recipe.json").write_text(json.dumps(recipe))
    return root


def built_project(size: int, workdir: Path, seed: int) -> tuple[Path, dict]:
    """The synthetic project after one timed `python -m bot build` (its figures kept beside it, and reused)."""
    sys.path.insert(0, str(ROOT))
    from bot.incremental import code_version, read_stamp

    root = synthetic_project(size, workdir, seed)
    figures = root / "build.json"
    stamp = read_stamp(root / "corpus")
    if figures.exists() and stamp is not None and stamp["code"] == code_version():  # else built by other code
        return root, json.loads(figures.read_text())
    wall, cpu, out = timed(["build"], environment(root))
    result = {"wall": wall, "cpu": cpu, "load": os.getloadavg()[0], "output": out.strip().splitlines()[0]}
    figures.write_text(json.dumps(result, ensure_ascii=False))
    return root, result


def timed_synthetic_add(root: Path, fixture: Path, workdir: Path) -> tuple[float, float, str]:
    """A copy of the built project (seeds/, corpus/ with its index and stamp), and `add` timed on it."""
    run = workdir / "run"
    shutil.rmtree(run, ignore_errors=True)
    run.mkdir()
    for part in ("seeds", "corpus"):
        shutil.copytree(root / part, run / part)
    return timed(["add", str(fixture)], environment(run))


def report(name: str, runs: list[tuple[float, float, str]]) -> None:
    walls, cpus = [r[0] for r in runs], [r[1] for r in runs]
    how = next((line.strip() for line in runs[-1][2].splitlines() if "增量" in line or "完整重建" in line), "")
    print(f"add {name}: wall median {statistics.median(walls):.2f} s (min {min(walls):.2f}), "
          f"CPU median {statistics.median(cpus):.2f} s (min {min(cpus):.2f}) — {how}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--paragraphs", type=int, default=0, help="a synthetic corpus of about this many paragraphs")
    ap.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "add_speed",
                    help="where the synthetic corpus is written once and reused")
    ap.add_argument("--fallback-rounds", type=int, default=1, help="rounds of the new-park add (a full build)")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    if not args.paragraphs:
        for fixture in (WUJIN, XUZHUANG):
            report(fixture.name, [timed_add(fixture) for _ in range(args.rounds)])
        return 0
    workdir = args.workdir / str(args.paragraphs)
    root, build = built_project(args.paragraphs, workdir, args.seed)
    print(f"synthetic corpus in {root}: {len(list((root / 'seeds').iterdir()))} seed files; "
          f"python -m bot build: wall {build['wall']:.1f} s, CPU {build['cpu']:.1f} s "
          f"(load average {build['load']:.1f}) — {build['output']}")
    report(f"{WUJIN.name} (a known park)", [timed_synthetic_add(root, WUJIN, workdir) for _ in range(args.rounds)])
    print(f"load average {os.getloadavg()[0]:.1f}")
    report(f"{XUZHUANG.name} (a new park)",
           [timed_synthetic_add(root, XUZHUANG, workdir) for _ in range(args.fallback_rounds)])
    print(f"load average {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
