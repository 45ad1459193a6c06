"""Mutation test of the proofs: flip each `training=True/False` literal (in calls and in
`call` signatures) and each `set_learning_phase(0/1)` argument in a snippet's code, one
at a time, and run the mutant through the runner. A flip is caught when the mutant fails
or prints something other than the recorded output (the runner stops a mutant at its
first line that differs). A flip that cannot matter must say
why on its own line with a `# flip-safe: <reason>` comment."""

from __future__ import annotations

import ast
import dataclasses

from tools.execute import SAME, run_many, verdict
from tools.pages import Block

SAFE = "# flip-safe:"
PHASE_CALLS = {"set_learning_phase", "learning_phase_scope"}


@dataclasses.dataclass
class Flip:
    block: Block
    line: int  # 1-based line in the snippet
    col: int
    old: str
    new: str
    caught: bool | None = None
    how: str = ""

    @property
    def where(self) -> str:
        return f"{self.block.snippet}:{self.line}:{self.col + 1}"

    @property
    def safe_reason(self) -> str | None:
        text = self.block.code.splitlines()[self.line - 1]
        return text.split(SAFE, 1)[1].strip() if SAFE in text else None

    def mutant(self) -> Block:
        lines = self.block.code.splitlines(keepends=True)
        text = lines[self.line - 1]
        assert text[self.col : self.col + len(self.old)] == self.old, (self.where, text)
        lines[self.line - 1] = (
            text[: self.col] + self.new + text[self.col + len(self.old) :]
        )
        return dataclasses.replace(self.block, code="".join(lines))


def _flipped(node: ast.AST) -> tuple[str, str] | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, bool):
        return str(node.value), str(not node.value)
    if (
        isinstance(node, ast.Constant)
        and type(node.value) is int
        and node.value in (0, 1)
    ):
        return str(node.value), str(1 - node.value)
    return None


def flips(block: Block) -> list[Flip]:
    """Every literal of the block whose flip the proof must notice, in source order."""
    found = []

    def add(node):
        pair = _flipped(node)
        if pair:
            found.append(Flip(block, node.lineno, node.col_offset, *pair))

    for node in ast.walk(ast.parse(block.code)):
        if isinstance(node, ast.keyword) and node.arg == "training":
            if isinstance(node.value, ast.Constant) and isinstance(
                node.value.value, bool
            ):
                add(node.value)
        elif isinstance(node, ast.arguments):
            args = node.posonlyargs + node.args
            for arg, default in zip(
                args[len(args) - len(node.defaults) :], node.defaults, strict=True
            ):
                if (
                    arg.arg == "training"
                    and isinstance(default, ast.Constant)
                    and isinstance(default.value, bool)
                ):
                    add(default)
            for arg, default in zip(node.kwonlyargs, node.kw_defaults, strict=True):
                if (
                    arg.arg == "training"
                    and isinstance(default, ast.Constant)
                    and isinstance(default.value, bool)
                ):
                    add(default)
        elif isinstance(node, ast.Call) and node.args:
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name in PHASE_CALLS and isinstance(node.args[0], ast.Constant):
                if type(node.args[0].value) is int and node.args[0].value in (0, 1):
                    add(node.args[0])
    return sorted(found, key=lambda f: (f.line, f.col))


def run(blocks: list[Block], jobs: int | None = None) -> list[Flip]:
    """Run every flip of the given blocks (one block per snippet: see
    `Collection.snippets`); each Flip gets caught and how."""
    todo = [flip for block in blocks for flip in flips(block)]
    mutated = run_many([f.mutant() for f in todo], jobs, stop_at_difference=True)
    for flip, outcome in zip(todo, mutated, strict=True):
        result, detail = verdict(flip.block.expected, outcome)
        if outcome.diverged:
            flip.caught, flip.how = True, "output changed (stopped there)"
        elif outcome.status is None:
            flip.caught, flip.how = True, "timed out"
        elif outcome.status != 0:
            last = (detail.strip().splitlines() or ["?"])[-1]
            flip.caught, flip.how = True, f"failed: {last[:100]}"
        elif result != SAME:
            flip.caught, flip.how = True, "output changed"
        else:
            flip.caught = False
            flip.how = (
                f"flip-safe: {flip.safe_reason}"
                if flip.safe_reason
                else "SURVIVED: same output, exit 0"
            )
    return todo


def report(done: list[Flip]) -> tuple[str, bool]:
    """A line per flip, a summary, and whether the target holds (>= 90 % caught, every
    survivor flip-safe)."""
    lines = [
        f"{f.where}  {f.old} -> {f.new}: {'caught, ' if f.caught else ''}{f.how}"
        for f in done
    ]
    caught = sum(f.caught for f in done)
    unexplained = [f for f in done if not f.caught and not f.safe_reason]
    share = caught / len(done) if done else 1.0
    ok = share >= 0.9 and not unexplained
    lines.append(
        f"{len(done)} flips: {caught} caught ({share:.0%}), "
        f"{len(done) - caught} survived, "
        f"{len(unexplained)} of them without a `{SAFE}` reason; "
        "target: >= 90 % caught, every survivor "
        f"explained: {'met' if ok else 'NOT met'}"
    )
    return "\n".join(lines), ok
