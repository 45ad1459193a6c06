"""`make check ONLY=snippets/<topic>/<name>.py`: the contributor loop for one snippet.

Runs the snippet and its Keras 2 twin (or, given a twin, its source), compares each
with the output its page shows (its own `.out` record), runs their mutants, says
whether their version records are up to date (information: `make matrix` or CI's
matrix job records them), and builds the site strictly. Prints each phase's time, the
build's apart, so the loop is measured where it is used."""

from __future__ import annotations

import pathlib
import tempfile
import time

from tools import ROOT, mutants, site
from tools.columns import COLUMNS
from tools.execute import run_many
from tools.pages import collect
from tools.records import NOT_YET, load_records, result
from tools.snippets import not_applicable, source_of, twin_of


def run(only: list[str], root: pathlib.Path = ROOT) -> int:
    began = time.monotonic()
    collection = collect(root)
    wanted = set()
    for name in only:
        source = source_of(name)
        wanted |= {name, source, twin_of(source)}
    blocks = [b for b in collection.snippets() if b.snippet in wanted]
    if not blocks:
        print(f"FAILED no page shows {only}: include it in docs/ first (README)")
        return 1
    failed = len(collection.problems)
    for problem in collection.problems:
        print(f"FAILED {problem}")

    for block, outcome in zip(blocks, run_many(blocks), strict=True):
        found = problem(block, outcome)
        failed += found is not None
        print(found or f"ok      {block.snippet} ({outcome.seconds:.1f} s)")
    ran = time.monotonic()

    done = mutants.run(blocks)
    mutants.save(
        done, root
    )  # make test recalls them while the snippets stay as they are
    text, ok = mutants.report(done)
    failed += not ok
    print(text)
    mutated = time.monotonic()

    records = load_records(root)
    for block in blocks:
        late = [
            column.name
            for column in COLUMNS
            if not not_applicable(block.snippet, column.flavour, root)
            and result(records.get(column.name), block.snippet, column, root) == NOT_YET
        ]
        if late:
            print(
                f"info    {block.snippet}: not yet recorded on {len(late)} matrix "
                "column(s); the site shows 'not yet recorded' there until "
                "`make matrix` (or CI's matrix job) records it"
            )

    with tempfile.TemporaryDirectory() as tmp:
        built_ok, log = site.build(pathlib.Path(tmp) / "site", root)
    failed += not built_ok
    if not built_ok:
        print(f"FAILED `mkdocs build --strict`:\n{log}")
    end = time.monotonic()
    print(
        f"check: {len(blocks)} snippet(s) in {ran - began:.1f} s, "
        f"mutants in {mutated - ran:.1f} s, strict build in {end - mutated:.1f} s; "
        f"total {end - began:.1f} s: {'ok' if not failed else f'{failed} FAILED'}"
    )
    return 1 if failed else 0
