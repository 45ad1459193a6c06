"""Benchmark: every snippet shown on the site, (a) each as a fresh `python <file>`
process, one after another, (b) through the runner (one TensorFlow import, parallel
forks: DOCS_JOBS, default one per core).

Prints both wall times and the ratio (a)/(b), and checks that both ways print the same
output. Run with `make bench`; this is a measurement, not a test."""

import os
import subprocess
import sys
import time

from tools import ROOT
from tools.pages import collect


def snippet_blocks():
    seen, unique = set(), []
    for b in collect()[0]:
        if b.snippet not in seen:
            seen.add(b.snippet)
            unique.append(b)
    return unique


def through_runner():
    """Child mode (a fresh process, so the TensorFlow import is timed): run every
    snippet through the runner."""
    from tools.execute import run_many

    blocks = snippet_blocks()
    for block, outcome in zip(blocks, run_many(blocks), strict=True):
        print(f"=== {block.snippet} {outcome.status}\n{outcome.stdout}", end="")


def main():
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", MPLBACKEND="Agg")
    env.pop("TF_USE_LEGACY_KERAS", None)
    names = [b.snippet for b in snippet_blocks()]
    print(f"{len(names)} snippets, {os.cpu_count()} cores")

    fresh_out = {}
    start = time.perf_counter()
    for name in names:
        proc = subprocess.run(
            [sys.executable, name], cwd=ROOT, env=env, capture_output=True, text=True
        )
        fresh_out[name] = f"=== {name} {proc.returncode}\n{proc.stdout}"
    fresh = time.perf_counter() - start

    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "bench.runner_speed", "--through-runner"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    forked = time.perf_counter() - start
    if proc.returncode:
        sys.exit(f"runner pass failed:\n{proc.stderr[-3000:]}")

    parts = ["=== " + p for p in proc.stdout.split("=== ") if p]
    runner_out = {p.split()[1]: p for p in parts}
    differ = [n for n in names if runner_out.get(n) != fresh_out[n]]
    print(
        f"(a) fresh python processes: {fresh:6.1f} s"
        f"  ({fresh / len(names):.2f} s per snippet)"
    )
    print(
        f"(b) through the runner:     {forked:6.1f} s"
        f"  ({forked / len(names):.2f} s per snippet)"
    )
    print(f"ratio (a)/(b): {fresh / forked:.1f}x faster through the runner")
    print(
        f"outputs identical both ways: {len(names) - len(differ)}/{len(names)}"
        + (f"; differ: {differ}" if differ else "")
    )
    return 1 if differ else 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--through-runner"]:
        through_runner()
    else:
        sys.exit(main())
