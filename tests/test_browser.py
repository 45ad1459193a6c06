"""The built site in a real browser (Debian's chromium, driven by Playwright), served from 127.0.0.1.

Every page: no console errors, no request to any host but 127.0.0.1, a copy button on every code block, content
tabs that switch, an "edit this page" link to a file that exists, and a light/dark toggle that works (a screenshot
of each scheme goes to screenshots/<page>-light.png and -dark.png). Plus: the notebook page shows its outputs and
plots, and the search box finds the precedence page for "set_learning_phase".
"""
import functools
import http.server
import os
import pathlib
import threading
import time
from urllib.parse import urlsplit

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
SHOTS = ROOT / "screenshots"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
PAGE_SOURCES = {".md", ".py", ".ipynb"}  # .py/.ipynb: notebook pages rendered by mkdocs-jupyter


def url_of(source):
    """docs/why.md -> 'why/', docs/index.md -> '' (use_directory_urls)."""
    rel = source.relative_to(DOCS).with_suffix("")
    return "" if rel.name == "index" and rel.parent == pathlib.Path(".") else (
        f"{rel.parent.as_posix()}/" if rel.name == "index" else f"{rel.as_posix()}/")


PAGES = sorted({url_of(p) for p in DOCS.rglob("*") if p.suffix in PAGE_SOURCES and "__pycache__" not in p.parts})


def name_of(url):
    return url.strip("/").replace("/", "-") or "index"


def built_pages(site):
    """Every page of the build: index.html and every */index.html (404.html is not a page)."""
    return sorted(p.parent.relative_to(site).as_posix() + "/" if p.parent != site else ""
                  for p in site.rglob("index.html"))


# JS: the first line of every code block that no copy button copies (Material 9.8 puts a
# <button data-clipboard-target="#__code_N > code"> in a nav before each block when content.code.copy is on).
UNCOPIED = """() => {
  const copied = [...document.querySelectorAll('button[data-clipboard-target]')]
    .map(b => document.querySelector(b.dataset.clipboardTarget)).filter(Boolean);
  const blocks = new Set([...document.querySelectorAll('div.highlight pre, pre > code')].map(e => e.closest('pre')));
  return [...blocks].filter(pre => !copied.some(c => pre === c || pre.contains(c)))
    .map(pre => pre.textContent.trim().split('\\n')[0].slice(0, 80));
}"""
NOTEBOOK_IMAGES = """() => [...document.querySelectorAll('.jp-OutputArea-output img')].map(i => ({
  src: i.getAttribute('src').slice(0, 40),
  ok: (i.src.startsWith('data:image/') || /\\.png([?#]|$)/.test(i.src)) && i.complete && i.naturalWidth > 0}))"""


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def base_url(built_site):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(built_site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        message = f"{CHROMIUM} is missing; install it with `apt-get install -y chromium` (Debian) to run the browser tests"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def is_local(url):
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about") or parts.hostname == "127.0.0.1"


@pytest.fixture
def visit(browser, base_url):
    """visit(url) opens base_url + url in a fresh light-scheme context; returns (page, problems), where problems()
    lists the console errors, uncaught exceptions and requests to other hosts seen so far (those are blocked)."""
    context = browser.new_context(color_scheme="light", viewport={"width": 1280, "height": 900})
    errors, foreign = [], []
    context.on("request", lambda r: None if is_local(r.url) else foreign.append(r.url))
    context.route(lambda url: not is_local(url), lambda route: route.abort())  # stay offline, fail fast
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("console", lambda m: errors.append(f"console error: {m.text} ({m.location.get('url')})")
            if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"uncaught exception: {e}"))

    def problems():
        return errors + [f"request to a host other than 127.0.0.1: {u}" for u in sorted(set(foreign))]

    def open_(url):
        page.goto(base_url + url, wait_until="networkidle")
        return page, problems

    yield open_
    context.close()


def test_every_built_page_is_checked(built_site):
    assert built_pages(built_site) == PAGES, (
        f"the build's pages differ from the pages this module checks (from docs/): "
        f"only built: {sorted(set(built_pages(built_site)) - set(PAGES))}, "
        f"not built: {sorted(set(PAGES) - set(built_pages(built_site)))}")


@pytest.mark.parametrize("url", PAGES, ids=name_of)
def test_page(visit, built_site, url):
    if not (built_site / url / "index.html").is_file():
        pytest.fail(f"/{url} is not in the build", pytrace=False)
    page, problems = visit(url)
    found = [f"code block without a copy button: {line!r}" for line in page.evaluate(UNCOPIED)]

    for n, tabs in enumerate(page.locator(".tabbed-set").all(), start=1):
        labels = tabs.locator(":scope > .tabbed-labels > label")
        blocks = tabs.locator(":scope > .tabbed-content > .tabbed-block")
        if labels.count() < 2 or not tabs.is_visible():
            continue
        labels.nth(1).click()
        page.wait_for_timeout(100)
        if not blocks.nth(1).is_visible() or blocks.nth(0).is_visible():
            found.append(f"tab set {n}: clicking {labels.nth(1).inner_text()!r} did not show its panel")

    edit = page.locator("a.md-content__button[rel=edit]")
    if not edit.count():
        found.append('no "edit this page" link')
    elif not (ROOT / edit.first.get_attribute("href").split("/edit/", 1)[1].split("/", 1)[1]).is_file():
        found.append(f'"edit this page" points to no file of the repository: {edit.first.get_attribute("href")}')

    SHOTS.mkdir(exist_ok=True)
    body = page.locator("body")
    page.evaluate("scrollTo(0, 0)")  # else the sticky header lands mid-page in a full-page screenshot
    page.screenshot(path=SHOTS / f"{name_of(url)}-light.png", full_page=True)
    scheme = body.get_attribute("data-md-color-scheme")
    page.locator("form[data-md-component=palette] label:visible").first.click()
    page.wait_for_function("document.body.dataset.mdColorScheme !== 'default'", timeout=5_000)
    page.evaluate("scrollTo(0, 0)")
    page.screenshot(path=SHOTS / f"{name_of(url)}-dark.png", full_page=True)
    if (scheme, body.get_attribute("data-md-color-scheme")) != ("default", "slate"):
        found.append(f"palette toggle went from {scheme!r} to {body.get_attribute('data-md-color-scheme')!r}, "
                     f"expected 'default' -> 'slate'")

    found += problems()
    assert not found, f"/{url}:\n  " + "\n  ".join(found)


def test_notebook_shows_outputs_and_plots(visit, built_site):
    if not (built_site / "notebook" / "index.html").is_file():
        pytest.skip("notebook/ is not in this build (no docs/notebook.py yet): nothing to check")
    page, problems = visit("notebook/")
    texts = [t.strip() for t in page.locator(".jp-OutputArea-output:not(.jp-RenderedImage)").all_inner_texts()]
    images = page.evaluate(NOTEBOOK_IMAGES)
    assert any(texts), "the notebook page shows no text output"
    assert images and all(i["ok"] for i in images), f"the notebook page shows no plots, or broken ones: {images}"
    assert page.locator(".jp-OutputArea-output img").first.is_visible()
    assert not problems(), problems()


def test_search_finds_the_precedence_page(visit):
    page, problems = visit("")
    page.locator("input.md-search__input").press_sequentially("set_learning_phase", delay=20)  # keystrokes: fill() is ignored
    links, deadline = [], time.monotonic() + 10
    while time.monotonic() < deadline and not any("precedence/" in h for h in links):
        page.wait_for_timeout(200)
        links = page.eval_on_selector_all(".md-search-result__list a", "els => els.map(a => a.getAttribute('href'))")
    assert any("precedence/" in h for h in links), f'searching "set_learning_phase" lists no precedence page: {links}'
    assert not problems(), problems()
