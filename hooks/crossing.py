"""MkDocs hook: the cross-release grid (versions/crossing.json, written by `make
crossing`), rendered, never typed. `<!-- crossing: summary -->` becomes the table of
releases a model was saved on x the releases that loaded it; `<!-- crossing: models
SAVED LOADED -->` one row per model saved on column SAVED and loaded on LOADED. What
the cells say is decided in tools/crossing.py; this hook only lays the rows out."""

from __future__ import annotations

import logging
import pathlib
import re

import _project

from tools import crossing

log = logging.getLogger("mkdocs.hooks.crossing")
MARKER = re.compile(r"^<!-- crossing: (summary|models (\S+) (\S+)) -->$", re.M)


def table(rows: list[list[str]]) -> str:
    """Rows (the first is the header) as a Markdown table."""
    cells = [[c.replace("|", "\\|") for c in row] for row in rows]
    lines = ["| " + " | ".join(row) + " |" for row in cells]
    lines.insert(1, "|" + "---|" * len(rows[0]))
    return "\n".join(lines)


def render(markdown: str, record: dict | None, where: str) -> str:
    """The page's markers replaced by their tables (errors logged, naming the page)."""

    def replace(match: re.Match) -> str:
        line = markdown.count("\n", 0, match.start()) + 1
        if record is None:
            log.error(f"{where}:{line}: no {crossing.RECORD} (run `make crossing`)")
            return "*The cross-release grid is not recorded yet.*"
        if match.group(1) == "summary":
            return table(crossing.summary(record))
        saved, loaded = match.group(2), match.group(3)
        if saved not in record["savers"] or loaded not in record["loaders"]:
            log.error(f"{where}:{line}: {saved} or {loaded} is not in the grid")
            return match.group(0)
        if record["loaders"][loaded]["error"]:
            error = record["loaders"][loaded]["error"]
            log.error(f"{where}:{line}: {loaded} recorded no grid: {error}")
            return match.group(0)
        return table(crossing.models(record, saved, loaded))

    return MARKER.sub(replace, markdown)


def on_page_markdown(markdown, page, config, files, **kwargs):
    if "<!-- crossing:" not in markdown:
        return markdown
    record = crossing.load(pathlib.Path(_project.ROOT))
    return render(markdown, record, page.file.src_uri)
