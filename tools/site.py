"""The site helpers that tests and benchmarks share: the strict build, mkdocs.yml as
mkdocs reads it (its docs folder), the widest line code may have (ruff.toml), a quiet
local HTTP server, headless Debian Chromium, and axe-core for the browser tests; the
titled code blocks of a built page, as its copy button copies them.

    ok, log = site.build(tmp / "site")
    with site.serve(tmp / "site") as url, site.chromium() as browser:
        browser.new_page().goto(url)"""

from __future__ import annotations

import contextlib
import functools
import html
import http.server
import importlib.util
import os
import pathlib
import re
import subprocess
import sys
import threading
import tomllib
import warnings
from collections.abc import Iterator

from tools import ROOT

# Debian's chromium (apt-get install -y chromium): Playwright never downloads a browser.
CHROMIUM = pathlib.Path("/usr/bin/chromium")
CHROMIUM_INSTALL = "apt-get install -y chromium"
# --no-sandbox: CI runs as root. The rest keep Chromium off the network: without them
# it calls Google's hosts at every start, which a closed network refuses, many at once.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# axe-core, pinned in package.json and package-lock.json, installed by `npm ci`.
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_INSTALL = "npm ci"


def build(
    site_dir: pathlib.Path, root: pathlib.Path = ROOT, *, strict: bool = True
) -> tuple[bool, str]:
    """`mkdocs build --strict` of the project at root (its mkdocs.yml) into site_dir;
    returns (ok, log). strict=False only for a site whose warnings are expected
    (bench/page_weight.py's bare comparison site)."""
    cmd = [sys.executable, "-m", "mkdocs", "build", "--site-dir", str(site_dir)]
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    proc = subprocess.run(
        cmd + ["--strict" if strict else "--no-strict"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )
    return proc.returncode == 0, proc.stdout + proc.stderr


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(folder: pathlib.Path) -> Iterator[str]:
    """Serve folder on 127.0.0.1, on a free port, without logging each request;
    yields its URL, 'http://127.0.0.1:PORT/'."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def missing_chromium() -> str | None:
    """None when Chromium is installed, else what is missing and how to install it."""
    if CHROMIUM.exists():
        return None
    return f"{CHROMIUM} is missing; install it with `{CHROMIUM_INSTALL}` (Debian)"


def missing_axe() -> str | None:
    """None when axe-core is installed, else what is missing and how to install it."""
    if AXE.is_file():
        return None
    return (
        f"{AXE.relative_to(ROOT)} is missing; install it with `{AXE_INSTALL}` in "
        f"{ROOT} (it needs Node.js and npm: `apt-get install -y npm`)"
    )


@contextlib.contextmanager
def chromium() -> Iterator:
    """Headless Debian Chromium driven by Playwright; yields a playwright Browser.
    Raises FileNotFoundError, saying how to install it, when Chromium is missing."""
    problem = missing_chromium()
    if problem:
        raise FileNotFoundError(problem)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


def load_mkdocs_config(root: pathlib.Path = ROOT, plugins: bool = True):
    """mkdocs.yml of the project at root, loaded as mkdocs loads it, without the
    deprecation warnings that mkdocs and its plugins print on import. plugins=False
    leaves the plugins out (importing mkdocs-jupyter alone takes over a second)."""
    from mkdocs.config import load_config

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if plugins:
            return load_config(str(root / "mkdocs.yml"))
        return load_config(str(root / "mkdocs.yml"), plugins=[])


def docs_dir(root: pathlib.Path = ROOT) -> pathlib.Path:
    """The pages' folder as mkdocs.yml declares it (`docs_dir`)."""
    return pathlib.Path(load_mkdocs_config(root, plugins=False)["docs_dir"])


@functools.cache
def line_length() -> int:
    """The widest line the project's code may have (ruff.toml's line-length): code
    blocks shown on the site do not scroll sideways within it."""
    return tomllib.loads((ROOT / "ruff.toml").read_text(encoding="utf-8"))[
        "line-length"
    ]


_TITLED_CODE = re.compile(
    r'<span class="filename">(?P<title>[^<]+)</span><pre>(?:<span></span>)?<code>'
    r"(?P<code>.*?)</code></pre>",
    re.S,
)


def built_page(site_dir: pathlib.Path, page: str) -> pathlib.Path:
    """The HTML file a page of docs/ (`docs/a/b.md`) is built into."""
    path = pathlib.PurePosixPath(page).relative_to("docs").with_suffix("")
    if path.name == "index":
        return site_dir / path.parent / "index.html"
    return site_dir / path / "index.html"


def titled_code_blocks(page_html: str) -> list[tuple[str, str]]:
    """Every code block of a built page that carries a title: (title, its text as the
    copy button copies it: the markup's text, highlighted lines included)."""
    return [
        (html.unescape(m["title"]), html.unescape(re.sub(r"<[^>]+>", "", m["code"])))
        for m in _TITLED_CODE.finditer(page_html)
    ]


def load_hook(name: str, root: pathlib.Path = ROOT):
    """hooks/<name>.py, loaded as mkdocs loads a hook (hooks/ on the path meanwhile)."""
    spec = importlib.util.spec_from_file_location(name, root / "hooks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    sys.path.insert(0, str(root / "hooks"))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(root / "hooks"))
    return module


_CELL = re.compile(r"<t([hd])\b[^>]*>(?P<text>.*?)</t\1>", re.S)


def table_cells(page_html: str) -> list[str]:
    """The text of every cell of every table of a built page, as a reader sees it
    (tags dropped, entities read; a footnote mark is its number)."""
    return [
        " ".join(html.unescape(re.sub(r"<[^>]+>", "", m["text"])).split())
        for table in re.findall(r"<table\b.*?</table>", page_html, re.S)
        for m in _CELL.finditer(table)
    ]
