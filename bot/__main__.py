import os
import sys

# numpy's OpenBLAS starts a pool of threads when imported, which spin waiting for work: nothing here multiplies
# matrices, and on the 2-core machine they cost every `python -m bot …` about 50 ms of CPU (0.34 -> 0.28 s CPU
# for an `ask`, more wall time when the machine is busy). Set before numpy loads; a value the user set wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

try:
    from bot.console import threads_leave_ctrl_c_alone

    with threads_leave_ctrl_c_alone():  # libraries that start threads on import
        from bot.cli import main
    status = main()  # some packages are imported where first used (start-up): a missing one shows only then
except ModuleNotFoundError as err:
    if err.name and err.name.split(".")[0] == "bot":
        raise
    # `python -m bot` with a Python that lacks the project's packages (not the venv's). bot.render needs
    # those packages to load, so this one sentence lives here.
    sys.exit(f"缺少依赖 {err.name}：请用项目的虚拟环境运行，例如 .venv/bin/python -m bot …"
             "（没有 .venv 时先运行 make setup），或先 source .venv/bin/activate 再用 python -m bot …")

sys.exit(status)
