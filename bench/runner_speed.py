"""Benchmark: every snippet shown on the site, (a) each as a fresh `python <file>` process, (b) through the runner.

Prints both wall times and the ratio (a)/(b), and checks that both ways print the same output.
Run with `make bench`; this is a measurement, not a test.
"""
import os
import pathlib
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import runner  # noqa: E402


def snippet_blocks():
    blocks, _ = runner.collect(runner.ROOT)
    seen, unique = set(), []
    for b in blocks:
        if b.lang in runner.PY_LANGS and b.snippet and b.snippet not in seen:
            seen.add(b.snippet)
            unique.append(b)
    return unique


def through_runner(names):
    """Child mode: run the named snippets through the runner, print their outputs separated by markers."""
    by_name = {b.snippet: b for b in snippet_blocks()}
    for name in names:
        status, stdout, _ = runner.execute(by_name[name])
        print(f"=== {name} {status}\n{stdout}", end="")


def main():
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", MPLBACKEND="Agg")
    env.pop("TF_USE_LEGACY_KERAS", None)
    names = [b.snippet for b in snippet_blocks()]
    print(f"{len(names)} snippets")

    fresh_out = {}
    start = time.perf_counter()
    for name in names:
        proc = subprocess.run([sys.executable, name], cwd=ROOT, env=env, capture_output=True, text=True)
        fresh_out[name] = f"=== {name} {proc.returncode}\n{proc.stdout}"
    fresh = time.perf_counter() - start

    start = time.perf_counter()
    proc = subprocess.run([sys.executable, __file__, "--through-runner", *names], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    forked = time.perf_counter() - start
    if proc.returncode:
        sys.exit(f"runner pass failed:\n{proc.stderr[-3000:]}")

    parts = ["=== " + p for p in proc.stdout.split("=== ") if p]
    runner_out = {p.split()[1]: p for p in parts}
    differ = [n for n in names if runner_out.get(n) != fresh_out[n]]
    print(f"(a) fresh python processes: {fresh:6.1f} s  ({fresh / len(names):.2f} s per snippet)")
    print(f"(b) through the runner:     {forked:6.1f} s  ({forked / len(names):.2f} s per snippet)")
    print(f"ratio (a)/(b): {fresh / forked:.1f}x faster through the runner")
    print(f"outputs identical both ways: {len(names) - len(differ)}/{len(names)}"
          + (f"; differ: {differ}" if differ else ""))
    return 1 if differ else 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--through-runner":
        through_runner(sys.argv[2:])
    else:
        sys.exit(main())
