"""Guard: outputs must not depend on the CPU's numerics. Every snippet that computes
with floating point in a training loop runs a second time with oneDNN's optimisations
switched the other way (TF_ENABLE_ONEDNN_OPTS) and one intra-op thread, and must print
exactly its record. A float printed on a rounding edge fails here, on one machine,
instead of on a reader's."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

from tools import ROOT
from tools.execute import judge, run_many
from tools.pages import Block, collect

TRAINS = re.compile(r"\.fit\(|apply_gradients|GradientTape|train_on_batch|\.minimize\(")


def other_numerics_env() -> dict[str, str]:
    flipped = "1" if os.environ.get("TF_ENABLE_ONEDNN_OPTS", "1") == "0" else "0"
    env = dict(
        os.environ,
        TF_ENABLE_ONEDNN_OPTS=flipped,
        TF_NUM_INTRAOP_THREADS="1",
        DOCS_INTRA_OP_THREADS="1",
    )
    env.pop("TF_USE_LEGACY_KERAS", None)
    return env


def trainers(blocks: list[Block]) -> list[Block]:
    """The distinct snippets with a recorded output that train with floating point."""
    seen, chosen = set(), []
    for b in blocks:
        if b.expected is not None and b.snippet not in seen and TRAINS.search(b.code):
            seen.add(b.snippet)
            chosen.append(b)
    return chosen


def child_main(root=ROOT) -> int:
    """In the process started by `run`: run the trainers here and print {block id:
    problem or None} as JSON."""
    from tools.execute import warm_up

    warm_up()
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(
        int(os.environ["DOCS_INTRA_OP_THREADS"])
    )
    blocks = trainers(collect(root)[0])
    problems = {
        b.id: judge(b, o) for b, o in zip(blocks, run_many(blocks), strict=True)
    }
    print(json.dumps(problems))
    return 0


def run(root=ROOT) -> dict[str, str | None]:
    """Run the trainers of the project at root under the other numerics; {block id:
    problem or None}."""
    env = other_numerics_env()
    proc = subprocess.run(
        [sys.executable, "-m", "tools", "numerics", "--child", "--root", str(root)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if proc.returncode:
        raise RuntimeError(f"the second-numerics run failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])
