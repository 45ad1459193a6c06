"""What a page's Markdown says to the machinery: its `--8<--` includes, the five markers
(defined here side by side), which snippets the pages show (`shown`), and the one rule
on its wording (`forecast`). Runs nothing; imports nothing heavy.

`expand()` turns each marker into the fenced blocks it stands for (lines marked `# <-`
highlighted), at its indentation; the site (hooks/includes.py) and the page reader
(tools.pages) both call it, so the runner sees exactly what a reader sees."""

from __future__ import annotations

import dataclasses
import pathlib
import re

from tools import ROOT
from tools.snippets import KERAS2, KERAS3, from_root, rel, twin_of

INCLUDE = re.compile(r"""^(?P<indent>\s*)-+8<-+\s+(["'])(?P<target>[^"']+)\2\s*$""")
# The markers. `<!-- example: t/n.py -->`: the snippet and its output; `<!-- pair:
# t/n.py -->`: a "Keras 3" and a "Keras 2" tab (the twin), each with its output;
# `<!-- module: t/n.py -->`: a module that later blocks of the page import, as a pair
# when it has a twin, each tab ending with SAVE_AS (its output shown if it has one).
EXAMPLE = re.compile(
    r"^(?P<indent>[ \t]*)<!--\s*(?P<kind>example|pair|module):\s*"
    r"(?P<target>\S+\.py)\s*-->\s*$"
)
TABS = {KERAS3: "Keras 3", KERAS2: "Keras 2"}  # a pair's tab titles, by flavour
# The sentence after a module's block that lets later blocks of its page and tab import
# it (tools.pages places the module beside them, as a reader saves it).
SAVE_AS = "Save this as `{name}` beside your script."
SAVED = re.compile(r"\bsave this as `(?P<name>\w+\.py)` beside your script", re.I)
# A snippet marks the lines its page is about with a trailing MARK comment; the fence
# highlights them (`hl_lines`), in both tabs.
MARK = re.compile(r"#\s<-(\s|$)")
# `<!-- versions: table -->`: the claim x column table; `<!-- versions: t/n.py -->`:
# the line "Versions: holds on ..." for one snippet (hooks/versions_table.py)
VERSIONS = re.compile(r"^(?P<indent>\s*)<!--\s*versions:\s*(?P<what>\S+)\s*-->\s*$")
# `<!-- next-output: t/n.py -->`: what that snippet printed on the next release
NEXT_OUTPUT = re.compile(
    r"^(?P<indent>\s*)<!--\s*next-output:\s*(?P<what>\S+)\s*-->\s*$"
)
# `<!-- keras-range: t/a.py t/b.py atlas:<file> -->`, anywhere in a line: the Keras 3
# releases on which every named claim holds (and every statement of <file> agrees
# with the atlas)
KERAS_RANGE = re.compile(r"<!--\s*keras-range:\s*(?P<what>[^>]+?)\s*-->")
ATLAS_FILE = "atlas:"  # how a keras-range marker names a file of the side table
ATLAS_PICKER = re.compile(r"^\s*<!--\s*atlas:\s*picker\s*-->\s*$")  # hooks/atlas.py

HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.+?)\s*$")
ANCHOR = re.compile(r"\s*\{[^}]*#(?P<id>[\w-]+)[^}]*\}\s*$")
EXPECTED = "<!--pytest-codeblocks:expected-output-->"
# what a sentence that predicts a release says; the site says what the nightly measured
FORECAST = re.compile(
    r"\b(expected to (change|stay|keep|be fixed)|will (change|be fixed|stop|no longer)"
    r"|is (likely|set) to change|should (change|stay on) (in|with) the next)",
    re.IGNORECASE,
)


def forecast(line: str) -> str | None:
    """The forecast phrase in a line of prose, if any (a strict build fails on it)."""
    found = FORECAST.search(line)
    return found[0] if found else None


def marked_lines(path: pathlib.Path) -> list[int]:
    """The lines of a snippet that carry a MARK (1-based), none if it is missing."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return []
    return [n for n, line in enumerate(text.splitlines(), 1) if MARK.search(line)]


def _example(target: str, root: pathlib.Path, module: bool = False) -> list[str]:
    out = target.removesuffix(".py") + ".out"
    path = root / from_root(target)
    marks = " ".join(map(str, marked_lines(path)))
    lines = [
        f'```python title="{from_root(target)}"'
        + (f' hl_lines="{marks}"' if marks else ""),
        f'--8<-- "{target}"',
        "```",
    ]
    if not module or path.with_suffix(".out").is_file():
        lines += ["", EXPECTED, '```text title="Output"', f'--8<-- "{out}"', "```"]
    if module:
        lines += ["", SAVE_AS.format(name=path.name)]
    return lines


def _pair(target: str, root: pathlib.Path, module: bool = False) -> list[str]:
    lines = []
    for title, path in ((TABS[KERAS3], target), (TABS[KERAS2], twin_of(target))):
        # `===!` starts a tab set of its own, even right after another pair's
        lines += [f'==={"!" if not lines else ""} "{title}"', ""]
        lines += [
            f"    {line}" if line else "" for line in _example(path, root, module)
        ]
        lines.append("")
    return lines[:-1]


def marker_lines(kind: str, target: str, root: pathlib.Path = ROOT) -> list[str]:
    """The Markdown a marker stands for, unindented."""
    if kind == "example":
        return _example(target, root)
    if kind == "module" and not (root / from_root(twin_of(target))).is_file():
        return _example(target, root, module=True)  # a Keras 3 page's module
    return _pair(target, root, module=kind == "module")


def expand(lines: list[str], root: pathlib.Path = ROOT) -> list[tuple[str, int]]:
    """Each marker replaced by what it stands for; every line with its page line."""
    out: list[tuple[str, int]] = []
    for lineno, line in enumerate(lines, start=1):
        m = EXAMPLE.match(line)
        if not m:
            out.append((line, lineno))
            continue
        indent = m["indent"]
        out += [
            (indent + text if text else "", lineno)
            for text in marker_lines(m["kind"], m["target"], root)
        ]
    return out


@dataclasses.dataclass(frozen=True)
class Include:
    line: int  # the page line that holds it (the marker's line for a marker)
    target: str  # as written: <topic>/<name>.py, relative to snippets/
    anchor: str  # the id of the section it stands in ("" above the first heading)


def scan(text: str) -> list[Include]:
    """Every include of a page (markers expanded), in order, with its section."""
    from markdown.extensions.toc import slugify

    found, anchor, fenced = [], "", False
    for line, lineno in expand(text.splitlines()):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        heading = None if fenced else HEADING.match(line)
        if heading:
            m = ANCHOR.search(heading["text"])
            anchor = m["id"] if m else slugify(heading["text"], "-")
        include = INCLUDE.match(line)
        if include:
            found.append(Include(lineno, include["target"], anchor))
    return found


def page_includes(docs: pathlib.Path) -> list[tuple[str, Include]]:
    """Every include of every page under docs, as (page relative to docs, include)."""
    return [
        (page.relative_to(docs).as_posix(), include)
        for page in sorted(docs.rglob("*.md"))
        for include in scan(page.read_text(encoding="utf-8"))
    ]


@dataclasses.dataclass(frozen=True, order=True)
class Shown:
    page: str  # where it is first shown, relative to docs/
    anchor: str  # the section ("" for a notebook page)
    position: int  # the order in which the pages first show the snippets


def shown(docs: pathlib.Path, root: pathlib.Path = ROOT) -> dict[str, Shown]:
    """Which snippets the pages show: snippets/<topic>/<name>.py -> where it is first
    shown. A page shows each .py file it includes; a notebook page (a symlink under
    docs/ to a snippet) shows its target. The build, the records and the matrix ask
    this one function."""
    found: dict[str, Shown] = {}
    by_page: dict[str, list[Include]] = {}
    for page, include in page_includes(docs):
        by_page.setdefault(page, []).append(include)
    for path in sorted(docs.rglob("*")):
        page = path.relative_to(docs).as_posix()
        if path.suffix == ".py" and path.is_symlink():
            found.setdefault(rel(path.resolve(), root), Shown(page, "", len(found)))
        for include in by_page.get(page, []):
            if include.target.endswith(".py"):
                snippet = from_root(include.target)
                found.setdefault(snippet, Shown(page, include.anchor, len(found)))
    return found


def modules(docs: pathlib.Path) -> set[str]:
    """The snippets a page shows as modules to save (module markers), twins included:
    shared set-up, not lessons, so they mark no line."""
    found = set()
    for page in sorted(docs.rglob("*.md")):
        for line in page.read_text(encoding="utf-8").splitlines():
            m = EXAMPLE.match(line)
            if m and m["kind"] == "module":
                found |= {from_root(m["target"]), from_root(twin_of(m["target"]))}
    return found
