"""Benchmark (`make bench`): every snippet the site shows, (a) each as a fresh `python
<file>` process, one after another, (b) through the runner (one TensorFlow import,
parallel forks). Prints both wall times, the ratio (a)/(b), whether both printed the
same, and the runner's floor: one import plus the blocks' own times over the cores.
`make bench REF=<git ref>` runs another commit's pages and snippets (`git archive`)
through today's runner: the same workload, to compare runners. A measurement, not a
test."""

import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

from tools import ROOT
from tools.elsewhere import run_elsewhere
from tools.pages import collect

IMPORT = "import tensorflow, tf_keras"  # what the runner's warm-up pays once


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
    blocks = collect(root).snippets()
    names = [b.snippet for b in blocks]
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
    _, outcomes = run_elsewhere(blocks, env=env)  # a fresh interpreter: import timed
    forked = time.perf_counter() - start
    runner_out = {
        b.snippet: f"=== {b.snippet} {o.status}\n{o.stdout}"
        for b, o in zip(blocks, outcomes, strict=True)
    }
    differ = [n for n in names if runner_out.get(n) != fresh_out[n]]

    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", IMPORT], env=env, check=True)
    imported = time.perf_counter() - start
    cores = int(jobs)
    floor = imported + sum(o.seconds for o in outcomes) / cores
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
        f"the runner's floor: {floor:6.1f} s = one TensorFlow import ({imported:.1f} s)"
        f" + the blocks' own times ({sum(o.seconds for o in outcomes):.1f} s) / "
        f"{cores} forks; (b) is {forked / floor:.2f}x the floor"
    )
    print(
        f"outputs identical both ways: {len(names) - len(differ)}/{len(names)}"
        + (f"; differ: {differ}" if differ else "")
    )
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main(os.environ.get("REF") or None))
