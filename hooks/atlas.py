"""MkDocs hook: the atlas's records (versions/atlas/<column>.json) published with the
site as atlas/data/<column>.json, with atlas/data/index.json (the columns in
tools.columns order, how to install each, the axes and what each label means), and
`<!-- atlas: picker -->` rendered as the picker that docs/javascripts/atlas.js fills.
A malformed record is an error naming the file; with no record the picker says none
is recorded yet. ATLAS_RECORDS=<folder> reads records from elsewhere (development)."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import pathlib
from html import escape
from typing import Any

import _project

from tools.atlas import ATLAS_RECORDS, FULL, PAIRWISE
from tools.columns import COLUMN_NAMES, COLUMNS
from tools.includes import ATLAS_PICKER, TABS

log = logging.getLogger("mkdocs.hooks.atlas")

PROJECT = pathlib.Path(_project.ROOT)
ENV = "ATLAS_RECORDS"  # another folder of records, for development
DATA = "atlas/data"  # where the site publishes them
INDEX = "index.json"
STATE = "atlas"  # this build's State, kept in config.extra
REPRODUCE = "reproduce.py"  # saved with grid.py from the page's tab, as a reader does
SUBSET = " (a covering subset)"  # how the column list marks a pairwise record

AXES = ("call", "style", "front", "layer")
BN_LIKE = ("bn", "bn_frozen", "bn_frozen_late")
# what each observed layer is (the keys are grid.LAYERS)
LAYERS = {
    "bn": "BatchNormalization",
    "bn_frozen": "BatchNormalization, frozen before the first run",
    "bn_frozen_late": "BatchNormalization, frozen after the first run",
    "noise": "GaussianNoise",
    "dropout": "Dropout",
    "augment": "RandomFlip inside the model (augmentation)",
    "lstm": "LSTM with dropout and recurrent_dropout",
}
# the same, as a table's column header
LAYERS_SHORT = {
    "bn": "BatchNormalization",
    "bn_frozen": "BatchNormalization frozen first",
    "bn_frozen_late": "BatchNormalization frozen late",
    "noise": "GaussianNoise",
    "dropout": "Dropout",
    "augment": "RandomFlip inside",
    "lstm": "LSTM",
}
# what each label says was seen (the labels are grid.cell's)
BN_LABELS = {
    "trains": "output differs from its training=False output (batch statistics) "
    "and its moving statistics moved: training mode",
    "inference": "output equals its training=False output and its moving "
    "statistics stayed put: inference mode",
    "batch statistics, no update": "output differs from its training=False output "
    "(batch statistics), but its moving statistics stayed put",
    "updates, inference output": "its moving statistics moved, but its output "
    "equals its training=False output",
}
OTHER_LABELS = {
    "active": "output differs from its training=False output: training mode",
    "idle": "output equals its training=False output: inference mode",
}
FIELDS = (  # the picker's selects: name, label
    ("call", "How the model is called"),
    ("style", "How the model is written"),
    ("front", "Layer in front of the model"),
    ("layer", "Layer observed"),
    ("column", "Versions (column)"),
)


@dataclasses.dataclass
class State:
    """What one build knows: the valid records in column order, and their index."""

    folder: pathlib.Path
    records: list[dict]
    index: dict
    files: dict[str, Any] = dataclasses.field(default_factory=dict)


def folder(root: pathlib.Path = PROJECT) -> pathlib.Path:
    """Where the records are read from: $ATLAS_RECORDS, else versions/atlas/."""
    return pathlib.Path(os.environ.get(ENV) or root / ATLAS_RECORDS)


def problems(record: Any, stem: str) -> list[str]:
    """What is wrong with one record (empty when it can be published)."""
    if not isinstance(record, dict):
        return ["not a JSON object"]
    found = []
    if record.get("column") != stem:
        found.append(f"its column {record.get('column')!r} is not its file name")
    for key in ("title", "short", "flavour", "grid"):
        if not isinstance(record.get(key), str) or not record.get(key):
            found.append(f"no {key!r}")
    if record.get("grid") not in (FULL, PAIRWISE):
        found.append(
            f"grid {record.get('grid')!r} is neither {FULL!r} nor {PAIRWISE!r}"
        )
    axes = record.get("axes")
    if not isinstance(axes, dict) or any(
        not isinstance(axes.get(a), list) or not axes.get(a) for a in AXES
    ):
        return found + [f"'axes' must list {', '.join(AXES)}"]
    unknown = [n for n in axes["layer"] if n not in LAYERS]
    if unknown:
        found.append(f"layers this page cannot name: {unknown} (hooks/atlas.py LAYERS)")
    cells = record.get("cells")
    if not isinstance(cells, dict):
        return found + ["'cells' is not an object"]
    for key, cell in cells.items():
        parts = key.split("|")
        if len(parts) != 3 or any(
            p not in axes[a] for p, a in zip(parts, AXES, strict=False)
        ):
            found.append(f"cell {key!r} is not call|style|front of its axes")
        elif not isinstance(cell, dict):
            found.append(f"cell {key!r} is not an object")
        elif "error" in cell:
            if not isinstance(cell["error"], str) or len(cell) != 1:
                found.append(f"cell {key!r}: an error cell holds one 'error' string")
        elif set(cell) != set(axes["layer"]):
            found.append(f"cell {key!r} observes {sorted(cell)}, not its axes' layers")
        else:
            for layer, label in cell.items():
                allowed = BN_LABELS if layer in BN_LIKE else OTHER_LABELS
                if label not in allowed:
                    found.append(f"cell {key!r}: {layer} {label!r} is no label")
        if len(found) > 10:
            return found[:10] + ["..."]
    return found


def load(where: pathlib.Path, column_order: tuple[str, ...]) -> list[dict]:
    """The valid records under where, in column order (unknown columns last); an
    invalid one is logged as an error and left out."""
    found = []
    for path in sorted(where.glob("*.json")) if where.is_dir() else []:
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            log.error(f"{path}: not a readable JSON record: {exc}")
            continue
        wrong = problems(record, path.stem)
        if wrong:
            log.error(f"{path}: not an atlas record: " + "; ".join(wrong))
            continue
        found.append(record)
    position = {name: i for i, name in enumerate(column_order)}
    for record in found:
        if record["column"] not in position:
            log.info(
                f"atlas: column {record['column']} is not in tools.columns.COLUMNS"
            )
    return sorted(
        found, key=lambda r: (position.get(r["column"], len(position)), r["column"])
    )


def _union(records: list[dict], axis: str) -> list[str]:
    seen: dict[str, None] = {}
    for record in records:
        seen.update(dict.fromkeys(record["axes"][axis]))
    return list(seen)


def index(records: list[dict], columns: tuple) -> dict:
    """What atlas/data/index.json holds."""
    by_name = {c.name: c for c in columns}
    listed = []
    for record in records:
        column = by_name.get(record["column"])
        cells = record["cells"].values()
        listed.append(
            {
                "column": record["column"],
                "title": record["title"],
                "short": record["short"],
                "flavour": record["flavour"],
                "grid": record["grid"],
                "file": f"{record['column']}.json",
                "measured": len(record["cells"]),
                "raised": sum("error" in c for c in cells),
                "install": column.install_line() if column else "",
                "command": f"python {REPRODUCE}",
                "tab": TABS[record["flavour"]],
            }
        )
    return {
        "columns": listed,
        "axes": {axis: _union(records, axis) for axis in AXES},
        "layers": LAYERS,
        "layers_short": LAYERS_SHORT,
        "labels": {**BN_LABELS, **OTHER_LABELS},
    }


def on_config(config: Any, **_: Any) -> Any:
    where = folder(pathlib.Path(config.config_file_path).resolve().parent)
    records = load(where, COLUMN_NAMES)
    if not records:
        log.info(f"atlas: no record in {where}: the Atlas page says so")
    config["extra"][STATE] = State(where, records, index(records, COLUMNS))
    return config


def _dump(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False)


def on_files(files: Any, *, config: Any) -> Any:
    from mkdocs.structure.files import File

    state: State = config["extra"][STATE]
    if not state.records:
        return files
    published = {INDEX: _dump(state.index)}
    for record in state.records:
        published[f"{record['column']}.json"] = _dump(record)
    for name, content in published.items():
        file = File.generated(config, f"{DATA}/{name}", content=content)
        files.append(file)
        state.files[name] = file
    return files


def _option(value: str, text: str, selected: bool = False) -> str:
    chosen = " selected" if selected else ""
    return f'<option value="{escape(value)}"{chosen}>{escape(text)}</option>'


def picker(state: State, page: Any) -> str:
    """The picker's HTML (one line per element: a raw HTML block for Markdown)."""
    if not state.records:
        return (
            '<p class="atlas-empty" id="atlas-empty"><strong>No measurements are '
            "recorded yet.</strong> The atlas's records (<code>versions/atlas/</code>) "
            "are written by the version matrix; once it has run, the picker appears "
            "here.</p>"
        )
    data = state.files[INDEX].url_relative_to(page.file)
    axes = state.index["axes"]
    options = {
        "call": [_option(v, v) for v in axes["call"]],
        "style": [_option(v, v) for v in axes["style"]],
        "front": [_option(v, v) for v in axes["front"]],
        "layer": [_option("all", "all layers", True)]
        + [_option(v, LAYERS[v]) for v in axes["layer"]],
        "column": [
            _option(
                c["column"],
                c["title"] + (SUBSET if c["grid"] == PAIRWISE else ""),
            )
            for c in state.index["columns"]
        ],
    }
    fields = [
        f'<div class="atlas-field"><label for="atlas-{axis}">{escape(text)}</label>'
        f'<select id="atlas-{axis}" name="{axis}">{"".join(options[axis])}</select>'
        "</div>"
        for axis, text in FIELDS
    ]
    links = ", ".join(
        f'<a href="{escape(state.files[c["file"]].url_relative_to(page.file))}">'
        f"{escape(c['title'])}</a>"
        for c in state.index["columns"]
    )
    count = len(state.records)
    return "\n".join(
        [
            f'<div class="atlas" id="atlas" data-index="{escape(data)}">',
            '<form class="atlas-form" id="atlas-form" hidden>',
            *fields,
            "</form>",
            f'<p class="atlas-status" id="atlas-status">Measured on {count} column'
            f"{'s' * (count != 1)}.</p>",
            '<div class="atlas-result" id="atlas-result" aria-live="polite"></div>',
            '<noscript><p class="atlas-status">The picker needs JavaScript. The '
            f"measurements themselves are JSON files, one per column: {links}.</p>"
            "</noscript>",
            "</div>",
        ]
    )


def on_page_markdown(markdown: str, *, page: Any, config: Any, files: Any) -> str:
    if "atlas:" not in markdown:
        return markdown
    state: State = config["extra"][STATE]
    out, shown = [], 0
    for number, line in enumerate(markdown.split("\n"), start=1):
        if ATLAS_PICKER.match(line):
            shown += 1
            if shown > 1:
                log.error(f"{page.file.src_uri}:{number}: a second atlas picker")
                continue
            out += ["", picker(state, page), ""]
        else:
            out.append(line)
    return "\n".join(out)
