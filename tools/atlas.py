"""The behaviour atlas: every way to call a model (grid.CALLS) x every way to write it
(grid.STYLES) x what stands in front of it (grid.FRONTS), measured per observed layer
by snippets/atlas/grid.py on each column, recorded in versions/atlas/<column>.json.
A cell runs as part of a block: grid.py's text (its Keras 2 twin on a Keras 2 column)
and a few lines that print one JSON line per cell; running the text, not importing
it, lets the mutation test flip a literal in it and see the atlas change."""

from __future__ import annotations

import ast
import hashlib
import itertools
import json
import pathlib

from tools import ROOT, costs
from tools.snippets import KERAS2, Block, twin_of, twin_text

GRID = "snippets/atlas/grid.py"
ATLAS_RECORDS = "versions/atlas"  # versions/atlas/<column>.json, committed
PER_BLOCK = 8  # cells per fork: the Keras import is paid once per block
FULL, PAIRWISE = "full", "pairwise"  # the grids a record may hold


def axes(root: pathlib.Path = ROOT) -> dict[str, tuple[str, ...]]:
    """CALLS, STYLES, FRONTS and LAYERS as grid.py declares them (read, not run)."""
    tree = ast.parse((root / GRID).read_text(encoding="utf-8"))
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            if name in ("CALLS", "STYLES", "FRONTS", "LAYERS"):
                found[name.lower().removesuffix("s")] = ast.literal_eval(node.value)
    return found


def key(call: str, style: str, front: str) -> str:
    return f"{call}|{style}|{front}"


def full(root: pathlib.Path = ROOT) -> list[tuple[str, str, str]]:
    a = axes(root)
    return list(itertools.product(a["call"], a["style"], a["front"]))


def pairwise(root: pathlib.Path = ROOT) -> list[tuple[str, str, str]]:
    """A covering subset: every (call, style), (call, front) and (style, front) pair
    at least once. The front turns with call and style, so each call meets every
    front across the styles and each style meets every front across the calls."""
    a = axes(root)
    fronts = a["front"]
    return [
        (call, style, fronts[(i + j) % len(fronts)])
        for i, call in enumerate(a["call"])
        for j, style in enumerate(a["style"])
    ]


def cells(grid: str, root: pathlib.Path = ROOT) -> list[tuple[str, str, str]]:
    """The cells of a grid by its name (FULL, PAIRWISE); none for any other name."""
    return {FULL: full, PAIRWISE: pairwise}.get(grid, lambda root: [])(root)


def covers_every_pair(cells: list[tuple[str, str, str]], root=ROOT) -> bool:
    a = axes(root)
    for (x, ax), (y, ay) in itertools.combinations(
        enumerate((a["call"], a["style"], a["front"])), 2
    ):
        seen = {(c[x], c[y]) for c in cells}
        if seen != set(itertools.product(ax, ay)):
            return False
    return True


RUNNER = """

if __name__ == "__main__":
    import json as _json

    for _cell in {cells!r}:
        try:
            _found = {{"result": cell(*_cell)}}
        except Exception as _exc:  # one cell's error is its result
            _message = str(_exc).strip().splitlines() or [""]
            _found = {{"error": f"{{type(_exc).__name__}}: {{_message[0][:200]}}"}}
        print(_json.dumps({{"cell": "|".join(_cell), **_found}}), flush=True)
"""


def blocks(
    cells: list[tuple[str, str, str]],
    flavour: str,
    root: pathlib.Path = ROOT,
    grid_text: str | None = None,
) -> list[Block]:
    """The cells as blocks to run (PER_BLOCK cells each), for one flavour."""
    if not cells:
        return []
    text = grid_text if grid_text is not None else (root / GRID).read_text("utf-8")
    snippet = GRID
    if flavour == KERAS2:  # the committed twin's text, as a reader pastes it
        text, snippet = twin_text(text), twin_of(GRID)
    found = []
    for start in range(0, len(cells), PER_BLOCK):
        chunk = cells[start : start + PER_BLOCK]
        code = text + RUNNER.format(cells=[tuple(c) for c in chunk])
        found.append(
            Block(f"atlas ({flavour})", start + 1, code, snippet, None, None, root)
        )
    return found


def results(outcomes) -> tuple[dict[str, dict], list[str]]:
    """Cells found in the blocks' outputs, and the blocks that failed as a whole."""
    cells, failed = {}, []
    for outcome in outcomes:
        for line in outcome.stdout.splitlines():
            if line.startswith("{"):
                data = json.loads(line)
                cells[data.pop("cell")] = data.get("result") or {"error": data["error"]}
        if outcome.status is None:
            failed.append(
                f"a block of {PER_BLOCK} cells "
                + costs.overrun(outcome.timeout, outcome.cost)
            )
        elif outcome.status != 0:
            last = outcome.stderr.strip().splitlines() or [f"status {outcome.status}"]
            failed.append(last[-1][:300])
    return cells, failed


def grid_hash(root: pathlib.Path = ROOT) -> str:
    return hashlib.sha256((root / GRID).read_bytes()).hexdigest()[:16]


def record(column, cells: dict[str, dict], grid: str, root=ROOT) -> dict:
    return {
        "column": column.name,
        "title": column.title,
        "short": column.short,
        "flavour": column.flavour,
        "grid": grid,
        "hash": grid_hash(root),
        "axes": axes(root),
        "cells": dict(sorted(cells.items())),
    }


def record_path(column: str, root: pathlib.Path = ROOT) -> pathlib.Path:
    return root / ATLAS_RECORDS / f"{column}.json"


def load(column: str, root: pathlib.Path = ROOT) -> dict | None:
    path = record_path(column, root)
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def is_current(record: dict | None, root: pathlib.Path = ROOT) -> bool:
    """Whether an atlas record was made by grid.py as it is now."""
    return bool(record) and record.get("hash") == grid_hash(root)


def differences(recorded: dict[str, dict], measured: dict[str, dict]) -> list[str]:
    """A line per measured cell whose layers read otherwise in the record."""
    lines = []
    for cell, now in sorted(measured.items()):
        was = recorded.get(cell)
        if was is None:
            lines.append(f"{cell}: not in the record")
        elif was != now:
            moved = {
                k: f"{was.get(k)} -> {now.get(k)}"
                for k in now
                if was.get(k) != now.get(k)
            }
            lines.append(f"{cell}: {moved or now}")
    return lines
