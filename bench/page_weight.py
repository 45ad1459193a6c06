"""Page weight of the home page, `python -m bench.page_weight [--loads 5]`: this site vs
a bare mkdocs-material site (Material's defaults, plus the extensions docs/index.md
needs) built from the same page. Each is served on 127.0.0.1 and loaded --loads times
in headless Chromium, cold each time; per load: requests, bytes (raw, and gzipped as
GitHub Pages sends them) and first contentful paint. Requests to other hosts are
blocked and counted. Target: ours / bare <= 1.15 in bytes."""

import argparse
import gzip
import pathlib
import shutil
import statistics
import sys
import tempfile
from urllib.parse import urlsplit

from tools import site

TARGET = 1.15
BARE = """\
site_name: TF Training State
docs_dir: docs
theme:
  name: material
markdown_extensions:
  - tables
  - admonition
  - attr_list
  - md_in_html
  - pymdownx.superfences
  - pymdownx.highlight
  - pymdownx.tabbed:
      alternate_style: true
  - pymdownx.snippets:
      base_path: {snippets}
"""
KEYS = ("requests", "bytes", "gzip", "fcp", "blocked")
FCP = (
    "performance.getEntriesByType('paint')"
    ".find(e => e.name === 'first-contentful-paint')?.startTime ?? null"
)


def local(url):
    return urlsplit(url).hostname == "127.0.0.1" or url.startswith("data:")


def load(browser, url):
    """One cold load of url: (requests, raw bytes, gzipped bytes, first contentful
    paint in ms, blocked requests)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    responses, blocked = [], []
    context.route(
        lambda u: not local(u),
        lambda route: (blocked.append(route.request.url), route.abort()),
    )
    context.on("response", lambda r: responses.append(r))
    page = context.new_page()
    page.goto(url, wait_until="networkidle")
    fcp = page.evaluate(FCP)
    bodies = [r.body() for r in responses if local(r.url) and r.status == 200]
    context.close()
    raw, packed = sum(map(len, bodies)), sum(len(gzip.compress(b, 6)) for b in bodies)
    return len(bodies), raw, packed, fcp, len(blocked)


def measure(browser, site_dir, loads):
    with site.serve(site_dir) as url:
        runs = [load(browser, url) for _ in range(loads)]
    return {
        key: statistics.mean(r[i] for r in runs if r[i] is not None)
        for i, key in enumerate(KEYS)
    }


def build(site_dir, root, strict):
    ok, log = site.build(site_dir, root, strict=strict)
    if not ok:
        sys.exit(f"build of {root / 'mkdocs.yml'} failed:\n{log}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--loads", type=int, default=5, help="loads per site to average (default 5)"
    )
    loads = parser.parse_args().loads
    problem = site.missing_chromium()
    if problem:
        sys.exit(problem)

    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        bare_dir = tmp / "bare"
        (bare_dir / "docs").mkdir(parents=True)
        shutil.copy(site.ROOT / "docs" / "index.md", bare_dir / "docs" / "index.md")
        config = BARE.format(snippets=site.ROOT / "snippets")
        (bare_dir / "mkdocs.yml").write_text(config)
        build(tmp / "ours-site", site.ROOT, strict=True)
        # strict=False: the bare site's links to the other pages dangle
        build(tmp / "bare-site", bare_dir, strict=False)
        with site.chromium() as browser:
            ours = measure(browser, tmp / "ours-site", loads)
            bare = measure(browser, tmp / "bare-site", loads)

    print(f"home page, mean of {loads} cold loads in headless chromium, from 127.0.0.1")
    print(f"{'':<24}{'ours':>12}{'bare':>12}{'ours/bare':>11}")
    rows = [
        ("requests", "requests", "{:.0f}"),
        ("bytes (raw)", "bytes", "{:,.0f}"),
        ("bytes (gzip)", "gzip", "{:,.0f}"),
        ("first contentful paint", "fcp", "{:.0f} ms"),
        ("blocked 3rd-party req.", "blocked", "{:.0f}"),
    ]
    for label, key, fmt in rows:
        ratio = f"{ours[key] / bare[key]:.2f}x" if bare[key] else "-"
        mine, theirs = fmt.format(ours[key]), fmt.format(bare[key])
        print(f"{label:<24}{mine:>12}{theirs:>12}{ratio:>11}")
    verdict = "OK" if ours["bytes"] <= TARGET * bare["bytes"] else "OVER"
    print(f"target: ours <= {TARGET:.2f}x bare in bytes (raw): {verdict}")
    print(
        "(bare loads Google fonts by default; those requests are blocked here and not "
        "counted in bytes)"
    )


if __name__ == "__main__":
    main()
