"""How long a block may run: its recorded cost times a multiple, never under a floor.

A block's cost is the seconds it took as `make test` runs it (under the numerics guard
where it runs there), kept per snippet in tests/block-costs.json: committed, so a
clean clone has it, and rewritten by `make costs` (a whole `make test` that records
what it measured). The same figures order every run: the costliest block starts first.
No recorded cost may exceed MAX_COST (a guard test holds the figures to it)."""

from __future__ import annotations

import json
import pathlib

from tools import ROOT

COSTS = "tests/block-costs.json"
MULTIPLE = 4.0  # a block may take 4 times its recorded cost (a busy, slower machine)...
FLOOR = 60.0  # ...and never less than this many seconds (start-up, a loaded machine)
MAX_COST = 45.0  # the most a block may cost as `make test` runs it
# A block with no recorded cost: a new snippet, a block of atlas cells (not timed by
# `make test`) may take what the costliest allowed block may.
UNRECORDED = MULTIPLE * MAX_COST
REFRESH = "refresh the cost figures with `make costs` and commit " + COSTS


def load(root: pathlib.Path = ROOT) -> dict[str, float]:
    """{snippet path from the project root: seconds}; empty when there is no file."""
    try:
        data = json.loads((root / COSTS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): float(v) for k, v in data.items()}


def limit(cost: float | None) -> float:
    """The seconds a block of this recorded cost may run (None: not recorded). A
    mutant has its snippet's limit: it is the same code with one literal flipped."""
    if cost is None:
        return UNRECORDED
    return max(FLOOR, MULTIPLE * cost)


def overrun(seconds_allowed: float, cost: float | None) -> str:
    """Why a block was stopped: its limit and where that limit comes from."""
    if seconds_allowed != limit(cost):
        source = "a limit its caller set"
    elif cost is None:
        source = (
            f"it has no recorded cost (a new snippet or an atlas block), so it may "
            f"take {MULTIPLE:g} x {MAX_COST:g} s"
        )
    else:
        source = (
            f"its recorded cost is {cost:g} s; the limit is {MULTIPLE:g} x the "
            f"cost, at least {FLOOR:g} s"
        )
    return (
        f"did not finish within its limit of {seconds_allowed:.0f} s ({source}). "
        f"If it really costs more now, {REFRESH}"
    )


def write(measured: dict[str, float], root: pathlib.Path = ROOT) -> pathlib.Path:
    """Record the seconds measured for each snippet ({snippet: seconds}; the caller
    keeps the largest when several blocks show one snippet), replacing the file."""
    path = root / COSTS
    text = json.dumps({k: round(v, 1) for k, v in sorted(measured.items())}, indent=0)
    path.write_text(text + "\n", encoding="utf-8")
    return path
