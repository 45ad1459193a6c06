"""MkDocs hook: what `make matrix` recorded (versions/<column>.json), shown on the site,
never typed.

1. docs/versions.md holds a line `<!-- versions: table -->`, which becomes the table
   claim x column. Each row is a claim (the first line of a snippet's docstring; a
   Keras 3 snippet and its generated Keras 2 twin share a row); each cell says `same`,
   `differs`, `fails` or `n/a` and links to the section of the page that shows the
   snippet; a differing or failing cell shows its diff or message on demand.
2. Any page may hold a line `<!-- versions: <topic>/<name>.py -->` (the path as in a
   `--8<--` include): it becomes "Versions: holds on ...; differs on ...; fails on
   ...", from the same records, with a link to the claim's row.
3. The records must describe the snippets the pages show: a record older than its
   snippet (the snippet, its recorded output or a module it imports changed since), a
   snippet without a record, a record of a snippet no page shows, a missing column or a
   column whose pins changed is an error (a failed strict build) naming the snippet and
   `make matrix`.

The columns, the hashes and the record format are tools/matrix.py's (imported from the
project root)."""

import logging
import os
import pathlib
import re
import sys
from html import escape

log = logging.getLogger("mkdocs.hooks.versions_table")

MARKER = re.compile(r"^(?P<indent>\s*)<!--\s*versions:\s*(?P<what>\S+)\s*-->\s*$")
HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<text>.+?)\s*$")
ANCHOR = re.compile(r"\s*\{[^}]*#(?P<id>[\w-]+)[^}]*\}\s*$")
INCLUDE = re.compile(r"""^\s*-+8<-+\s+(["'])(?P<target>[^"']+\.py)\1\s*$""")
# the claim column keeps a readable width; an opened diff stays compact
CLAIM_STYLE = "min-width: 16em"
ROW_STYLE = "font-weight: normal"
DETAILS_STYLE = "margin: .2em 0; font-size: .9em"

_state = {}


def _matrix(root):
    if root not in sys.path:
        sys.path.insert(0, root)
    from tools import matrix

    return matrix


def row_id(snippet):
    """The HTML id of a claim's row (snippets/pitfalls/a.py -> v-pitfalls-a)."""
    name = snippet.removeprefix("snippets/").removesuffix(".py")
    return "v-" + re.sub(r"[^\w-]+", "-", name)


def source_of(snippet):
    """The snippet whose row a snippet belongs to: a twin's source, else itself."""
    head, _, name = snippet.rpartition("/")
    if head.endswith("/keras2"):
        return f"{head.removesuffix('/keras2')}/{name}"
    return snippet


def shown_snippets(docs_dir, root):
    """Every snippet a page shows -> (page path relative to docs, section anchor or "",
    position: the order in which pages show them).

    The anchor is the explicit `{#id}` (or the toc slug) of the last heading above the
    include; a notebook symlink under docs/ shows its target."""
    from markdown.extensions.toc import slugify

    found = {}
    for folder, _, names in sorted(os.walk(docs_dir)):
        for name in sorted(names):
            path = os.path.join(folder, name)
            page = os.path.relpath(path, docs_dir).replace(os.sep, "/")
            if name.endswith(".py") and os.path.islink(path):
                target = os.path.relpath(os.path.realpath(path), root)
                found.setdefault(target.replace(os.sep, "/"), (page, "", len(found)))
                continue
            if not name.endswith(".md"):
                continue
            anchor, fenced = "", False
            with open(path, encoding="utf-8") as f:
                for line in f:
                    if line.lstrip().startswith(("```", "~~~")):
                        fenced = not fenced
                    heading = None if fenced else HEADING.match(line)
                    if heading:
                        text = heading["text"]
                        m = ANCHOR.search(text)
                        anchor = m["id"] if m else slugify(text, "-")
                    include = INCLUDE.match(line)
                    if include:
                        snippet = "snippets/" + include["target"]
                        found.setdefault(snippet, (page, anchor, len(found)))
    return found


def problems(root, records, shown, columns):
    """Why the records do not describe the snippets shown: a list of messages."""
    matrix = _matrix(root)
    found, stale = [], {}
    for column in columns:
        record = records.get(column.name)
        where = f"versions/{column.name}.json"
        if record is None:
            found.append(
                f"{where} is missing: run `make matrix COLUMNS={column.name}` "
                "and commit versions/"
            )
            continue
        if record.get("pins") != column.pins():
            found.append(
                f"{where} was recorded with {record.get('pins')}, the column now pins "
                f"{column.pins()}: run `make matrix COLUMNS={column.name}`"
            )
            continue
        if record.get("error"):
            continue  # a column that could not be set up says why on the page
        entries = record.get("snippets", {})
        for snippet in sorted(set(shown) | set(entries)):
            if snippet not in entries:
                why = "has no record"
            elif snippet not in shown:
                why = "is recorded but no page shows it"
            elif entries[snippet].get("hash") != matrix.source_hash(
                snippet, pathlib.Path(root)
            ):
                why = "changed after it was recorded"
            else:
                continue
            stale.setdefault((snippet, why), []).append(column.name)
    for (snippet, why), names in sorted(stale.items()):
        found.append(
            f"{snippet} {why} in versions/ ({', '.join(names)}): the version records "
            "are older than the snippet; run `make matrix` and commit versions/"
        )
    return found


def on_config(config):
    root = os.path.dirname(os.path.abspath(config.config_file_path))
    matrix = _matrix(root)
    records = matrix.load_records(pathlib.Path(root))
    shown = shown_snippets(config["docs_dir"], root)
    for message in problems(root, records, shown, matrix.COLUMNS):
        log.error(message)
    _state.update(root=root, records=records, shown=shown, columns=matrix.COLUMNS)
    return config


def _rows(shown):
    """Claim rows: source snippet -> the snippets it stands for (itself, its twin)."""
    rows = {}
    for snippet in shown:
        rows.setdefault(source_of(snippet), []).append(snippet)
    return rows


def _cell_entry(record, snippets, column, matrix):
    """The entry (and its snippet) that fills a cell: the one of the column's
    flavour."""
    for snippet in sorted(snippets):
        if matrix.flavour(snippet) == column.flavour:
            return snippet, (record.get("snippets") or {}).get(snippet)
    snippet = sorted(snippets)[0]
    return snippet, (record.get("snippets") or {}).get(snippet)


def _url(page, files, shown, snippet):
    target_page, anchor, _ = shown.get(snippet, ("", "", 0))
    target = files.get_file_from_path(target_page) if target_page else None
    if target is None:
        return ""
    url = target.url_relative_to(page.file)
    return f"{url}#{anchor}" if anchor else url


def table(page, files):
    """The HTML of the claim x column table."""
    matrix = _matrix(_state["root"])
    base, records, shown = (
        pathlib.Path(_state["root"]),
        _state["records"],
        _state["shown"],
    )
    columns = _state["columns"]
    nav_order = {p: i for i, p in enumerate(_nav_pages(files))}
    rows = _rows(shown)

    def position(source):
        page_path, _, index = min(shown[s] for s in rows[source])
        return nav_order.get(page_path, len(nav_order)), page_path, index

    order = sorted(rows, key=position)
    head = "".join(f'<th scope="col">{_header(c.title)}</th>' for c in columns)
    out = [
        '<div class="md-typeset__scrollwrap"><div class="md-typeset__table">',
        "<table>",  # no class: Material styles `table:not([class])`
        f'<thead><tr><th scope="col" style="{CLAIM_STYLE}">Claim</th>{head}</tr>'
        "</thead>",
        "<tbody>",
    ]
    group = None
    for source in order:
        page_path = position(source)[1]
        if page_path != group:
            group = page_path
            title = _page_titles(files).get(page_path, page_path)
            out.append(
                f'<tr><th scope="rowgroup" colspan="{len(columns) + 1}">'
                f"{escape(title)}</th></tr>"
            )
        text = _code(matrix.claim(source if source in shown else rows[source][0], base))
        link = _url(page, files, shown, rows[source][0])
        claim = f'<a href="{escape(link)}">{text}</a>' if link else text
        cells = []
        for column in columns:
            record = records.get(column.name) or {}
            if not record or record.get("error"):
                cells.append(f"<td>{'not set up' if record else 'no record'}</td>")
                continue
            snippet, entry = _cell_entry(record, rows[source], column, matrix)
            cells.append(f"<td>{_cell(entry, _url(page, files, shown, snippet))}</td>")
        out.append(
            f'<tr id="{row_id(source)}">'
            f'<th scope="row" style="{ROW_STYLE}">{claim}</th>{"".join(cells)}</tr>'
        )
    out += ["</tbody>", "</table>", "</div></div>"]
    notes = [
        f"<li><strong>{escape(c.title)}</strong> could not be set up: "
        f"<code>{escape(records[c.name]['error'].splitlines()[0])}</code></li>"
        for c in columns
        if (records.get(c.name) or {}).get("error")
    ]
    if notes:
        out += ["<ul>", *notes, "</ul>"]
    return "\n".join(out)


def _header(title):
    """A column title on two lines: TF 2.21.0 / + Keras 3.15.1."""
    return "<br>".join(
        escape(part) for part in re.split(r" (?=[+(])", title, maxsplit=1)
    )


def _code(text):
    """Escaped text with its `code` spans as <code>."""
    parts = escape(text).split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts))


def _cell(entry, url):
    if entry is None:
        return "no record"
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


def _flatten(nav):
    for item in nav or []:
        if isinstance(item, dict):
            for title, value in item.items():
                if isinstance(value, str):
                    yield title, value
                else:
                    yield from _flatten(value)
        elif isinstance(item, str):
            yield None, item


def _nav_pages(files):
    return [path for _, path in _flatten(_state.get("nav_config"))]


def _page_titles(files):
    return {path: title for title, path in _flatten(_state.get("nav_config")) if title}


def holds_line(snippet, page, files):
    """ "Versions: holds on ...; differs on ...; fails on ..." for one claim."""
    matrix = _matrix(_state["root"])
    records, shown = _state["records"], _state["shown"]
    source = source_of(snippet)
    members = _rows(shown).get(source)
    if not members:
        log.error(
            f"{page.file.src_uri}: `<!-- versions: {snippet[9:]} -->` names a snippet "
            "no page shows"
        )
        return ""
    groups = {"same": [], "differs": [], "fails": []}
    for column in _state["columns"]:
        record = records.get(column.name) or {}
        if record.get("error"):
            continue
        _, entry = _cell_entry(record, members, column, matrix)
        if entry and entry["result"] in groups:
            groups[entry["result"]].append(column.title)
    words = {
        "same": "holds on",
        "differs": "holds with another output on",
        "fails": "fails on",
    }
    parts = [f"{words[r]} {', '.join(t)}" for r, t in groups.items() if t]
    url = _state["versions_url"](page)
    link = (
        f' (<a href="{escape(url)}#{row_id(source)}">all versions</a>)' if url else ""
    )
    return f"**Versions:** {'; '.join(parts) or 'no record yet'}.{link}"


def on_files(files, config):
    _state["nav_config"] = config.get("nav")
    versions = files.get_file_from_path("versions.md")
    _state["versions_url"] = (
        (lambda page: versions.url_relative_to(page.file)) if versions else lambda p: ""
    )
    return files


def on_page_markdown(markdown, page, config, files):
    if "<!--" not in markdown or "versions:" not in markdown:
        return markdown
    lines = markdown.split("\n")
    for i, line in enumerate(lines):
        m = MARKER.match(line)
        if not m:
            continue
        what = m["what"]
        if what == "table":
            lines[i] = table(page, files)
        else:
            lines[i] = m["indent"] + holds_line("snippets/" + what, page, files)
    return "\n".join(lines)
