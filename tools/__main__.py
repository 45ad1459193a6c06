"""`python -m tools COMMAND`: the commands behind the Makefile targets."""

from __future__ import annotations

import argparse
import pathlib
import sys

from tools import ROOT


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser(
        "outputs", help="run snippets and rewrite their .out records (make outputs)"
    )
    p.add_argument(
        "only", nargs="*", help="snippet files to record (default: every snippet)"
    )
    sub.add_parser(
        "twins", help="rewrite the generated Keras 2 twins, text only (make twins)"
    )
    p = sub.add_parser(
        "mutants",
        help="flip each training literal in each snippet; report survivors",
    )
    p.add_argument(
        "only", nargs="*", help="snippet files to mutate (default: every snippet)"
    )
    p = sub.add_parser(
        "numerics", help="re-run training snippets under other numerics (make numerics)"
    )
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--root", default=str(ROOT), help=argparse.SUPPRESS)
    p = sub.add_parser(
        "matrix",
        help="run every snippet on each TensorFlow/Keras column; write versions/",
    )
    p.add_argument("columns", nargs="*", help="column names (default: every column)")
    p.add_argument(
        "--lock",
        action="store_true",
        help="regenerate matrix/*.lock (make matrix-lock)",
    )
    p.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
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

        blocks = [
            b
            for b in collect(ROOT)[0]
            if not args.only or b.snippet in {_rel(a) for a in args.only}
        ]
        text, ok = mutants.report(mutants.run(blocks))
        print(text)
        return 0 if ok else 1
    if args.command == "numerics":
        from tools import numerics

        if args.child:
            return numerics.child_main(pathlib.Path(args.root))
        problems = numerics.run(ROOT)
        for block_id, problem in problems.items():
            print(problem or f"ok      {block_id}")
        print(
            f"{sum(p is None for p in problems.values())} passed, "
            f"{sum(p is not None for p in problems.values())} failed "
            f"failed under TF_ENABLE_ONEDNN_OPTS flipped and one intra-op thread"
        )
        return 1 if any(problems.values()) else 0
    if args.command == "matrix":
        from tools import matrix

        return matrix.main(args.columns, child=args.child, lock=args.lock)
    return 2


def _rel(arg: str) -> str:
    path = pathlib.Path(arg).resolve()
    try:
        return path.relative_to(ROOT).as_posix()
    except ValueError:
        return arg


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
