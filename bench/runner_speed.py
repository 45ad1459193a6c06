"""Benchmark: every snippet shown on the site, (a) each as a fresh `python <file>`
process, one after another, (b) through the runner (one TensorFlow import, parallel
forks: DOCS_JOBS, default one per core).

Prints both wall times and the ratio (a)/(b), and checks that both ways print the same
output. Run with `make bench`; this is a measurement, not a test.

`make bench REF=<git ref>` measures the pages and snippets of another commit (unpacked
with `git archive` into a temporary folder) through today's runner: a fixed workload,
so a change to the runner is compared on the same snippets whatever the site has
gained since. REF=113db21 is the site when the runner's 12x target was set (61
snippets)."""

import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

from tools import ROOT
from tools.pages import collect


def snippet_blocks(root=ROOT):
    seen, unique = set(), []
    for b in collect(root)[0]:
        if b.snippet not in seen:
            seen.add(b.snippet)
            unique.append(b)
    return unique


def through_runner(root):
    """Child mode (a fresh process, so the TensorFlow import is timed): run every
    snippet through the runner."""
    from tools.execute import run_many

    blocks = snippet_blocks(root)
    for block, outcome in zip(blocks, run_many(blocks), strict=True):
        print(f"=== {block.snippet} {outcome.status}\n{outcome.stdout}", end="")


def unpack(ref):
    """The tree of git ref `ref`, unpacked into a new temporary folder."""
    folder = pathlib.Path(tempfile.mkdtemp(prefix="bench-"))
    archive = subprocess.run(
        ["git", "archive", "--format=tar", ref], cwd=ROOT, capture_output=True
    )
    if archive.returncode:
        shutil.rmtree(folder)
        sys.exit(f"git archive {ref} failed: {archive.stderr.decode().strip()}")
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    return folder


def main(ref=None):
    root = unpack(ref) if ref else ROOT
    try:
        return measure(root, ref)
    finally:
        if ref:
            shutil.rmtree(root)


def measure(root, ref):
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", MPLBACKEND="Agg")
    env.pop("TF_USE_LEGACY_KERAS", None)
    names = [b.snippet for b in snippet_blocks(root)]
    jobs = os.environ.get("DOCS_JOBS") or os.cpu_count()
    where = f"the site at {ref}" if ref else "the site as it is"
    print(f"{where}: {len(names)} snippets, {os.cpu_count()} cores, {jobs} forks")

    fresh_out = {}
    start = time.perf_counter()
    for name in names:
        proc = subprocess.run(
            [sys.executable, name], cwd=root, env=env, capture_output=True, text=True
        )
        fresh_out[name] = f"=== {name} {proc.returncode}\n{proc.stdout}"
    fresh = time.perf_counter() - start

    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "bench.runner_speed", "--through-runner", str(root)],
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
    if sys.argv[1:2] == ["--through-runner"]:
        through_runner(pathlib.Path(sys.argv[2]))
    else:
        sys.exit(main(os.environ.get("REF") or None))
