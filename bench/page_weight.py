"""Page weight of the home page: this site vs a bare mkdocs-material site built from the same docs/index.md.

    .venv/bin/python bench/page_weight.py [--loads 5]

"Bare" is Material's default configuration (theme: material, its default search plugin, Google fonts on) plus the
Markdown extensions docs/index.md needs and the snippets base path. Each site is built into a temporary folder,
served on 127.0.0.1 and its home page loaded --loads times in headless chromium (/usr/bin/chromium), each time in
a fresh context (cold cache). Counted per load: requests, bytes (response bodies, raw as http.server sends them,
and gzipped as GitHub Pages would send them) and first contentful paint. Requests to other hosts (the bare site's
Google fonts) are blocked and only counted. Target: ours / bare <= 1.15 in bytes.
"""
import argparse
import functools
import gzip
import http.server
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
from urllib.parse import urlsplit

ROOT = pathlib.Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
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


def build(config, site, strict):
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    cmd = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(site)]
    proc = subprocess.run(cmd + (["--strict"] if strict else []), env=env, capture_output=True, text=True)
    if proc.returncode:
        sys.exit(f"build of {config} failed:\n{proc.stdout}{proc.stderr}")


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(site):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def load(browser, url):
    """One cold load of url: (requests, raw bytes, gzipped bytes, first contentful paint in ms, blocked)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    responses, blocked = [], []
    local = lambda u: urlsplit(u).hostname == "127.0.0.1" or u.startswith("data:")  # noqa: E731
    context.route(lambda u: not local(u), lambda route: (blocked.append(route.request.url), route.abort()))
    context.on("response", lambda r: responses.append(r))
    page = context.new_page()
    page.goto(url, wait_until="networkidle")
    fcp = page.evaluate("performance.getEntriesByType('paint')"
                        ".find(e => e.name === 'first-contentful-paint')?.startTime ?? null")
    bodies = [r.body() for r in responses if local(r.url) and r.status == 200]
    context.close()
    return len(bodies), sum(map(len, bodies)), sum(len(gzip.compress(b, 6)) for b in bodies), fcp, len(blocked)


def measure(browser, site, loads):
    server = serve(site)
    try:
        runs = [load(browser, f"http://127.0.0.1:{server.server_port}/") for _ in range(loads)]
    finally:
        server.shutdown()
        server.server_close()
    return {key: statistics.mean(r[i] for r in runs if r[i] is not None)
            for i, key in enumerate(("requests", "bytes", "gzip", "fcp", "blocked"))}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loads", type=int, default=5, help="loads per site to average (default 5)")
    loads = parser.parse_args().loads
    if not os.path.exists(CHROMIUM):
        sys.exit(f"{CHROMIUM} is missing: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        (tmp / "bare" / "docs").mkdir(parents=True)
        shutil.copy(ROOT / "docs" / "index.md", tmp / "bare" / "docs" / "index.md")
        (tmp / "bare" / "mkdocs.yml").write_text(BARE.format(snippets=ROOT / "snippets"))
        build(ROOT / "mkdocs.yml", tmp / "ours-site", strict=True)
        build(tmp / "bare" / "mkdocs.yml", tmp / "bare-site", strict=False)  # its links to other pages are dangling
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            ours, bare = (measure(browser, tmp / s, loads) for s in ("ours-site", "bare-site"))
            browser.close()

    print(f"home page, mean of {loads} cold loads in headless chromium, served from 127.0.0.1")
    print(f"{'':<24}{'ours':>12}{'bare':>12}{'ours/bare':>11}")
    rows = [("requests", "requests", "{:.0f}"), ("bytes (raw)", "bytes", "{:,.0f}"),
            ("bytes (gzip)", "gzip", "{:,.0f}"), ("first contentful paint", "fcp", "{:.0f} ms"),
            ("blocked 3rd-party req.", "blocked", "{:.0f}")]
    for label, key, fmt in rows:
        ratio = f"{ours[key] / bare[key]:.2f}x" if bare[key] else "-"
        print(f"{label:<24}{fmt.format(ours[key]):>12}{fmt.format(bare[key]):>12}{ratio:>11}")
    verdict = "OK" if ours["bytes"] <= TARGET * bare["bytes"] else "OVER"
    print(textwrap.dedent(f"""\
        target: ours <= {TARGET:.2f}x bare in bytes (raw): {verdict}
        (bare loads Google fonts by default; those requests are blocked here and not counted in bytes)"""))


if __name__ == "__main__":
    main()
