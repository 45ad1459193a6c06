"""The built site in Debian's Chromium (Playwright), served from 127.0.0.1. Each page at
1280 px: no console error, no request off 127.0.0.1, copy buttons, working tabs, an
existing "edit this page" target, both colour schemes (screenshots/); at 390 px: no
sideways scroll; axe-core finds no WCAG 2 A/AA violation. The notebook shows its plots,
search finds the precedence page. Every check waits for the state it checks (never a
fixed time), up to WAIT, then says what it waited for and what it saw."""

import json
import os
import pathlib
from urllib.parse import quote, unquote_plus, urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tools import site

DOCS = site.ROOT / "docs"
SHOTS = site.ROOT / "screenshots"
PAGE_SOURCES = {".md", ".py", ".ipynb"}  # .py/.ipynb: notebook pages (mkdocs-jupyter)
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
WAIT = 30_000  # ms: how long a check waits for its condition before it fails
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]  # WCAG 2.x A + AA


def url_of(source):
    """docs/why.md -> 'why/', docs/index.md -> '' (use_directory_urls)."""
    rel = source.relative_to(DOCS).with_suffix("")
    if rel.name != "index":
        return f"{rel.as_posix()}/"
    return "" if rel.parent == pathlib.Path(".") else f"{rel.parent.as_posix()}/"


PAGES = sorted(
    {
        url_of(p)
        for p in DOCS.rglob("*")
        if p.suffix in PAGE_SOURCES and "__pycache__" not in p.parts
    }
)


def name_of(url):
    return url.strip("/").replace("/", "-") or "index"


def built_pages(site_dir):
    """Every page of the build: index.html and every */index.html (not 404.html)."""
    return sorted(
        p.parent.relative_to(site_dir).as_posix() + "/" if p.parent != site_dir else ""
        for p in site_dir.rglob("index.html")
    )


# JS: the first line of every code block that no copy button copies (Material 9.8 puts
# a <button data-clipboard-target="#__code_N > code"> before each block when
# content.code.copy is on).
UNCOPIED = """() => {
  const copied = [...document.querySelectorAll('button[data-clipboard-target]')]
    .map(b => document.querySelector(b.dataset.clipboardTarget)).filter(Boolean);
  const blocks = new Set([...document.querySelectorAll('div.highlight pre, pre > code')]
    .map(e => e.closest('pre')));
  return [...blocks].filter(pre => !copied.some(c => pre === c || pre.contains(c)))
    .map(pre => pre.textContent.trim().split('\\n')[0].slice(0, 80));
}"""
CODE_BLOCKS = """() => new Set(
  [...document.querySelectorAll('div.highlight pre, pre > code')]
    .map(e => e.closest('pre'))
).size"""
# JS: tab sets the theme has not mounted yet (it appends prev/next controls to each).
UNMOUNTED_TABS = """() => [...document.querySelectorAll('.tabbed-set')]
  .filter(set => !set.querySelector(':scope > .tabbed-control')).length"""
# JS: the scroll regions are marked focusable (overrides/main.html, on document$).
SCROLL_REGIONS_MARKED = "() => document.documentElement.dataset.scrollRegions"
# JS: no CSS transition running (the palette switch fades colours; axe reads colours).
SETTLED = """() => document.getAnimations()
  .filter(a => a instanceof CSSTransition).every(a => a.playState !== 'running')"""
# JS: the page's width, the viewport's, and the elements that stick out of the viewport
# with no scrolling (or clipping) box around them: what makes the page scroll sideways.
WIDTHS = """() => {
  const w = innerWidth;
  const boxed = e => {
    for (let p = e.parentElement; p && p !== document.body; p = p.parentElement)
      if (getComputedStyle(p).overflowX !== 'visible') return true;
    return false;
  };
  const wide = [...document.body.querySelectorAll('*')]
    .filter(e => e.getBoundingClientRect().right > w + 0.5 && !boxed(e))
    .slice(0, 5).map(e => `<${e.tagName.toLowerCase()} class="${e.className}">`
      + ` ends at ${Math.round(e.getBoundingClientRect().right)} px`);
  return {page: document.scrollingElement.scrollWidth, viewport: w, wide};
}"""
NOTEBOOK_IMAGES = """() => [...document.querySelectorAll('.jp-OutputArea-output img')]
  .map(i => ({src: i.getAttribute('src').slice(0, 40),
    ok: (i.src.startsWith('data:image/') || /\\.png([?#]|$)/.test(i.src))
        && i.complete && i.naturalWidth > 0}))"""
# CSS for the accessibility audit: every tab panel and collapsed block is shown, so axe
# checks the Keras 2 tabs too (it skips what is not displayed).
SHOW_EVERYTHING = ".tabbed-content > .tabbed-block { display: block !important; }"
# the rules whose result depends on colours: all that the dark scheme changes
COLOUR_RULES = ["color-contrast", "link-in-text-block"]
AXE_RUN = """async only => (await axe.run(document, {
    runOnly: only, resultTypes: ['violations']}))
  .violations.map(v => ({id: v.id, help: v.help, nodes: v.nodes.map(n => ({
    target: n.target.join(' '), summary: n.failureSummary}))}))"""
SEARCH_READY = """() => {
  const meta = document.querySelector('.md-search-result__meta');
  return meta && meta.textContent.trim() !== 'Initializing search';
}"""
SEARCH_LINKS = """() => [...document.querySelectorAll('.md-search-result__list a')]
  .map(a => a.getAttribute('href'))"""


def require(problem):
    """Something the tests need is missing: fail under CI (CI=true), else skip."""
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(problem, pytrace=False)
        pytest.skip(problem)


@pytest.fixture(scope="module")
def base_url(built_site):
    with site.serve(built_site) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    require(site.missing_chromium())
    with site.chromium() as chromium:
        yield chromium


@pytest.fixture(scope="module")
def axe():
    """The path of axe.min.js (node_modules/axe-core, installed by `npm ci`)."""
    require(site.missing_axe())
    return site.AXE


def is_local(url):
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about") or parts.hostname == "127.0.0.1"


@pytest.fixture
def visit(browser, base_url):
    """visit(url, **device) opens base_url + url in a fresh light-scheme context
    (DESKTOP unless PHONE is given); returns (page, problems), where problems() lists
    the console errors, uncaught exceptions and requests to other hosts seen so far
    (those are blocked)."""
    contexts = []

    def open_(url, **device):
        context = browser.new_context(color_scheme="light", **(device or DESKTOP))
        contexts.append(context)
        errors, foreign = [], []
        context.on(
            "request", lambda r: None if is_local(r.url) else foreign.append(r.url)
        )
        context.route(lambda u: not is_local(u), lambda route: route.abort())  # offline
        page = context.new_page()
        page.set_default_timeout(WAIT)
        page.on(
            "console",
            lambda m: (
                m.type == "error"
                and errors.append(f"console error: {m.text} ({m.location.get('url')})")
            ),
        )
        page.on("pageerror", lambda e: errors.append(f"uncaught exception: {e}"))

        def problems():
            return errors + [
                f"request to a host other than 127.0.0.1: {u}"
                for u in sorted(set(foreign))
            ]

        page.goto(base_url + url, wait_until="load")  # each check waits for its own
        # state; the request and console checks are read at the end of each test
        return page, problems

    yield open_
    for context in contexts:
        context.close()


def until(page, condition, arg=None):
    """Wait until the JS function condition(arg) returns a truthy value, at most WAIT;
    True if it did."""
    try:
        page.wait_for_function(condition, arg=arg, timeout=WAIT)
        return True
    except PlaywrightTimeout:
        return False


def mounted(page):
    """Wait until the theme has mounted what the checks use: a copy button on every
    code block, every tab set. Returns what is still missing after WAIT."""
    found = []
    if not until(page, f"() => ({UNCOPIED})().length === 0"):
        lines = page.evaluate(UNCOPIED)
        found.append(
            f"{len(lines)} of {page.evaluate(CODE_BLOCKS)} code blocks have no copy "
            f"button {WAIT / 1000:.0f} s after the page loaded; first lines: "
            + "; ".join(repr(line) for line in lines[:5])
        )
    if not until(page, f"() => ({UNMOUNTED_TABS})() === 0"):
        found.append(
            f"{page.evaluate(UNMOUNTED_TABS)} tab sets not mounted by the theme "
            f"{WAIT / 1000:.0f} s after the page loaded"
        )
    return found


def switch_palette(page):
    """Click the light/dark toggle; wait for the dark scheme and for its colours to
    finish fading in. Returns what went wrong."""
    body = page.locator("body")
    before = body.get_attribute("data-md-color-scheme")
    page.locator("form[data-md-component=palette] label:visible").first.click()
    if not until(page, "() => document.body.dataset.mdColorScheme !== 'default'"):
        return [f"the palette toggle did not leave the light scheme ({before!r})"]
    after = body.get_attribute("data-md-color-scheme")
    if (before, after) != ("default", "slate"):
        return [
            f"palette toggle went from {before!r} to {after!r}, "
            "expected 'default' -> 'slate'"
        ]
    if not until(page, SETTLED):
        return ["colour transitions still running after the palette switch"]
    return []


def screenshot(page, name):
    """The whole page, one image pixel per CSS pixel (JPEG: a full-page PNG costs
    seconds per page to encode)."""
    SHOTS.mkdir(exist_ok=True)
    page.evaluate("scrollTo(0, 0)")  # else the sticky header lands mid-page
    page.screenshot(
        path=SHOTS / f"{name}.jpg", full_page=True, type="jpeg", quality=85, scale="css"
    )


def test_every_built_page_is_checked(built_site):
    assert built_pages(built_site) == PAGES, (
        "the build's pages differ from the pages this module checks (from docs/): "
        f"only built: {sorted(set(built_pages(built_site)) - set(PAGES))}, "
        f"not built: {sorted(set(PAGES) - set(built_pages(built_site)))}"
    )


@pytest.mark.parametrize("url", PAGES, ids=name_of)
def test_page(visit, built_site, url):
    if not (built_site / url / "index.html").is_file():
        pytest.fail(f"/{url} is not in the build", pytrace=False)
    page, problems = visit(url)
    found = mounted(page)
    screenshot(page, f"{name_of(url)}-light")
    found += switch_palette(page)
    screenshot(page, f"{name_of(url)}-dark")

    for n, tabs in enumerate(page.locator(".tabbed-set").all(), start=1):
        labels = tabs.locator(":scope > .tabbed-labels > label")
        blocks = tabs.locator(":scope > .tabbed-content > .tabbed-block")
        if labels.count() < 2 or not tabs.is_visible():
            continue
        labels.nth(1).click()
        try:
            blocks.nth(1).wait_for(state="visible", timeout=WAIT)
            blocks.nth(0).wait_for(state="hidden", timeout=WAIT)
        except PlaywrightTimeout:
            found.append(
                f"tab set {n}: clicking {labels.nth(1).inner_text()!r} did not show "
                "its panel (and hide the first)"
            )

    edit = page.locator("a.md-content__button[rel=edit]")
    if not edit.count():
        found.append('no "edit this page" link')
    else:
        href = edit.first.get_attribute("href")
        if not (site.ROOT / href.split("/edit/", 1)[1].split("/", 1)[1]).is_file():
            found.append(
                f'"edit this page" points to no file of the repository: {href}'
            )

    found += problems()
    if found:
        pytest.fail(f"/{url}:\n  " + "\n  ".join(found), pytrace=False)


@pytest.mark.parametrize("url", PAGES, ids=name_of)
def test_phone(visit, url):
    """Readable on a phone: the page itself never scrolls sideways."""
    page, problems = visit(url, **PHONE)
    found = mounted(page)  # copy buttons and tab controls take room: wait for them
    widths = page.evaluate(WIDTHS)
    phone = PHONE["viewport"]["width"]
    if widths["viewport"] != phone:
        found.append(
            f"the layout is {widths['viewport']} px wide on a {phone} px phone"
        )
    if widths["page"] > widths["viewport"]:
        found.append(
            f"the page scrolls sideways on a {phone} px phone: it is {widths['page']} "
            f"px wide; sticking out: {widths['wide'] or 'nothing found'}"
        )
    screenshot(page, f"{name_of(url)}-phone")
    found += problems()
    if found:
        pytest.fail(f"/{url} on a phone:\n  " + "\n  ".join(found), pytrace=False)


def audit(page, scheme, rules=None):
    """axe-core's WCAG 2 A/AA violations on the page as shown (only `rules`, if given):
    one line per rule, with its node count, a few targets and the first node's
    explanation."""
    lines = []
    only = (
        {"type": "rule", "values": rules}
        if rules
        else {"type": "tag", "values": AXE_TAGS}
    )
    for v in page.evaluate(AXE_RUN, only):
        nodes = v["nodes"]
        targets = ", ".join(n["target"] for n in nodes[:3])
        more = f" (+{len(nodes) - 3} more)" if len(nodes) > 3 else ""
        why = " ".join((nodes[0]["summary"] or "").split())[:300]
        lines.append(
            f"{scheme}: {v['id']}: {len(nodes)} nodes ({v['help']}): {targets}{more}"
            f"\n      first: {why}"
        )
    return lines


@pytest.mark.parametrize("url", PAGES, ids=name_of)
def test_accessible(visit, axe, url):
    """axe-core finds no WCAG 2 A/AA violation, in the light scheme (every rule) and the
    dark one (the colour rules: markup and names do not change with the scheme), with
    every tab panel and collapsible block open."""
    page, problems = visit(url)
    found = mounted(page)
    if not until(page, SCROLL_REGIONS_MARKED):
        found.append("overrides/main.html did not mark the scroll regions focusable")
    page.add_style_tag(content=SHOW_EVERYTHING)
    page.evaluate(
        "document.querySelectorAll('details').forEach(d => { d.open = true })"
    )
    page.add_script_tag(path=str(axe))
    found += audit(page, "light")
    found += switch_palette(page)
    found += audit(page, "dark", COLOUR_RULES)
    found += problems()
    if found:
        pytest.fail(
            f"/{url}: WCAG 2 A/AA violations found by axe-core (fix the colours or "
            "markup in docs/stylesheets/extra.css or overrides/):\n  "
            + "\n  ".join(found),
            pytrace=False,
        )


def test_notebook_shows_outputs_and_plots(visit, built_site):
    assert (built_site / "notebook" / "index.html").is_file(), "no notebook/ page"
    page, problems = visit("notebook/")
    texts = [
        t.strip()
        for t in page.locator(
            ".jp-OutputArea-output:not(.jp-RenderedImage)"
        ).all_inner_texts()
    ]
    assert any(texts), "the notebook page shows no text output"
    until(page, f"() => (({NOTEBOOK_IMAGES})()).every(i => i.ok)")
    images = page.evaluate(NOTEBOOK_IMAGES)
    assert images and all(i["ok"] for i in images), (
        f"the notebook page shows no plots, or broken ones: {images}"
    )
    assert page.locator(".jp-OutputArea-output img").first.is_visible()
    assert not problems(), problems()


def test_search_finds_the_precedence_page(visit):
    page, problems = visit("")
    box = page.locator("input.md-search__input")
    box.focus()  # overrides/main.html loads the search index on first use
    assert until(page, SEARCH_READY), (
        f"the search index did not load within {WAIT / 1000:.0f} s of focusing the box"
    )
    box.press_sequentially("set_learning_phase", delay=20)  # fill() is ignored
    until(page, f"() => ({SEARCH_LINKS})().some(h => h.includes('precedence/'))")
    links = page.evaluate(SEARCH_LINKS)
    assert any("precedence/" in h for h in links), (
        f'searching "set_learning_phase" lists no precedence page: {links}'
    )
    assert not problems(), problems()


# Everyday queries and the page that answers each: search must list that page first
# (the front matter's `search.boost` of docs/styles.md, docs/preprocessing.md,
# docs/versions.md, docs/checker-proofs.md, and the notebook's in hooks/notebook.py)
ANSWERS = {
    "subclass training argument": "styles/",
    "RandomFlip": "preprocessing/",
    "CenterCrop": "preprocessing/",
    "Resizing": "preprocessing/",
    "set_learning_phase": "learning-phase/",
    "monte carlo dropout": "mc-dropout/",
    "train_step": "train-step/",
    "MirroredStrategy": "distribution/",
    "export SavedModel": "export/",
    "frozen BatchNormalization": "pitfalls/",
    "fine-tuning": "pitfalls/",
    "recurrent dropout LSTM": "why/",
    "value leak": "pitfalls/",
    "checker pytest fixture": "checker/",
}
# JS: the pages of the search results, best first (Material groups a page's sections)
SEARCH_PAGES = """() => [
  ...document.querySelectorAll('.md-search-result__list > li > a')
].map(a => new URL(a.getAttribute('href'), location.href).pathname)"""
SEARCH_SETTLED = """() => {
  const meta = document.querySelector('.md-search-result__meta');
  return meta && /matching/.test(meta.textContent)
    && document.querySelector('.md-search-result__list > li > a') !== null;
}"""


@pytest.mark.parametrize("query", ANSWERS)
def test_search_lists_the_answering_page_first(visit, query):
    """Material opens the search with `?q=` filled in and runs it on the built index."""
    page, problems = visit(f"?q={quote(query)}")
    assert until(page, SEARCH_SETTLED), (
        f"searching {query!r} showed no results within {WAIT / 1000:.0f} s"
    )
    assert page.locator("input.md-search__input").input_value() == query
    base = urlsplit(page.url).path
    found = [p.removeprefix(base) for p in page.evaluate(SEARCH_PAGES)]
    pages = list(dict.fromkeys(found))
    assert pages[:1] == [ANSWERS[query]], (
        f"searching {query!r} lists {pages[:4]} first; the answering page is "
        f"{ANSWERS[query]}"
    )
    assert not problems(), problems()


# JS: the Atlas picker (docs/javascripts/atlas.js) shows call|style|front|layer|column
ATLAS_SHOWS = "cell => document.querySelector('#atlas')?.dataset.cell === cell"


def test_atlas_picker_by_keyboard(visit, built_site):
    """The Atlas page's picker (docs/atlas.md, docs/javascripts/atlas.js): a cell chosen
    with the keyboard (Tab between the lists, arrow keys in each) shows the label its
    published record gives the chosen layer, the cell on every column, the command that
    reproduces it, and keeps the choice in the URL hash, which opens the same cell."""
    data = built_site / "atlas" / "data"
    if not (data / "index.json").is_file():
        pytest.skip("no atlas record in versions/atlas/: the Atlas page has no picker")
    index = json.loads((data / "index.json").read_text(encoding="utf-8"))
    column = index["columns"][0]
    record = json.loads((data / column["file"]).read_text(encoding="utf-8"))
    axes = index["axes"]
    names = ("call", "style", "front")
    # a measured cell, away from the lists' first options where one is, so that the
    # keys change each list
    measured = [k.split("|") for k, v in record["cells"].items() if "error" not in v]
    if not measured:
        pytest.skip(f"{column['file']}: no cell measured without an error")
    cell = min(
        measured,
        key=lambda c: sum(axes[a].index(v) == 0 for a, v in zip(names, c, strict=True)),
    )
    layer = "dropout" if "dropout" in axes["layer"] else axes["layer"][0]
    wanted = dict(zip(names, cell, strict=True)) | {
        "layer": layer,
        "column": column["column"],
    }
    steps = {
        "call": axes["call"].index(wanted["call"]),
        "style": axes["style"].index(wanted["style"]),
        "front": axes["front"].index(wanted["front"]),
        "layer": 1 + axes["layer"].index(layer),  # after "all layers"
        "column": 0,
    }

    page, problems = visit("atlas/")
    root = page.locator("#atlas")
    assert until(page, "() => document.querySelector('#atlas')?.dataset.cell"), (
        f"the picker showed no cell {WAIT / 1000:.0f} s after the page loaded: "
        + page.locator("#atlas-status").inner_text()
    )
    page.locator("#atlas-call").focus()
    for axis, downs in steps.items():
        focused = page.evaluate("document.activeElement.id")
        assert focused == f"atlas-{axis}", f"Tab reached {focused!r}, not atlas-{axis}"
        page.keyboard.press("Home")
        for _ in range(downs):
            page.keyboard.press("ArrowDown")
        page.keyboard.press("Tab")
    shown = "|".join(wanted[a] for a in ("call", "style", "front", "layer", "column"))
    until(page, ATLAS_SHOWS, shown)
    assert root.get_attribute("data-cell") == shown

    label = record["cells"]["|".join(cell)][layer]
    terms = page.locator("#atlas-result dl.atlas-answer dt").all_inner_texts()
    answers = page.locator("#atlas-result dl.atlas-answer dd").all_inner_texts()
    assert terms == [index["layers"][layer]], f"the answer names {terms}"
    assert answers[0].startswith(f"{label}:"), (
        f"{shown}: the record says {label!r}, the page {answers[0]!r}"
    )
    rows = page.locator("#atlas-result table tbody tr").count()
    columns = len(index["columns"])
    assert rows == (columns if columns > 1 else 0), f"{rows} rows for {columns} columns"
    command = page.locator("#atlas-command code").inner_text()
    for axis in names:
        assert f'--{axis} "{wanted[axis]}"' in command, command

    fragment = page.evaluate("location.hash").removeprefix("#")
    pairs = dict(part.split("=", 1) for part in fragment.split("&"))
    assert {k: unquote_plus(v) for k, v in pairs.items()} == wanted, fragment

    again, more = visit("atlas/#" + fragment)  # the link opens the same cell
    until(again, ATLAS_SHOWS, shown)
    assert again.locator("#atlas").get_attribute("data-cell") == shown
    assert not problems() + more(), problems() + more()
