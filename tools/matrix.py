"""`make matrix`: every snippet the pages show, and the atlas, run on each version
column (tools/columns.py) in the column's interpreter (tools/environments.py,
tools/elsewhere.py); one record per column (tools/records.py) and one atlas record
(tools/atlas.py). Also `make matrix-lock` (the columns' locks) and `make matrix-stale`
(fail when a record no longer describes what the pages show)."""

from __future__ import annotations

import json
import pathlib
import sys
import time

from tools import ROOT, atlas, crossing, site
from tools.columns import (
    COLUMN_NAMES,
    COLUMNS,
    ENVS,
    NIGHTLY,
    Column,
    interpreter,
    released,
)
from tools.elsewhere import ElsewhereError, run_elsewhere
from tools.environments import (
    LOCKS,
    PYTHON_VERSION,
    SetupError,
    compile_lock,
    lock_file,
    newer_keras,
    unlocked,
    version_key,
)
from tools.includes import shown
from tools.pages import collect
from tools.records import (
    VERSIONS,
    changed_results,
    counts,
    current,
    dump,
    load_records,
    record_path,
    stale,
)
from tools.snippets import Block, not_applicable, source_hash
from tools.verdicts import NA, recorded_verdict, scrub


def run_column(
    column: Column,
    blocks: list[Block],
    root: pathlib.Path = ROOT,
    hashes: dict[str, str] | None = None,
    atlas_grid: str = "",
) -> dict:
    """The record of one column: set up its environment, run what applies, judge;
    with an atlas_grid (atlas.FULL or atlas.PAIRWISE), that grid of the atlas too
    (`record["atlas"]`, written apart by `run`). `hashes`: the source hashes taken
    when the blocks were collected (default: now)."""
    if hashes is None:
        hashes = {b.snippet: source_hash(b.snippet, root) for b in blocks}
    record: dict = {
        "column": column.name,
        "title": column.title,
        "flavour": column.flavour,
        "pins": column.pins(),
        "installed": None,
        "error": None,
        "snippets": {},
    }
    runs = [b for b in blocks if not not_applicable(b.snippet, column.flavour, root)]
    cells = atlas.cells(atlas_grid, root)
    grid = atlas.blocks(cells, column.flavour, root)
    try:
        python, env = interpreter(column, root)
        installed, outcomes = run_elsewhere(runs + grid, python, env)
    except (SetupError, ElsewhereError) as exc:
        record["error"] = f"could not be set up: {scrub(str(exc), root)}"
        return record
    record["installed"] = installed
    wrong = {
        name: installed.get(name)
        for name, version in column.pins().items()
        if installed.get(name, version) != version
    }
    imported = installed.get("imported keras", "")
    if column.next_release and not imported.startswith(NIGHTLY.replace("-", "_")):
        wrong["imported keras"] = imported
    if wrong:
        record["error"] = f"installed {wrong}, not the pinned {column.pins()}"
        return record
    outcomes, grid_outcomes = outcomes[: len(runs)], outcomes[len(runs) :]
    if cells:
        found, failed = atlas.results(grid_outcomes)
        record["atlas"] = atlas.record(column, found, atlas_grid, root)
        record["atlas_seconds"] = sum(o.seconds for o in grid_outcomes)
        if failed:
            record["error"] = f"the atlas stopped: {failed[0]}"
            return record
    by_snippet = dict(zip((b.snippet for b in runs), outcomes, strict=True))
    for block in blocks:
        reason = not_applicable(block.snippet, column.flavour, root)
        entry = {"hash": hashes[block.snippet]}
        if reason:
            entry.update(result=NA, detail=reason)
        else:
            outcome = by_snippet[block.snippet]
            result, detail = recorded_verdict(block.expected, outcome, root)
            entry.update(result=result, detail=detail)
            if column.next_release:  # what the next release prints, for the pages
                entry["output"] = outcome.stdout
        record["snippets"][block.snippet] = entry
    return record


def run(
    names: list[str] | None = None,
    root: pathlib.Path = ROOT,
    atlas_grid: str = atlas.FULL,
    skip_current: bool = False,
) -> int:
    """`make matrix [COLUMNS=...]`: run the columns, write their records, time them.
    skip_current (`STALE=1`): in each column, keep every current entry (and the atlas
    record when grid.py is unchanged); run only the rest."""
    unknown = sorted(set(names or []) - set(COLUMN_NAMES))
    if unknown:
        print(f"unknown column(s) {unknown}; the columns are {list(COLUMN_NAMES)}")
        return 2
    columns = [c for c in COLUMNS if not names or c.name in names]
    blocks = sorted(collect(root).snippets(), key=lambda b: b.snippet)
    hashes = {b.snippet: source_hash(b.snippet, root) for b in blocks}  # as collected
    (root / VERSIONS).mkdir(exist_ok=True)
    start, failed = time.monotonic(), 0
    for column in columns:
        began = time.monotonic()
        print(f"{column.name}: {column.title}", flush=True)
        old = load_records(root).get(column.name) if skip_current else None
        kept = {
            b.snippet: entry
            for b in blocks
            if (entry := current(old, b.snippet, column, root))
        }
        if old and not old.get("error") and old.get("pins") == column.pins():
            todo = [b for b in blocks if b.snippet not in kept]
            grid_old = atlas.load(column.name, root)
            keep_grid = (
                atlas.is_current(grid_old, root) and grid_old["grid"] == atlas_grid
            )
            print(f"  {len(todo)} snippet(s) to record, {len(kept)} kept", flush=True)
            record = run_column(
                column, todo, root, hashes, "" if keep_grid else atlas_grid
            )
            if not record["error"]:
                record["snippets"] = dict(
                    sorted({**kept, **record["snippets"]}.items())
                )
        else:
            record = run_column(column, blocks, root, hashes, atlas_grid)
        grid = record.pop("atlas", None)
        work = record.pop("atlas_seconds", 0.0)
        if grid is not None:
            path = atlas.record_path(column.name, root)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(dump(grid), encoding="utf-8")
            errors = sum("error" in c for c in grid["cells"].values())
            print(
                f"  atlas: {len(grid['cells'])} cells ({errors} raised), "
                f"{work:.0f} s of work in the forks"
            )
        record_path(column.name, root).write_text(dump(record), encoding="utf-8")
        seconds = time.monotonic() - began
        if record["error"]:
            failed += 1
            print(f"  {record['error']}")
        tally = ", ".join(f"{n} {r}" for r, n in counts(record).items())
        print(f"  {tally}  ({seconds:.0f} s)", flush=True)
    if not names and (not skip_current or crossing.stale(root)):
        failed += crossing.run(root)  # the files are saved again on every full run
    total = time.monotonic() - start
    print(f"matrix: {len(columns)} column(s) in {total:.0f} s; records in {VERSIONS}/")
    _tripwire()
    return 1 if failed else 0


def newer_release(columns=COLUMNS, python: str = sys.executable) -> str | None:
    """A sentence when the registry serves a Keras release newer than the newest
    Keras 3 column, naming the column to add; None when not (or not known)."""
    ours = [c.keras for c in released(columns)]
    newest = newer_keras(ours, python)
    if newest is None:
        return None
    minor = ".".join(newest.split(".")[:2])
    return (
        f"keras {newest} is on the registry, newer than the newest column "
        f"(Keras {max(ours, key=version_key)}): "
        f"add a column tf<TF>-keras{minor} to COLUMNS in tools/columns.py (on a "
        f"TensorFlow release that declares it), then `make matrix-lock` and "
        f"`make matrix COLUMNS=tf<TF>-keras{minor}`"
    )


def _tripwire() -> None:
    tripwire = newer_release()
    if tripwire:
        print(f"NOTE: {tripwire}")


def write_locks(root: pathlib.Path = ROOT, every: bool = False) -> int:
    """`make matrix-lock`: write the locks whose pins changed (all with `every`) and
    move the nightly's lock to the newest nightly."""
    (root / LOCKS).mkdir(exist_ok=True)
    wanted = [(name, env.pins, False) for name, env in ENVS.items()]
    wanted += [
        (pin, (NIGHTLY,) if pin == NIGHTLY else (pin,), True)
        for c in COLUMNS
        for pin in c.overlay
    ]
    for name, pins, alone in dict.fromkeys(wanted):
        lock = lock_file(f"{NIGHTLY}==" if name == NIGHTLY else name, root)
        moving = pins == (NIGHTLY,)
        if not (every or moving or unlocked(lock, pins)):
            continue
        body = compile_lock("\n".join(pins) + "\n", "matrix pins", alone, moving)
        what = "the newest keras-nightly" if moving else ", ".join(pins)
        lock.write_text(
            "# Generated by `make matrix-lock` from tools/matrix.py: do not edit.\n"
            f"# {what}"
            + (" alone (installed --no-deps)" if alone else ", and what they need")
            + ", pinned with hashes, for Python 3.11.\n"
            + body
        )
        print(f"wrote {lock.relative_to(root)}")
    return 0


def report_stale(root: pathlib.Path = ROOT) -> int:
    """`make matrix-stale`: fail when a record is missing or no longer current for a
    snippet the pages show (the pages as the site's build reads them)."""
    found = stale(root, load_records(root), shown(site.docs_dir(root), root))
    found += [why] if (why := crossing.stale(root)) else []
    print("\n".join(found) or "every record describes the snippets as they are")
    _tripwire()
    return 1 if found else 0


def compare(old_file: str, new_file: str) -> int:
    """Fail when a result changed between two records of one column."""
    old, new = (json.loads(pathlib.Path(p).read_text()) for p in (old_file, new_file))
    lines = changed_results(old, new)
    print("\n".join(lines) or "no result changed")
    return 1 if lines else 0


def check_python() -> str | None:
    """Why this interpreter cannot run `make matrix`, or None."""
    if sys.version_info[:2] != tuple(int(p) for p in PYTHON_VERSION.split(".")):
        return f"make matrix needs Python {PYTHON_VERSION} (the columns' interpreter)"
    return None
