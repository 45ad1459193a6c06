"""The cross-release grid: a model saved as `.keras` on one release and loaded on
another. Every Keras 3 column (and tf_keras, to see whether a file crosses flavours)
saves the models of matrix/crossing.py; the pinned release and the nightly load them
all and record what each kind of layer did in each mode, beside the same models built
fresh there (ROUTES: the repairs, on the pinned release's files). Recorded in
versions/crossing.json; the pages render it (`<!-- crossing: ... -->`, `rows`)."""

from __future__ import annotations

import hashlib
import json
import pathlib
import shutil
import time

from tools import ROOT
from tools.columns import COLUMNS, Column, interpreter
from tools.elsewhere import ElsewhereError, run_elsewhere
from tools.environments import SetupError
from tools.snippets import KERAS2, KERAS3, Block, twin_of, twin_text
from tools.verdicts import scrub

ENGINE = "matrix/crossing.py"
HELPERS = (
    "snippets/zoo/models.py",
    "snippets/zoo/observe.py",
    "snippets/atlas/grid.py",  # the styles and front layers it saves
)  # beside it
RECORD = "versions/crossing.json"
SAVED = ".matrix/saved"  # <column>/<model>.keras, made again on every run
BUILT = "built here"  # the models built fresh on the loading release
# how a loaded file is used: (the engine's route, how a table names it)
ROUTES = (
    ("loaded", "loaded"),
    ("rebuilt", "rebuilt from code + `load_weights`"),
    ("stripped", "`training` keys stripped"),
)
# the engine's MODES, in its order (tests/test_crossing.py holds them equal)
MODES = ("model(x, training=True)", "model(x, training=False)", "predict", "fit")
AS_BUILT = "as built"
STATES = {True: "on", False: "off"}


def savers(columns=COLUMNS) -> list[Column]:
    """Every Keras 3 column, and tf_keras on the pinned TensorFlow."""
    keras2 = [c for c in columns if c.flavour == KERAS2 and "tf-keras" in c.pins()]
    return [c for c in columns if c.flavour == KERAS3] + keras2[:1]


def loaders(columns=COLUMNS) -> list[Column]:
    """The pinned release (the first column) and the next release."""
    return [columns[0]] + [c for c in columns if c.next_release]


def engine_hash(root: pathlib.Path = ROOT) -> str:
    digest = hashlib.sha256()
    for name in (ENGINE, *HELPERS):
        digest.update((root / name).read_bytes())
    return digest.hexdigest()[:16]


def _block(column: Column, call: str, root: pathlib.Path) -> Block:
    """The engine, then `call`, as one block for the column's flavour."""
    text = (root / ENGINE).read_text(encoding="utf-8")
    helpers = [(pathlib.PurePath(h).name, h) for h in HELPERS]
    if column.flavour == KERAS2:
        text = twin_text(text)
        helpers = [(name, twin_of(h)) for name, h in helpers]
    code = f'{text}\n\nif __name__ == "__main__":\n    {call}\n'
    files = tuple((n, (root / h).read_text(encoding="utf-8")) for n, h in helpers)
    return Block(ENGINE, 1, code, ENGINE, None, None, root, files)


def _run(column: Column, calls: list[str], root: pathlib.Path) -> list[dict]:
    """Each call's printed facts (a list per call); raises SetupError/ElsewhereError,
    or ElsewhereError when a block failed as a whole."""
    python, env = interpreter(column, root)
    blocks = [_block(column, call, root) for call in calls]
    _, outcomes = run_elsewhere(blocks, python, env)
    found = []
    for call, outcome in zip(calls, outcomes, strict=True):
        if outcome.status != 0:
            last = (outcome.stderr.strip().splitlines() or ["stopped"])[-1]
            raise ElsewhereError(f"{call}: {last[:300]}")
        lines = outcome.stdout.splitlines()
        found.append([json.loads(x) for x in lines if x.startswith("{")])
    return found


def measure(root: pathlib.Path = ROOT, columns=COLUMNS) -> dict:
    """Save on every saver, load on every loader: the record."""
    folder = root / SAVED
    shutil.rmtree(folder, ignore_errors=True)
    record: dict = {"hash": engine_hash(root), "savers": {}, "loaders": {}}
    for column in savers(columns):
        began = time.monotonic()
        entry = {"short": column.short, "title": column.title, "error": None}
        where = folder / column.name
        try:
            (facts,) = _run(column, [f"save_all({str(where)!r}, NAMES)"], root)
            entry["saved"] = {f["model"]: f.get("error", True) for f in facts}
            record.setdefault("models", [f["model"] for f in facts])  # in its order
        except (SetupError, ElsewhereError) as exc:
            entry["error"] = scrub(str(exc), root)
        record["savers"][column.name] = entry
        print(f"  saved on {column.name} ({time.monotonic() - began:.0f} s)")
    pinned = loaders(columns)[0].name
    for column in loaders(columns):
        began = time.monotonic()
        sources = {BUILT: "None"}
        for saver in savers(columns):
            sources[saver.name] = repr(str(folder / saver.name))
        for route, _ in ROUTES[1:]:
            sources[f"{pinned}|{route}"] = repr(str(folder / pinned))
        calls = [
            f"observe_all({where}, NAMES, {key.partition('|')[2] or 'loaded'!r})"
            for key, where in sources.items()
        ]
        entry = {"short": column.short, "title": column.title, "error": None}
        try:
            found = _run(column, calls, root)
            entry["sets"] = {
                key: {f.pop("model"): f for f in facts}
                for key, facts in zip(sources, found, strict=True)
            }
        except (SetupError, ElsewhereError) as exc:
            entry["error"] = scrub(str(exc), root)
        record["loaders"][column.name] = entry
        print(f"  loaded on {column.name} ({time.monotonic() - began:.0f} s)")
    return record


def run(root: pathlib.Path = ROOT) -> int:
    """`make crossing` (and the end of `make matrix`): measure, write RECORD."""
    began = time.monotonic()
    print("crossing: saved on each Keras 3 column, loaded on the pinned and the next")
    record = measure(root)
    text = json.dumps(record, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    (root / RECORD).write_text(text, encoding="utf-8")
    errors = [
        f"{kind} {name}: {e['error']}"
        for kind in ("savers", "loaders")
        for name, e in record[kind].items()
        if e["error"]
    ]
    print("\n".join(errors))
    print(f"crossing: {time.monotonic() - began:.0f} s; the record in {RECORD}")
    return 1 if errors else 0


def load(root: pathlib.Path = ROOT) -> dict | None:
    path = root / RECORD
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def stale(root: pathlib.Path = ROOT) -> str | None:
    """Why the record no longer describes the engine, or None."""
    record = load(root)
    if record is None:
        return f"{RECORD}: missing (run `make crossing`)"
    if record.get("hash") != engine_hash(root):
        return f"{RECORD}: made by another {ENGINE} or zoo (run `make crossing`)"
    return None


def model_label(name: str) -> str:
    """How a table names a model of the engine: "Functional, RandomFlip in front"."""
    style, _, front = name.partition("|")
    if style == "zoo":
        return f"zoo: {front}"
    if not front:
        return name
    return f"{style}, " + ("no front layer" if front == "nothing" else f"{front} first")


def _state(value) -> str:
    return STATES.get(value, str(value)) if value is not None else "none"


def difference(built: dict | None, found: dict | None) -> str:
    """AS_BUILT, or what differs from the model built fresh, mode by mode."""
    if found is None:
        return "not saved"
    if "error" in found:
        return f"not loaded ({found['error'].partition(':')[0]})"
    if built is None or "error" in built:
        return "not built here"
    parts = []
    for mode in sorted(found["modes"], key=lambda m: MODES.index(m)):
        kinds, was = found["modes"][mode], built["modes"].get(mode, {})
        moved = [
            f"{kind} {_state(was.get(kind))} → {_state(now)}"
            for kind, now in kinds.items()
            if was.get(kind) != now
        ]
        if moved:
            short = mode.removeprefix("model(x, ").removesuffix(")")
            parts.append(f"`{short}`: " + ", ".join(moved))
    return "; ".join(parts) or AS_BUILT


def summary(record: dict) -> list[list[str]]:
    """Saved on (rows) x loaded on (columns): how many models behave otherwise."""
    shown = [n for n in _ordered(record["loaders"], loaders()) if not _error(record, n)]
    head = ["Saved on"] + [f"loaded on {record['loaders'][n]['short']}" for n in shown]
    rows = [head]
    for saver in _ordered(record["savers"], savers()):
        entry = record["savers"][saver]
        row = [entry["short"]]
        for name in shown:
            sets = record["loaders"][name]["sets"]
            if entry["error"]:
                row.append(f"not saved ({entry['error'][:60]})")
                continue
            cells = [difference(sets[BUILT].get(m), f) for m, f in sets[saver].items()]
            lost = sum(c.startswith("not ") for c in cells)
            moved = sum(c != AS_BUILT and not c.startswith("not ") for c in cells)
            text = f"{moved} of {len(cells) - lost} behave otherwise"
            if lost == len(cells):
                text = cells[0] if cells else "nothing saved"
            elif lost:
                text += f"; {lost} not loaded"
            row.append(text)
        rows.append(row)
    return rows


def _ordered(recorded: dict, columns: list[Column]) -> list[str]:
    """The recorded column names, in the order of `columns` (others after)."""
    names = [c.name for c in columns if c.name in recorded]
    return names + [n for n in recorded if n not in names]


def _error(record: dict, loader: str) -> str | None:
    return record["loaders"][loader]["error"]


def models(record: dict, saved: str, loaded: str) -> list[list[str]]:
    """One row per model saved on `saved`: how it behaves on `loaded`, per route."""
    sets = record["loaders"][loaded]["sets"]
    routes = [(r, t) for r, t in ROUTES if r == "loaded" or f"{saved}|{r}" in sets]
    rows = [["Model"] + [title for _, title in routes]]
    unsaved = record["savers"][saved].get("saved", {})
    for name in record.get("models") or sets[BUILT]:
        built = sets[BUILT].get(name)
        row = [model_label(name)]
        for route, _ in routes:
            found = sets[saved if route == "loaded" else f"{saved}|{route}"].get(name)
            cell = difference(built, found)
            if found is None and unsaved.get(name) not in (None, True):
                cell = f"not saved ({unsaved[name].partition(':')[0]})"
            row.append(cell)
        rows.append(row)
    return rows
