"""Guard: outputs must not depend on the CPU's numerics. Every snippet that computes
with floating point in a training loop runs a second time with oneDNN's optimisations
switched the other way (TF_ENABLE_ONEDNN_OPTS) and one intra-op thread, and must print
exactly its record. A float printed on a rounding edge fails here, on one machine,
instead of on a reader's."""

from __future__ import annotations

import os
import re

from tools import ROOT
from tools.execute import judge, run_elsewhere
from tools.pages import Block, collect

TRAINS = re.compile(r"\.fit\(|apply_gradients|GradientTape|train_on_batch|\.minimize\(")


def other_numerics_env() -> dict[str, str]:
    flipped = "1" if os.environ.get("TF_ENABLE_ONEDNN_OPTS", "1") == "0" else "0"
    return dict(
        os.environ,
        TF_ENABLE_ONEDNN_OPTS=flipped,
        TF_NUM_INTRAOP_THREADS="1",
        DOCS_INTRA_OP_THREADS="1",  # read by `python -m tools run-blocks`
    )


def trainers(blocks: list[Block]) -> list[Block]:
    """The snippets with a recorded output that train with floating point (blocks: one
    per snippet, as `Collection.snippets` gives them)."""
    return [b for b in blocks if b.expected is not None and TRAINS.search(b.code)]


def run(root=ROOT) -> dict[str, str | None]:
    """Run the trainers of the project at root under the other numerics, in a fresh
    interpreter; {block id: problem or None}."""
    blocks = trainers(collect(root).snippets())
    _, outcomes = run_elsewhere(blocks, env=other_numerics_env())
    return {b.id: judge(b, o) for b, o in zip(blocks, outcomes, strict=True)}
