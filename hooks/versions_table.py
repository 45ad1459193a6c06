"""MkDocs hook: what `make matrix` recorded (versions/<column>.json), shown on the site,
never typed.

1. docs/versions.md holds a line `<!-- versions: table -->`, which becomes the table
   claim x column. Each row is a claim (the first line of a snippet's docstring; a
   Keras 3 snippet and its generated Keras 2 twin share a row); each cell says `same`,
   `differs`, `fails`, `n/a` or `not yet recorded` and links to the section of the page
   that shows the snippet; a differing or failing cell shows its diff or message.
2. Any page may hold a line `<!-- versions: <topic>/<name>.py -->` (the path as in a
   `--8<--` include): it becomes "Versions: holds on Keras 3.10–3.15, tf_keras 2.21;
   fails on ...", the Keras ranges computed from the same records (tools.matrix).
3. `<!-- keras-range: <topic>/<a>.py <topic>/<b>.py atlas:<file> -->` anywhere in a line
   (a table header, a sentence, an included file such as the onboarding block) becomes
   the Keras 3 releases on which every claim named holds and, for `atlas:<file>`, every
   statement of that file in the side table (tools/headlines.py) agrees with the
   column's atlas ("Keras 3.10–3.15"). A release without an atlas record made by the
   engine as it is counts as not yet recorded.
4. `<!-- next-output: <topic>/<name>.py -->` becomes the output that snippet printed on
   the next release (the keras-nightly column's record keeps it).
5. A record older than its snippet (the snippet, its recorded output or a module it
   imports changed since), a snippet without a record, a missing column: the cell says
   "not yet recorded" and the build logs it at info level, so a content edit builds
   strictly before the matrix has run; `make matrix-stale` (CI's matrix job) fails on
   it.
6. A forecast ("expected to change", "will change" ...) is an error: the site states
   what the keras-nightly column measured, not what a release is expected to do.

The columns, hashes, ranges and record format are tools/matrix.py's; the includes are
read by tools/includes.py (both imported from the project root)."""

from __future__ import annotations

import dataclasses
import logging
import pathlib
import re
import sys
from html import escape
from typing import Any

log = logging.getLogger("mkdocs.hooks.versions_table")

MARKER = re.compile(r"^(?P<indent>\s*)<!--\s*versions:\s*(?P<what>\S+)\s*-->\s*$")
NEXT_OUTPUT = re.compile(
    r"^(?P<indent>\s*)<!--\s*next-output:\s*(?P<what>\S+)\s*-->\s*$"
)
RANGE = re.compile(r"<!--\s*keras-range:\s*(?P<what>[^>]+?)\s*-->")
# what a sentence that predicts a release says; state what the nightly measured instead
FORECAST = re.compile(
    r"\b(expected to (change|stay|keep|be fixed)|will (change|be fixed|stop|no longer)"
    r"|is (likely|set) to change|should (change|stay on) (in|with) the next)",
    re.IGNORECASE,
)
NOT_YET = "not yet recorded"
# the claim column keeps a readable width; an opened diff stays compact
CLAIM_STYLE = "min-width: 16em"
ROW_STYLE = "font-weight: normal"
DETAILS_STYLE = "margin: .2em 0; font-size: .9em"
STATE = "versions_table"  # this build's State, kept in config.extra


PROJECT = str(pathlib.Path(__file__).resolve().parent.parent)  # where tools/ is


def _tools(root: str = PROJECT) -> Any:
    """The project's tools package (the hook runs inside mkdocs, not as a package)."""
    if PROJECT not in sys.path:
        sys.path.insert(0, PROJECT)
    import tools.atlas
    import tools.headlines
    import tools.includes
    import tools.matrix
    import tools.twins

    return tools


@dataclasses.dataclass
class State:
    """What one build knows: the records, where each snippet is shown, the columns."""

    root: pathlib.Path
    records: dict[str, dict]
    shown: dict[str, tuple[str, str, int]]
    columns: tuple
    nav: list = dataclasses.field(default_factory=list)
    versions_page: Any = None


def row_id(snippet: str) -> str:
    """The HTML id of a claim's row (snippets/pitfalls/a.py -> v-pitfalls-a)."""
    name = snippet.removeprefix("snippets/").removesuffix(".py")
    return "v-" + re.sub(r"[^\w-]+", "-", name)


def shown_snippets(docs_dir: str, root: str) -> dict[str, tuple[str, str, int]]:
    """Every snippet a page shows -> (page path relative to docs, section anchor or "",
    position: the order in which pages show them). A notebook symlink under docs/
    shows its target."""
    includes = _tools(root).includes
    found: dict[str, tuple[str, str, int]] = {}
    docs = pathlib.Path(docs_dir)
    for path in sorted(docs.rglob("*")):
        page = path.relative_to(docs).as_posix()
        if path.suffix == ".py" and path.is_symlink():
            target = path.resolve().relative_to(pathlib.Path(root).resolve())
            found.setdefault(target.as_posix(), (page, "", len(found)))
        elif path.suffix == ".md":
            for include in includes.scan(path.read_text(encoding="utf-8")):
                if include.target.endswith(".py"):
                    snippet = "snippets/" + include.target
                    found.setdefault(snippet, (page, include.anchor, len(found)))
    return found


def on_config(config: Any, **_: Any) -> Any:
    root = str(pathlib.Path(config.config_file_path).resolve().parent)
    matrix = _tools(root).matrix
    records = matrix.load_records(pathlib.Path(root))
    shown = shown_snippets(config["docs_dir"], root)
    for message in matrix.stale(pathlib.Path(root), records, shown, matrix.COLUMNS):
        log.info(message)
    state = State(pathlib.Path(root), records, shown, matrix.COLUMNS)
    config["extra"][STATE] = state
    # in included files too (the onboarding block): after pymdownx.snippets
    config.markdown_extensions.append(
        _tools().includes.SubstituteExtension(
            "keras_range", lambda line: _ranges(state, line) if "<!--" in line else line
        )
    )
    return config


def _state(config: Any) -> State:
    return config["extra"][STATE]


def _rows(shown: dict) -> dict[str, list[str]]:
    """Claim rows: source snippet -> the snippets it stands for (itself, its twin)."""
    tools = _tools()
    rows: dict[str, list[str]] = {}
    for snippet in shown:
        rows.setdefault(tools.twins.source_of(snippet), []).append(snippet)
    return rows


def _entry(state: State, record: dict, snippets: list[str], column: Any):
    """The snippet and entry that fill a cell (the one of the column's flavour), the
    entry None when it is missing or older than the snippet."""
    matrix = _tools(str(state.root)).matrix
    snippet = next(
        (s for s in sorted(snippets) if matrix.flavour(s) == column.flavour),
        sorted(snippets)[0],
    )
    entry = (record.get("snippets") or {}).get(snippet)
    return snippet, entry if matrix.fresh(entry, snippet, state.root) else None


def results(state: State, snippet: str) -> dict[str, str]:
    """Column name -> result of a claim (its row), NOT_YET where not recorded."""
    members = _rows(state.shown).get(_tools(str(state.root)).twins.source_of(snippet))
    found = {}
    for column in state.columns:
        record = state.records.get(column.name) or {}
        if record.get("error") or record.get("pins") != column.pins():
            found[column.name] = NOT_YET
            continue
        _, entry = _entry(state, record, members or [snippet], column)
        found[column.name] = entry["result"] if entry else NOT_YET
    return found


def _url(page: Any, files: Any, shown: dict, snippet: str) -> str:
    target_page, anchor, _ = shown.get(snippet, ("", "", 0))
    target = files.get_file_from_path(target_page) if target_page else None
    if target is None:
        return ""
    url = target.url_relative_to(page.file)
    return f"{url}#{anchor}" if anchor else url


def table(state: State, page: Any, files: Any) -> str:
    """The HTML of the claim x column table."""
    matrix = _tools(str(state.root)).matrix
    nav_order = {p: i for i, p in enumerate(path for _, path in state.nav)}
    titles = {path: title for title, path in state.nav if title}
    rows = _rows(state.shown)

    def position(source: str) -> tuple[int, str, int]:
        page_path, _, index = min(state.shown[s] for s in rows[source])
        return nav_order.get(page_path, len(nav_order)), page_path, index

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
        text = _code(matrix.claim(first, state.root))
        link = _url(page, files, state.shown, rows[source][0])
        claim = f'<a href="{escape(link)}">{text}</a>' if link else text
        cells = []
        for column in state.columns:
            record = state.records.get(column.name) or {}
            if record.get("error"):
                cells.append("<td>not set up</td>")
                continue
            snippet, entry = _entry(state, record, rows[source], column)
            if record.get("pins") != column.pins():
                entry = None
            url = _url(page, files, state.shown, snippet)
            cells.append(f"<td>{_cell(entry, url)}</td>")
        out.append(
            f'<tr id="{row_id(source)}">'
            f'<th scope="row" style="{ROW_STYLE}">{claim}</th>{"".join(cells)}</tr>'
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
    label = escape(result)
    if result == "n/a":
        return f'<span title="{escape(detail)}">n/a</span>'
    shown = f'<a href="{escape(url)}">{label}</a>' if url else label
    if result in ("differs", "fails") and detail:
        summary = "diff" if result == "differs" else "message"
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
    matrix = _tools(str(state.root)).matrix
    if _tools(str(state.root)).twins.source_of(snippet) not in _rows(state.shown):
        log.error(
            f"{page.file.src_uri}: `<!-- versions: {snippet[9:]} -->` names a snippet "
            "no page shows"
        )
        return ""
    found = results(state, snippet)
    applicable = [c for c in state.columns if found[c.name] != "n/a"]
    words = {
        "same": "holds on",
        "differs": "holds with another output on",
        "fails": "fails on",
        NOT_YET: f"{NOT_YET} on",
    }
    parts = []
    for result, word in words.items():
        chosen = [c for c in applicable if found[c.name] == result]
        if chosen:
            parts.append(f"{word} {matrix.label(chosen, applicable)}")
    link = ""
    if state.versions_page is not None:
        url = state.versions_page.url_relative_to(page.file)
        link = f' (<a href="{escape(url)}#{row_id(snippet)}">all versions</a>)'
    return f"**Versions:** {'; '.join(parts) or 'no record yet'}.{link}"


def keras_range(state: State, snippets: list[str], atlas_files: list[str] = ()) -> str:
    """The Keras 3 releases on which every claim named holds with its recorded output
    and every statement of the atlas files agrees with the atlas; a release on which
    one of them is not yet recorded is left out of the range."""
    tools = _tools(str(state.root))
    found = [results(state, s) for s in snippets]
    released = [
        c for c in state.columns if c.flavour == "keras3" and not c.next_release
    ]
    for file in atlas_files:
        if not tools.headlines.statements(file):
            log.error(
                f"`<!-- keras-range: atlas:{file} -->`: no statement of {file} "
                "in the side table (tools/headlines.py)"
            )
        records = {c.name: tools.atlas.load(c.name, state.root) for c in released}
        words = {True: "same", False: "fails", None: NOT_YET}
        found.append(
            {
                c.name: words[tools.headlines.holding(file, c, records, state.root)]
                for c in released
            }
        )
    recorded = [c for c in released if all(f[c.name] != NOT_YET for f in found)]
    holds = [c for c in recorded if all(f[c.name] == "same" for f in found)]
    if not recorded:
        return f"Keras 3 ({NOT_YET})"
    return tools.matrix.label(holds, released) if holds else "no Keras 3 release"


def _ranges(state: State, line: str) -> str:
    def one(match: re.Match) -> str:
        words = match["what"].split()
        files = [w.removeprefix("atlas:") for w in words if w.startswith("atlas:")]
        snippets = [f"snippets/{w}" for w in words if not w.startswith("atlas:")]
        return keras_range(state, snippets, files)

    return RANGE.sub(one, line)


def next_output(state: State, snippet: str, indent: str) -> list[str]:
    """The output a snippet printed on the next release, as a text block."""
    column = next(c for c in state.columns if c.next_release)
    record = state.records.get(column.name) or {}
    entry = (record.get("snippets") or {}).get(snippet)
    fresh = _tools(str(state.root)).matrix.fresh(entry, snippet, state.root)
    if not fresh or "output" not in entry:
        text = NOT_YET
    elif entry["result"] == "fails":
        text = "(fails)\n" + entry.get("detail", "")
    else:
        text = entry["output"].rstrip("\n")
    title = f"Output on the next release (keras-nightly {column.keras})"
    lines = [f'```text title="{title}"', *text.splitlines(), "```"]
    return [indent + line if line else "" for line in lines]


def on_files(files: Any, *, config: Any) -> Any:
    state = _state(config)
    state.nav = list(_flatten(config.get("nav")))
    state.versions_page = files.get_file_from_path("versions.md")
    return files


def on_page_markdown(markdown: str, *, page: Any, config: Any, files: Any) -> str:
    state = _state(config)
    lines = markdown.split("\n")
    out: list[str] = []
    fenced = False
    for number, line in enumerate(lines, start=1):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        forecast = None if fenced else FORECAST.search(line)
        if forecast:
            log.error(
                f"{page.file.src_uri}:{number}: a forecast ({forecast[0]!r}): say "
                "what the next release (keras-nightly) measured instead"
            )
        m = MARKER.match(line)
        n = NEXT_OUTPUT.match(line)
        if m and m["what"] == "table":
            out.append(table(state, page, files))
        elif m:
            out.append(m["indent"] + holds_line(state, "snippets/" + m["what"], page))
        elif n:
            out += next_output(state, "snippets/" + n["what"], n["indent"])
        else:
            out.append(line)
    return "\n".join(out)
