"""Benchmark: the contributor loop, `make check ONLY=<snippet>`, on the median snippet.

Picks the Keras 3 snippet of median length that has a Keras 2 twin on the site, runs
`python -m tools check` on it as a contributor would (a fresh process: the TensorFlow
import is part of the loop), and prints its wall time beside the target (30 s on the
2-core reference machine) with the strict build's own time apart. A measurement, not a
test: `make bench`."""

import os
import re
import subprocess
import sys
import time

from tools import ROOT
from tools.pages import collect
from tools.snippets import flavour, is_twin, twin_of

TARGET = 30.0


def median_snippet(root=ROOT) -> str:
    shown = {b.snippet for b in collect(root).snippets()}
    paired = sorted(
        (len((root / s).read_text(encoding="utf-8").splitlines()), s)
        for s in shown
        if flavour(s) == "keras3" and not is_twin(s) and twin_of(s) in shown
    )
    return paired[len(paired) // 2][1]


def main() -> int:
    snippet = median_snippet()
    lines = len((ROOT / snippet).read_text(encoding="utf-8").splitlines())
    env = dict(os.environ)
    env.pop("TF_USE_LEGACY_KERAS", None)
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "tools", "check", snippet],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - start
    summary = (proc.stdout.strip().splitlines() or ["?"])[-1]
    build = re.search(r"strict build in ([\d.]+) s", summary)
    print(f"make check ONLY={snippet} ({lines} lines, median of the paired snippets)")
    print(f"  {summary}")
    print(
        f"  wall time {wall:.1f} s, of which the strict build "
        f"{float(build[1]) if build else float('nan'):.1f} s; target {TARGET:.0f} s: "
        f"{'met' if wall <= TARGET else 'NOT met'} ({wall / TARGET:.2f}x the target)"
    )
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main())
