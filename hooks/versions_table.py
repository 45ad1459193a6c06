"""MkDocs hook: what `make matrix` recorded (versions/<column>.json), rendered, never
typed. `<!-- versions: table -->` becomes the claim x column table; `<!-- versions:
t/n.py -->` the line "Versions: holds on ..."; `<!-- keras-range: ... -->` the Keras 3
releases on which the named claims hold; `<!-- next-output: t/n.py -->` what the next
release printed. A forecast phrase is an error. What is current, which snippets are
shown and how columns are named are decided in tools/; this hook only renders them."""

from __future__ import annotations

import dataclasses
import logging
import pathlib
import re
from html import escape
from typing import Any

import _project

from tools import atlas, headlines, includes, records
from tools.columns import COLUMNS, NIGHTLY, Column, label, released
from tools.includes import Shown
from tools.records import NOT_SET_UP, NOT_YET
from tools.snippets import claim, flavour, from_root, from_snippets, source_of
from tools.verdicts import DIFFERS, FAILS, NA, SAME

log = logging.getLogger("mkdocs.hooks.versions_table")

# the claim column keeps a readable width; an opened diff stays compact
CLAIM_STYLE = "min-width: 16em"
ROW_STYLE = "font-weight: normal"
DETAILS_STYLE = "margin: .2em 0; font-size: .9em"
STATE = "versions_table"  # this build's State, kept in config.extra
HOLDS = {  # how the "Versions:" line words each result
    SAME: "holds on",
    DIFFERS: "holds with another output on",
    FAILS: "fails on",
    NOT_YET: f"{NOT_YET} on",
    NOT_SET_UP: f"{NOT_SET_UP} on",
}


@dataclasses.dataclass
class State:
    """What one build knows: the records, where each snippet is shown, the columns."""

    root: pathlib.Path
    records: dict[str, dict]
    shown: dict[str, Shown]
    columns: tuple[Column, ...]
    nav: list = dataclasses.field(default_factory=list)
    versions_page: Any = None
    # modules shown for readers to save that print nothing: set-up, not claims (no row)
    set_up: frozenset[str] = frozenset()


def row_id(snippet: str) -> str:
    """The HTML id of a claim's row (snippets/pitfalls/a.py -> v-pitfalls-a)."""
    name = from_snippets(snippet).removesuffix(".py")
    return "v-" + re.sub(r"[^\w-]+", "-", name)


def on_config(config: Any, **_: Any) -> Any:
    root = pathlib.Path(config.config_file_path).resolve().parent
    found = records.load_records(root)
    shown = includes.shown(pathlib.Path(config["docs_dir"]), root)
    for message in records.stale(root, found, shown, COLUMNS):
        log.info(message)
    modules = includes.modules(pathlib.Path(config["docs_dir"]))
    set_up = frozenset(
        m for m in modules if not (root / m).with_suffix(".out").exists()
    )
    state = State(root, found, shown, COLUMNS, set_up=set_up)
    config["extra"][STATE] = state
    # in included files too (the onboarding block): after pymdownx.snippets
    config.markdown_extensions.append(
        _project.LinesExtension(
            "keras_range",
            lambda lines: [
                ranges(state, line) if "<!--" in line else line for line in lines
            ],
            _project.AFTER_INCLUDES,
        )
    )
    return config


def _state(config: Any) -> State:
    return config["extra"][STATE]


def _rows(shown: dict) -> dict[str, list[str]]:
    """Claim rows: source snippet -> the snippets it stands for (itself, its twin)."""
    rows: dict[str, list[str]] = {}
    for snippet in shown:
        rows.setdefault(source_of(snippet), []).append(snippet)
    return rows


def _member(snippets: list[str], column: Column) -> str:
    """The snippet of a row that a column runs (the one of its flavour)."""
    return next(
        (s for s in sorted(snippets) if flavour(s) == column.flavour),
        sorted(snippets)[0],
    )


def results(state: State, snippet: str) -> dict[str, str]:
    """Column name -> what it says of a claim (its row): a result, or not recorded."""
    members = _rows(state.shown).get(source_of(snippet)) or [snippet]
    return {
        c.name: records.result(
            state.records.get(c.name), _member(members, c), c, state.root
        )
        for c in state.columns
    }


def _url(page: Any, files: Any, shown: dict[str, Shown], snippet: str) -> str:
    where = shown.get(snippet)
    target = files.get_file_from_path(where.page) if where else None
    if target is None:
        return ""
    url = target.url_relative_to(page.file)
    return f"{url}#{where.anchor}" if where.anchor else url


def table(state: State, page: Any, files: Any) -> str:
    """The HTML of the claim x column table."""
    nav_order = {p: i for i, p in enumerate(path for _, path in state.nav)}
    titles = {path: title for title, path in state.nav if title}
    rows = _rows({s: w for s, w in state.shown.items() if s not in state.set_up})

    def position(source: str) -> tuple[int, str, int]:
        first = min(state.shown[s] for s in rows[source])
        return nav_order.get(first.page, len(nav_order)), first.page, first.position

    head = "".join(f'<th scope="col">{_header(c.title)}</th>' for c in state.columns)
    out = [
        '<div class="md-typeset__scrollwrap"><div class="md-typeset__table">',
        "<table>",  # no class: Material styles `table:not([class])`
        f'<thead><tr><th scope="col" style="{CLAIM_STYLE}">Claim</th>{head}</tr>'
        "</thead>",
        "<tbody>",
    ]
    group = None
    for source in sorted(rows, key=position):
        page_path = position(source)[1]
        if page_path != group:
            group = page_path
            out.append(
                f'<tr><th scope="rowgroup" colspan="{len(state.columns) + 1}">'
                f"{escape(titles.get(page_path, page_path))}</th></tr>"
            )
        first = source if source in state.shown else rows[source][0]
        text = _code(claim(first, state.root))
        link = _url(page, files, state.shown, rows[source][0])
        shown = f'<a href="{escape(link)}">{text}</a>' if link else text
        cells = []
        for column in state.columns:
            record = state.records.get(column.name)
            snippet = _member(rows[source], column)
            result = records.result(record, snippet, column, state.root)
            if result == NOT_SET_UP:
                cells.append(f"<td>{NOT_SET_UP}</td>")
                continue
            entry = records.current(record, snippet, column, state.root)
            url = _url(page, files, state.shown, snippet)
            cells.append(f"<td>{_cell(entry, url)}</td>")
        out.append(
            f'<tr id="{row_id(source)}">'
            f'<th scope="row" style="{ROW_STYLE}">{shown}</th>{"".join(cells)}</tr>'
        )
    out += ["</tbody>", "</table>", "</div></div>"]
    notes = [
        f"<li><strong>{escape(c.title)}</strong> could not be set up: "
        f"<code>{escape(state.records[c.name]['error'].splitlines()[0])}</code></li>"
        for c in state.columns
        if (state.records.get(c.name) or {}).get("error")
    ]
    if notes:
        out += ["<ul>", *notes, "</ul>"]
    return "\n".join(out)


def _header(title: str) -> str:
    """A column title on two lines: TF 2.21.0 / + Keras 3.15.1."""
    return "<br>".join(
        escape(part) for part in re.split(r" (?=[+(])", title, maxsplit=1)
    )


def _code(text: str) -> str:
    """Escaped text with its `code` spans as <code>."""
    parts = escape(text).split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts))


def _cell(entry: dict | None, url: str) -> str:
    if entry is None:
        return f'<span title="run make matrix">{NOT_YET}</span>'
    result, detail = entry["result"], entry.get("detail", "")
    if result == NA:
        return f'<span title="{escape(detail)}">{NA}</span>'
    shown = f'<a href="{escape(url)}">{escape(result)}</a>' if url else escape(result)
    if result in (DIFFERS, FAILS) and detail:
        summary = "diff" if result == DIFFERS else "message"
        body = escape(detail).replace("\n", "&#10;")
        shown += (
            f'<details style="{DETAILS_STYLE}"><summary>{summary}</summary>'
            f"<pre><samp>{body}</samp></pre>"  # program output, not code to copy
            "</details>"
        )
    return shown


def _flatten(nav: Any):
    for item in nav or []:
        if isinstance(item, dict):
            for title, value in item.items():
                if isinstance(value, str):
                    yield title, value
                else:
                    yield from _flatten(value)
        elif isinstance(item, str):
            yield None, item


def holds_line(state: State, snippet: str, page: Any) -> str:
    """ "Versions: holds on Keras 3.10–3.15, tf_keras 2.21; fails on ..." """
    if source_of(snippet) not in _rows(state.shown):
        log.error(
            f"{page.file.src_uri}: `<!-- versions: {from_snippets(snippet)} -->` names "
            "a snippet no page shows"
        )
        return ""
    found = results(state, snippet)
    applicable = [c for c in state.columns if found[c.name] != NA]
    parts = []
    for result, words in HOLDS.items():
        chosen = [c for c in applicable if found[c.name] == result]
        if chosen:
            parts.append(f"{words} {label(chosen, applicable)}")
    link = ""
    if state.versions_page is not None:
        url = state.versions_page.url_relative_to(page.file)
        link = f' (<a href="{escape(url)}#{row_id(snippet)}">all versions</a>)'
    return f"**Versions:** {'; '.join(parts) or 'no record yet'}.{link}"


def keras_range(state: State, snippets: list[str], atlas_files: list[str] = ()) -> str:
    """The Keras 3 releases on which every claim named holds with its recorded output
    and every statement of the atlas files agrees with the atlas; a release on which
    one of them is not recorded is left out of the range."""
    found = [results(state, s) for s in snippets]
    columns = released(state.columns)
    for file in atlas_files:
        if not headlines.statements(file):
            log.error(
                f"`<!-- keras-range: {includes.ATLAS_FILE}{file} -->`: no statement of "
                f"{file} in the side table (tools/headlines.py)"
            )
        grids = {c.name: atlas.load(c.name, state.root) for c in columns}
        words = {True: SAME, False: FAILS, None: NOT_YET}
        found.append(
            {
                c.name: words[headlines.holding(file, c, grids, state.root)]
                for c in columns
            }
        )
    unknown = (NOT_YET, NOT_SET_UP)
    recorded = [c for c in columns if all(f[c.name] not in unknown for f in found)]
    holds = [c for c in recorded if all(f[c.name] == SAME for f in found)]
    if not recorded:
        return f"Keras 3 ({NOT_YET})"
    return label(holds, columns) if holds else "no Keras 3 release"


def ranges(state: State, line: str) -> str:
    def one(match: re.Match) -> str:
        words = match["what"].split()
        prefix = includes.ATLAS_FILE
        files = [w.removeprefix(prefix) for w in words if w.startswith(prefix)]
        snippets = [from_root(w) for w in words if not w.startswith(prefix)]
        return keras_range(state, snippets, files)

    return includes.KERAS_RANGE.sub(one, line)


def next_output(state: State, snippet: str, indent: str) -> list[str]:
    """The output a snippet printed on the next release, as a text block."""
    column = next(c for c in state.columns if c.next_release)
    record = state.records.get(column.name)
    entry = records.current(record, snippet, column, state.root)
    if not entry or "output" not in entry:
        text = NOT_YET
    elif entry["result"] == FAILS:
        text = "(fails)\n" + entry.get("detail", "")
    else:
        text = entry["output"].rstrip("\n")
    title = f"Output on the next release ({NIGHTLY} {column.keras})"
    lines = [f'```text title="{title}"', *text.splitlines(), "```"]
    return [indent + line if line else "" for line in lines]


def on_files(files: Any, *, config: Any) -> Any:
    state = _state(config)
    state.nav = list(_flatten(config.get("nav")))
    state.versions_page = files.get_file_from_path("versions.md")
    return files


def on_page_markdown(markdown: str, *, page: Any, config: Any, files: Any) -> str:
    state = _state(config)
    out: list[str] = []
    fenced = False
    for number, line in enumerate(markdown.split("\n"), start=1):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        phrase = None if fenced else includes.forecast(line)
        if phrase:
            log.error(
                f"{page.file.src_uri}:{number}: a forecast ({phrase!r}): say "
                f"what the next release ({NIGHTLY}) measured instead"
            )
        versions = includes.VERSIONS.match(line)
        nxt = includes.NEXT_OUTPUT.match(line)
        if versions and versions["what"] == "table":
            out.append(table(state, page, files))
        elif versions:
            snippet = from_root(versions["what"])
            out.append(versions["indent"] + holds_line(state, snippet, page))
        elif nxt:
            out += next_output(state, from_root(nxt["what"]), nxt["indent"])
        else:
            out.append(line)
    return "\n".join(out)
