"""How long `python -m bot add` takes to add one article to the seed corpus.

    python benchmarks/add_speed.py [--rounds 3]

Each round copies seeds/ and the hand-kept corpus/ files to a temporary project, builds it
(with its search index, as a clone after `make run` has it), then times a whole
`python -m bot add` of one test fixture in a fresh interpreter: reading and checking the
file, the preview build, writing the seed and corpus/, and saving the new search index.
Both fixtures are timed: 武进 goes to a park parks.toml holds, 徐庄 registers a new one
(which loads the lexicon a second time, with the new name). Wall time depends on what else
the machine runs; the CPU time (user + system of the child process) much less.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


def project(root: Path) -> dict[str, str]:
    """A fresh copy of the project's seeds and hand-kept corpus files, built; its environment for the CLI."""
    shutil.copytree(ROOT / "seeds", root / "seeds")
    tracked = subprocess.run(["git", "ls-files", "corpus"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    (root / "corpus").mkdir()
    for name in tracked or [p.relative_to(ROOT).as_posix() for p in (ROOT / "corpus").glob("*.*")]:
        shutil.copy(ROOT / name, root / name)
    env = {**os.environ, "SEEDS_DIR": str(root / "seeds"), "CORPUS_DIR": str(root / "corpus"),
           "DATABASE_PATH": str(root / "questions.db")}
    subprocess.run([sys.executable, "-m", "bot", "build"], cwd=ROOT, env=env, check=True, capture_output=True)
    return env


def timed_add(fixture: Path) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        env = project(Path(tmp))
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "bot", "add", str(fixture)], cwd=ROOT, env=env, check=True,
                       capture_output=True)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    for fixture in (FIXTURES / "wujin_jschina.txt", FIXTURES / "xuzhuang_longhoo.txt"):
        runs = [timed_add(fixture) for _ in range(args.rounds)]
        walls, cpus = [r[0] for r in runs], [r[1] for r in runs]
        print(f"add {fixture.name}: wall median {statistics.median(walls):.2f} s (min {min(walls):.2f}), "
              f"CPU median {statistics.median(cpus):.2f} s (min {min(cpus):.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
