"""Guard: outputs must not depend on the CPU's numerics. Every snippet that trains with
floating point runs with oneDNN's optimisations switched the other way and one
intra-op thread, and must print exactly its record (made under the default numerics):
a float on a rounding edge fails here, not on a reader's machine. `suite` is how
`make test` runs all its blocks (these ones only this way); `make numerics` runs them
alone."""

from __future__ import annotations

import os
import re
import tempfile

from tools import ROOT
from tools.elsewhere import Elsewhere
from tools.execute import SHARED_SLOTS, hold_a_core
from tools.pages import collect
from tools.snippets import Block
from tools.verdicts import problem

TRAINS = re.compile(r"\.fit\(|apply_gradients|GradientTape|train_on_batch|\.minimize\(")


def default_onednn() -> str:
    """TF_ENABLE_ONEDNN_OPTS as this process runs (TensorFlow's default: on)."""
    return os.environ.get("TF_ENABLE_ONEDNN_OPTS", "1")


def other_numerics_env() -> dict[str, str]:
    flipped = "1" if default_onednn() == "0" else "0"
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


def start(blocks: list[Block]) -> Elsewhere:
    """Start running blocks under the other numerics, in a fresh interpreter, in the
    background; `.result()`: (what it reports as installed, with its intra-op threads
    and oneDNN setting; the outcomes)."""
    return Elsewhere(blocks, env=other_numerics_env())


OTHER, DEFAULT = "other numerics", "default numerics"


def suite(blocks: list[Block]) -> dict[str, tuple[list[Block], Elsewhere]]:
    """How `make test` runs its blocks, each once, in the background, in two fresh
    interpreters: the trainers under the other numerics, the rest under the default
    numerics. Their forks, and this process while it works (the build, the atlas,
    the browser tests), share one slot per core (tools.execute.Slots): a block then
    takes about as long as its recorded cost says (tools/costs.py), and no core
    idles while a block waits. {OTHER | DEFAULT: (blocks, their run)}."""
    global _slots
    chosen = trainers(blocks)
    others = [b for b in blocks if b not in chosen]
    _slots = _slots or tempfile.TemporaryDirectory(prefix="docs-slots-")
    os.environ[SHARED_SLOTS] = _slots.name
    runs = {}
    if others:
        runs[DEFAULT] = (others, Elsewhere(others))
    if chosen:
        runs[OTHER] = (chosen, start(chosen))
    hold_a_core()
    return runs


_slots: tempfile.TemporaryDirectory | None = None  # the suite's slots, while it runs


HINT = (
    "\n(run under the other numerics: oneDNN optimisations switched the other way "
    "and one intra-op thread. If `python {snippet}` prints the record on your machine, "
    "the output depends on the CPU's numerics: print a fact or a coarse bin instead.)"
)


def run(root=ROOT) -> dict[str, str | None]:
    """Run the trainers of the project at root under the other numerics, in a fresh
    interpreter; {block id: problem or None}."""
    blocks = trainers(collect(root).snippets())
    _, done = start(blocks).result()
    return {b.id: problem(b, o) for b, o in zip(blocks, done, strict=True)}
