"""The version records: versions/<column>.json, what a column measured per snippet.
Read and written here, and judged here once: `current(record, snippet, column)` says
whether an entry still describes the snippet and the column as they are. `make matrix`,
`make matrix-stale`, the contributor loop and the site's versions hook all ask it."""

from __future__ import annotations

import json
import pathlib

from tools import ROOT
from tools.columns import COLUMNS, Column
from tools.snippets import source_hash
from tools.verdicts import RESULTS

VERSIONS = "versions"  # versions/<column>.json, committed
NOT_YET = "not yet recorded"  # no current entry: the snippet or the column moved on
NOT_SET_UP = "not set up"  # the column could not be installed (its record says why)


def record_path(column: str, root: pathlib.Path = ROOT) -> pathlib.Path:
    return root / VERSIONS / f"{column}.json"


def dump(record: dict) -> str:
    return json.dumps(record, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def load_records(root: pathlib.Path = ROOT) -> dict[str, dict]:
    """Column name -> its record, for the records present under versions/."""
    found = {}
    for path in sorted((root / VERSIONS).glob("*.json")):
        found[path.stem] = json.loads(path.read_text(encoding="utf-8"))
    return found


def current(
    record: dict | None, snippet: str, column: Column, root: pathlib.Path = ROOT
) -> dict | None:
    """The record's entry for a snippet when it describes the snippet and the column as
    they are now (the column set up with the pins it has now, the snippet's source hash
    unchanged); None when it does not."""
    if not record or record.get("error") or record.get("pins") != column.pins():
        return None
    entry = (record.get("snippets") or {}).get(snippet)
    return entry if entry and entry.get("hash") == source_hash(snippet, root) else None


def result(
    record: dict | None, snippet: str, column: Column, root: pathlib.Path = ROOT
) -> str:
    """What a column says of a snippet: a result of RESULTS, NOT_SET_UP or NOT_YET."""
    if record and record.get("error"):
        return NOT_SET_UP
    entry = current(record, snippet, column, root)
    return entry["result"] if entry else NOT_YET


def counts(record: dict) -> dict[str, int]:
    found = [entry["result"] for entry in record.get("snippets", {}).values()]
    return {r: found.count(r) for r in RESULTS}


def stale(
    root: pathlib.Path,
    records: dict[str, dict],
    shown: set[str] | dict,
    columns=COLUMNS,
) -> list[str]:
    """Why the records do not describe the snippets the pages show (one message per
    snippet or column, naming the command that records it)."""
    found, late = [], {}
    for column in columns:
        record = records.get(column.name)
        where = f"{VERSIONS}/{column.name}.json"
        if record is None:
            found.append(
                f"{where} is missing: run `make matrix COLUMNS={column.name}` "
                f"and commit {VERSIONS}/"
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
            elif current(record, snippet, column, root) is None:
                why = "changed after it was recorded"
            else:
                continue
            late.setdefault((snippet, why), []).append(column.name)
    for (snippet, why), names in sorted(late.items()):
        found.append(
            f"{snippet} {why} in {VERSIONS}/ ({', '.join(names)}): not yet recorded; "
            f"run `make matrix` and commit {VERSIONS}/"
        )
    return found


def changed_results(old: dict, new: dict) -> list[str]:
    """What a re-run changed in a column's results (the weekly check): a line per
    snippet whose result moved, ignoring details, outputs and the pinned versions."""
    was, now = old.get("snippets", {}), new.get("snippets", {})
    lines = []
    if bool(old.get("error")) != bool(new.get("error")):
        lines.append(f"set-up: {old.get('error')!r} -> {new.get('error')!r}")
    for snippet in sorted(set(was) | set(now)):
        a = (was.get(snippet) or {}).get("result", "absent")
        b = (now.get(snippet) or {}).get("result", "absent")
        if a != b:
            lines.append(f"{snippet}: {a} -> {b}")
    return lines
