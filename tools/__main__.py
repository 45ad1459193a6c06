"""`python -m tools COMMAND`: the commands behind the Makefile targets."""

from __future__ import annotations

import argparse
import pathlib
import sys

from tools import ROOT


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
        "--only-stale",
        action="store_true",
        help="run only the snippets whose record is missing or stale; keep the rest",
    )
    p.add_argument(
        "--lock",
        action="store_true",
        help="write the changed matrix/*.lock, move the nightly (make matrix-lock)",
    )
    p.add_argument(
        "--stale",
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
        "run-blocks",
        help="run the blocks of a JSON file in this interpreter and write their "
        "outcomes as JSON (how matrix, numerics and bench run blocks elsewhere)",
    )
    p.add_argument("given")
    p.add_argument("answer")
    args = parser.parse_args(argv)

    if args.command == "twins":
        from tools.records import write_twins

        return write_twins(ROOT)
    if args.command == "outputs":
        from tools.records import write_outputs

        return write_outputs(ROOT, [_rel(a) for a in args.only] or None)
    if args.command == "mutants":
        from tools import mutants
        from tools.pages import collect

        wanted = {_rel(a) for a in args.only}
        blocks = [
            b for b in collect(ROOT).snippets() if not wanted or b.snippet in wanted
        ]
        done = mutants.run(blocks)
        mutants.save(done, ROOT, everything=not wanted)
        text, ok = mutants.report(done)
        print(text)
        print(f"recorded in {mutants.RECORD}: commit it with the snippets")
        return 0 if ok else 1
    if args.command == "numerics":
        from tools import numerics

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
        from tools.check import check

        return check([_rel(a) for a in args.only], ROOT)
    if args.command == "matrix":
        from tools import matrix

        return matrix.main(
            args.columns,
            atlas_grid=args.atlas,
            only_stale=args.only_stale,
            lock=args.lock,
            stale_only=args.stale,
            compare=args.compare,
        )
    if args.command == "run-blocks":
        from tools.execute import child_main

        return child_main(args.given, args.answer)
    return 2


def _rel(arg: str) -> str:
    path = pathlib.Path(arg).resolve()
    try:
        return path.relative_to(ROOT).as_posix()
    except ValueError:
        return arg


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
