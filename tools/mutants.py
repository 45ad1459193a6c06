"""Mutation test of the proofs: flip each `training=True/False` literal (in calls and in
`call` signatures) and each `set_learning_phase(0/1)` argument, one at a time, and run
the mutant; it is caught when it fails or prints other than the recorded output (the
runner stops it at its first line that differs). A flip that cannot matter says why
with a `# flip-safe: <reason>` comment on its line, and is not run. What was found is
kept per snippet content in tests/mutants.json, and recalled while a snippet is as it
was."""

from __future__ import annotations

import ast
import dataclasses
import hashlib
import json
import pathlib

from tools import ROOT, includes, site
from tools.execute import run_many
from tools.snippets import Block, source_hash
from tools.verdicts import SAME, first_difference, verdict

RECORD = "tests/mutants.json"  # what `make mutants` found, per snippet content

SAFE = "# flip-safe:"
MARKED_SAFE = "# <- flip-safe:"  # on a line the page is about (includes.MARK)
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
    recalled: bool = False  # taken from RECORD: the snippet is as it was when run

    @property
    def name(self) -> str:
        """The flip within its snippet, as RECORD keys it."""
        return f"{self.line}:{self.col + 1} {self.old}->{self.new}"

    @property
    def where(self) -> str:
        return f"{self.block.snippet}:{self.line}:{self.col + 1}"

    @property
    def safe_reason(self) -> str | None:
        text = self.block.code.splitlines()[self.line - 1].replace(MARKED_SAFE, SAFE)
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


def proofs(blocks: list[Block], root: pathlib.Path = ROOT) -> list[Block]:
    """The blocks whose flips a run can judge: not a module that a page shows for
    readers to save and that prints nothing (the atlas's engine: tests/test_atlas.py
    flips it through its cells)."""
    modules = includes.modules(site.docs_dir(root))
    return [b for b in blocks if b.expected is not None or b.snippet not in modules]


def run(blocks: list[Block], jobs: int | None = None) -> list[Flip]:
    """Run every flip of the given blocks (one block per snippet: see
    `Collection.snippets`) that `proofs` keeps; each Flip gets caught and how."""
    blocks = proofs(blocks, blocks[0].root) if blocks else blocks
    found = [flip for block in blocks for flip in flips(block)]
    for flip in found:  # its line says why it cannot matter: nothing to prove by a run
        if flip.safe_reason:
            flip.caught, flip.how = False, f"flip-safe: {flip.safe_reason} (not run)"
    todo = [flip for flip in found if not flip.safe_reason]
    mutated = (
        run_many([f.mutant() for f in todo], jobs, stop_when=first_difference)
        if todo
        else []
    )
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
            flip.caught, flip.how = False, "SURVIVED: same output, exit 0"
    return found


def pins_hash(root: pathlib.Path = ROOT) -> str:
    """The pinned versions a record was made with (requirements.lock)."""
    lock = root / "requirements.lock"
    data = lock.read_bytes() if lock.is_file() else b"<none>"
    return hashlib.sha256(data).hexdigest()[:16]


def load(root: pathlib.Path = ROOT) -> dict:
    path = root / RECORD
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return record if record.get("pins") == pins_hash(root) else {}


def save(done: list[Flip], root: pathlib.Path = ROOT, everything=False) -> None:
    """Write what these flips found into RECORD, per snippet: its content hash and, per
    flip, whether it was caught (the how is not kept: it may depend on when the runner
    saw the first differing line). A snippet's entry is replaced as a whole; the other
    snippets' entries stay, unless `everything` (a full `make mutants`: entries of
    snippets no longer shown go)."""
    record = (not everything and load(root)) or {
        "pins": pins_hash(root),
        "snippets": {},
    }
    for snippet in {flip.block.snippet for flip in done}:
        record["snippets"][snippet] = {
            "hash": source_hash(snippet, root),
            "flips": {},
        }
    for flip in done:
        entry = record["snippets"][flip.block.snippet]
        entry["flips"][flip.name] = bool(flip.caught)
    record["snippets"] = dict(sorted(record["snippets"].items()))
    path = root / RECORD
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n", "utf-8")


def run_or_recall(blocks: list[Block], root: pathlib.Path = ROOT) -> list[Flip]:
    """Every flip of the blocks: recalled from RECORD for a snippet whose text, recorded
    output, imported modules and pins are as they were when its flips ran and were all
    recorded; run now for every other snippet (incremental, as a mutation tool's cache,
    but committed: `make mutants` rewrites it, the matrix workflow checks it)."""
    record = load(root).get("snippets", {})
    fresh, stale = [], []
    for block in proofs(blocks, root):
        entry = record.get(block.snippet) or {}
        found = flips(block)
        names = {f.name for f in found}
        if (
            entry.get("hash") == source_hash(block.snippet, root)
            and set(entry.get("flips", {})) == names
        ):
            for flip in found:
                flip.recalled = True
                flip.caught = entry["flips"][flip.name]
                flip.how = "recorded" if flip.caught else "recorded as not caught"
                if flip.safe_reason:
                    flip.how = f"flip-safe: {flip.safe_reason} (not run)"
                elif not flip.caught:
                    flip.how = "SURVIVED (recorded): same output, exit 0"
            fresh += found
        else:
            stale.append(block)
    return fresh + run(stale)


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
    recalled = sum(f.recalled for f in done)
    if recalled:
        lines.append(
            f"{len(done) - recalled} flips run now, {recalled} recalled from {RECORD} "
            "(their snippets are as they were when `make mutants` ran them)"
        )
    lines.append(
        f"{len(done)} flips: {caught} caught ({share:.0%}), "
        f"{len(done) - caught} survived, "
        f"{len(unexplained)} of them without a `{SAFE}` reason; "
        "target: >= 90 % caught, every survivor "
        f"explained: {'met' if ok else 'NOT met'}"
    )
    return "\n".join(lines), ok
