"""`python -m tools COMMAND`: the commands behind the Makefile targets."""

from __future__ import annotations

import argparse
import pathlib
import sys

from tools import (
    ROOT,
    check,
    crossing,
    elsewhere,
    environments,
    matrix,
    mutants,
    numerics,
    outputs,
    package,
)
from tools.pages import collect
from tools.snippets import source_of


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    only = {"nargs": "*", "help": "snippet files (default: every snippet)"}
    sub.add_parser(
        "outputs", help="run snippets and rewrite their .out records (make outputs)"
    ).add_argument("only", **only)
    sub.add_parser(
        "twins", help="rewrite the generated Keras 2 twins, text only (make twins)"
    )
    sub.add_parser(
        "mutants", help="flip each training literal in each snippet; report survivors"
    ).add_argument("only", **only)
    sub.add_parser(
        "numerics", help="re-run training snippets under other numerics (make numerics)"
    )
    p = sub.add_parser(
        "check",
        help="the contributor loop: a snippet and its twin against their records, "
        "their mutants, the strict build (make check ONLY=...)",
    )
    p.add_argument("only", nargs="+", help="snippet files")
    sub.add_parser(
        "crossing",
        help="save models on each Keras 3 column, load them on the pinned release "
        "and the nightly; write versions/crossing.json (make crossing)",
    )
    p = sub.add_parser(
        "matrix",
        help="run every snippet on each TensorFlow/Keras column; write versions/",
    )
    p.add_argument("columns", nargs="*", help="column names (default: every column)")
    p.add_argument(
        "--atlas",
        choices=("full", "pairwise", "none"),
        default="full",
        help="the atlas grid to measure on each column (default: full)",
    )
    p.add_argument(
        "--skip-current",
        action="store_true",
        help="keep every current entry; run only the snippets whose record is "
        "missing or stale",
    )
    p.add_argument(
        "--lock",
        action="store_true",
        help="write the changed matrix/*.lock, move the nightly (make matrix-lock)",
    )
    p.add_argument(
        "--report-stale",
        action="store_true",
        help="fail when a record is missing or older than its snippet (CI)",
    )
    p.add_argument(
        "--compare",
        nargs=2,
        metavar=("OLD", "NEW"),
        help="fail when a result changed between two records of a column",
    )
    p = sub.add_parser(
        "package",
        help="build the checker's wheel and sdist, install the wheel here (make)",
    )
    p.add_argument(
        "--dist", metavar="DIR", help="only build them into DIR (the release workflow)"
    )
    sub.add_parser(
        "lock",
        help="write requirements.lock from requirements.txt with hashes (make lock)",
    )
    p = sub.add_parser(
        "run-blocks",
        help="run the blocks of a JSON file in this interpreter and write their "
        "outcomes as JSON (how matrix, numerics and bench run blocks elsewhere)",
    )
    p.add_argument("given")
    p.add_argument("answer")
    args = parser.parse_args(argv)

    if args.command == "twins":
        return outputs.write_twins(ROOT)
    if args.command == "outputs":
        return outputs.write_outputs(ROOT, [_rel(a) for a in args.only] or None)
    if args.command == "mutants":
        wanted = {_rel(a) for a in args.only}  # and their twins, as outputs does
        blocks = [
            b
            for b in collect(ROOT).snippets()
            if not wanted or b.snippet in wanted or source_of(b.snippet) in wanted
        ]
        done = mutants.run(blocks)
        mutants.save(done, ROOT, everything=not wanted)
        text, ok = mutants.report(done)
        print(text)
        print(f"recorded in {mutants.RECORD}: commit it with the snippets")
        return 0 if ok else 1
    if args.command == "numerics":
        problems = numerics.run(ROOT)
        for block_id, problem in problems.items():
            print(problem or f"ok      {block_id}")
        print(
            f"{sum(p is None for p in problems.values())} passed, "
            f"{sum(p is not None for p in problems.values())} failed "
            "under TF_ENABLE_ONEDNN_OPTS flipped and one intra-op thread"
        )
        return 1 if any(problems.values()) else 0
    if args.command == "check":
        return check.run([_rel(a) for a in args.only], ROOT)
    if args.command == "matrix":
        if args.lock:
            return matrix.write_locks(ROOT)
        if args.compare:
            return matrix.compare(*args.compare)
        if args.report_stale:
            return matrix.report_stale(ROOT)
        wrong = matrix.check_python()
        if wrong:
            print(wrong)
            return 2
        return matrix.run(args.columns or None, ROOT, args.atlas, args.skip_current)
    if args.command == "crossing":
        wrong = matrix.check_python()
        if wrong:
            print(wrong)
            return 2
        return crossing.run(ROOT)
    if args.command == "package" and args.dist:
        for built in package.build(pathlib.Path(args.dist)):
            print(built)
        return 0
    if args.command == "package":
        return package.build_and_install(ROOT)
    if args.command == "lock":
        return environments.write_requirements_lock(ROOT)
    if args.command == "run-blocks":
        return elsewhere.child_main(args.given, args.answer)
    return 2


def _rel(arg: str) -> str:
    path = pathlib.Path(arg).resolve()
    try:
        return path.relative_to(ROOT).as_posix()
    except ValueError:
        return arg


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
