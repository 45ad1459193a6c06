"""`make matrix`: every snippet re-run on the TensorFlow and Keras releases readers
still use, one record per column in versions/<column>.json. Writes only versions/ (and
the cache .matrix/, and matrix/*.lock when asked to re-lock).

A column is one TensorFlow install (a venv under .matrix/, installed from
matrix/<env>.lock with hashes) plus, for columns that differ only by a wheel, that
wheel installed with `--no-deps --target .matrix/<name>-<version>` and put first on
PYTHONPATH. This process (the project's .venv, which reads the pages) collects the
blocks and runs them in the column's interpreter with tools.execute.run_elsewhere (the
one way to run blocks in another interpreter: `python -m tools run-blocks`), which
imports TensorFlow once and runs every block in forks of itself, as `make outputs`
does. Per snippet and column the record says (tools.execute.verdict judges):

* `same`     the snippet holds and prints its recorded output;
* `differs`  it holds (exit 0) and prints something else (the diff is kept);
* `fails`    it fails (the assertion message, or the end of the traceback, is kept);
* `n/a`      a Keras 2 snippet (a `keras2/` twin or a `*_keras2.py`) in a Keras 3
             column, or a Keras 3 snippet in a Keras 2 column (the reason is kept).

Each entry carries the hash of the snippet, its recorded output and the sibling modules
it imports (`source_hash`), so a record older than the snippet it describes is known:
the site shows it as "not yet recorded" (an info line in a local build), and
`python -m tools matrix --stale` (the matrix workflow, on every change to snippets,
pins or the matrix) fails on it.

The next release: the `keras-nightly` column runs the newest nightly build over the
pinned TensorFlow. Its version is the one matrix/keras-nightly.lock pins; `make
matrix-lock` moves it to the newest the registry serves. Its record keeps every
snippet's full output, so the pages can show what the next release prints.
"""

from __future__ import annotations

import ast
import dataclasses
import hashlib
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import time

from tools import ROOT, atlas
from tools.execute import (
    DIFFERS,
    FAILS,
    SAME,
    ElsewhereError,
    Outcome,
    run_elsewhere,
    tail,
    verdict,
)
from tools.pages import imported_siblings
from tools.twins import KERAS2, KERAS3, flavour

CACHE = ".matrix"  # git-ignored: a venv per TensorFlow install, a folder per overlay
LOCKS = "matrix"  # matrix/<name>.lock: exact pins with hashes (`make matrix-lock`)
RECORDS = "versions"  # versions/<column>.json, committed
PYTHON_VERSION = "3.11"  # every column's Python: the parent's base interpreter

NA = "n/a"
RESULTS = (SAME, DIFFERS, FAILS, NA)
MATPLOTLIB = "matplotlib==3.11.2"
NIGHTLY = "keras-nightly"  # the next release, built every night from Keras main


@dataclasses.dataclass(frozen=True)
class Env:
    """One TensorFlow install: a venv under .matrix/<name>, from matrix/<name>.lock."""

    name: str
    pins: tuple[str, ...]  # what matrix/<name>.lock is compiled from


@dataclasses.dataclass(frozen=True)
class Column:
    name: str  # versions/<name>.json; `make matrix COLUMNS=<name>`
    title: str  # its header on the Versions page (no commas: titles are listed)
    env: str  # the Env it runs in
    flavour: str  # KERAS3 or KERAS2: the snippets it runs (the others are n/a)
    overlay: tuple[str, ...] = ()  # pins installed --no-deps, first on PYTHONPATH

    def pins(self) -> dict[str, str]:
        """Distribution -> the version this column promises (overlay wins)."""
        pins = dict(_split(p) for p in ENVS[self.env].pins)
        pins.update(_split(p) for p in self.overlay)
        return pins

    @property
    def next_release(self) -> bool:
        """The keras-nightly column: records keep full outputs."""
        return NIGHTLY in self.pins()

    @property
    def short(self) -> str:
        """How a sentence names this column: Keras 3.15, tf_keras 2.21, ..."""
        if self.next_release:
            return f"the next release (keras-nightly {self.keras})"
        if self.flavour == KERAS3:
            return f"Keras {_minor(self.keras)}"
        if "tf-keras" in self.pins():
            return f"tf_keras {_minor(self.pins()['tf-keras'])}"
        return f"the Keras 2 built into TF {_minor(self.pins()['tensorflow'])}"

    @property
    def keras(self) -> str:
        """The Keras this column runs: 3.15.1, 3.16.0.dev..., tf_keras 2.21.0..."""
        pins = self.pins()
        if self.flavour == KERAS3:
            return pins.get(NIGHTLY) or pins["keras"]
        return pins.get("tf-keras") or pins.get("keras") or "2.15 (built in)"


def nightly_pin(root: pathlib.Path = ROOT) -> str:
    """keras-nightly==<the version matrix/keras-nightly.lock pins> (`make matrix-lock`
    moves it to the newest nightly)."""
    lock = root / LOCKS / f"{NIGHTLY}.lock"
    text = lock.read_text(encoding="utf-8") if lock.is_file() else ""
    m = re.search(rf"^{NIGHTLY}==(\S+)", text, re.M)
    return f"{NIGHTLY}=={m[1] if m else 'unlocked'}"


# matplotlib: the notebook (a snippet too) draws its figures with it
ENVS = {
    e.name: e
    for e in (
        Env(
            "tf2.21",
            ("tensorflow==2.21.0", "keras==3.15.1", "tf-keras==2.21.0", MATPLOTLIB),
        ),
        # the oldest Keras each TensorFlow declares: TF 2.20 keras >= 3.10, 2.19 >= 3.5
        Env("tf2.20", ("tensorflow==2.20.0", "keras==3.10.0", MATPLOTLIB)),
        Env("tf2.19", ("tensorflow==2.19.1", "keras==3.9.2", MATPLOTLIB)),
        Env("tf2.16", ("tensorflow==2.16.2", "keras==3.3.3", MATPLOTLIB)),
        # TensorFlow 2.15 requires numpy < 2 itself; its Keras 2 is `keras` 2.15.0
        Env("tf2.15", ("tensorflow==2.15.1", MATPLOTLIB)),
    )
}


def _keras_column(env: str, tf: str, keras: str, default: bool = False) -> Column:
    minor = ".".join(keras.split(".")[:2])
    return Column(
        f"{env}-keras{minor}",
        f"TF {tf} + Keras {keras}",
        env,
        KERAS3,
        () if default else (f"keras=={keras}",),
    )


_NIGHTLY = nightly_pin().partition("==")[2]
COLUMNS = (
    _keras_column("tf2.21", "2.21.0", "3.15.1", default=True),
    Column(
        "tf2.21-keras-nightly",
        f"Next release: keras-nightly {_NIGHTLY} (TF 2.21.0)",
        "tf2.21",
        KERAS3,
        (nightly_pin(),),
    ),
    _keras_column("tf2.21", "2.21.0", "3.14.1"),
    _keras_column("tf2.21", "2.21.0", "3.13.2"),
    _keras_column("tf2.21", "2.21.0", "3.12.4"),
    _keras_column("tf2.20", "2.20.0", "3.11.3"),
    _keras_column("tf2.20", "2.20.0", "3.10.0", default=True),
    _keras_column("tf2.19", "2.19.1", "3.9.2", default=True),
    _keras_column("tf2.16", "2.16.2", "3.3.3", default=True),
    Column("tf2.21-tf_keras", "TF 2.21.0 + tf_keras 2.21.0", "tf2.21", KERAS2),
    Column("tf2.15-keras2", "TF 2.15.1 (built-in Keras 2)", "tf2.15", KERAS2),
    Column(
        "tf2.15-tf_keras",
        "TF 2.15.1 + tf-keras 2.15.1",
        "tf2.15",
        KERAS2,
        ("tf-keras==2.15.1",),
    ),
)
COLUMN_NAMES = tuple(c.name for c in COLUMNS)


def _minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


def label(chosen: list[Column], among: list[Column]) -> str:
    """Columns as a sentence names them, Keras 3 releases of consecutive minor versions
    that all hold as one range: "Keras 3.10–3.15, the next release (keras-nightly
    ...) and tf_keras 2.21". A range never spans a release no column measured."""
    released = sorted(
        (c for c in among if c.flavour == KERAS3 and not c.next_release),
        key=lambda c: _key(c.keras),
    )
    runs: list[list[Column]] = []
    for column in released:
        if column not in chosen:
            runs.append([])
        elif (
            runs
            and runs[-1]
            and _key(runs[-1][-1].keras)[:2]
            == (
                _key(column.keras)[0],
                _key(column.keras)[1] - 1,
            )
        ):
            runs[-1].append(column)
        else:
            runs.append([column])
    parts = []
    for run in (r for r in runs if r):
        first, last = _minor(run[0].keras), _minor(run[-1].keras)
        parts.append(f"Keras {first}" if first == last else f"Keras {first}–{last}")
    parts += [c.short for c in chosen if c.next_release]
    parts += [c.short for c in among if c.flavour == KERAS2 and c in chosen]
    if len(parts) > 1:
        return ", ".join(parts[:-1]) + " and " + parts[-1]
    return "".join(parts)


def _split(pin: str) -> tuple[str, str]:
    name, _, version = pin.partition("==")
    return name.strip().lower().replace("_", "-"), version.strip()


def overlay_dir(pin: str, root: pathlib.Path = ROOT) -> pathlib.Path:
    name, version = _split(pin)
    return root / CACHE / f"{name}-{version}"


def lock_file(name: str, root: pathlib.Path = ROOT) -> pathlib.Path:
    """matrix/<env>.lock for an env, matrix/<name>-<version>.lock for an overlay pin,
    matrix/keras-nightly.lock for the nightly (which holds its version)."""
    if name.startswith(f"{NIGHTLY}=="):
        name = NIGHTLY
    elif "==" in name:
        name = "-".join(_split(name))
    return root / LOCKS / f"{name}.lock"


# ---------------------------------------------------------------- snippets and hashes


def not_applicable(snippet: str, column: Column) -> str | None:
    """Why a snippet does not run in a column, or None when it does."""
    kind = flavour(snippet)
    if kind == column.flavour:
        return None
    if kind == KERAS2:
        return "a Keras 2 snippet; this column runs the Keras 3 snippets"
    return "a Keras 3 snippet; this column runs the Keras 2 snippets"


def source_hash(snippet: str, root: pathlib.Path = ROOT) -> str:
    """A hash of what a snippet's result depends on in the repository: its text, its
    recorded output, and the modules beside it that it imports."""
    path = root / snippet
    siblings = imported_siblings(path)
    digest = hashlib.sha256()
    for f in [path, path.with_suffix(".out"), *sorted(siblings - {path})]:
        name = f.relative_to(root).as_posix()
        data = f.read_bytes().replace(b"\r\n", b"\n") if f.is_file() else b"<none>"
        digest.update(name.encode() + b"\0" + data + b"\0")
    return digest.hexdigest()[:16]


def claim(snippet: str, root: pathlib.Path = ROOT) -> str:
    """The claim a snippet asserts: its docstring's first paragraph, on one line."""
    try:
        doc = ast.get_docstring(ast.parse((root / snippet).read_text(encoding="utf-8")))
    except (OSError, SyntaxError):
        doc = None
    return " ".join((doc or snippet).strip().split("\n\n")[0].split())


# ---------------------------------------------------------------- classification


_ADDRESS = re.compile(r"0x[0-9a-fA-F]{6,}")
_SITE = re.compile(r"[^\s\"']*/(site-packages|\.matrix/[^/\s\"']+)/")
_FRAME = re.compile(r'^  File "(?P<file>[^"]+)", line (?P<line>\d+)')


def _scrub(text: str, root: pathlib.Path) -> str:
    """Remove what differs between machines: absolute paths and memory addresses."""
    text = text.replace(str(root) + os.sep, "")
    text = _SITE.sub(lambda m: m.group(1).split("/")[0] + "/", text)
    return _ADDRESS.sub("0x...", text)


def failure_message(stderr: str, root: pathlib.Path = ROOT, limit: int = 12) -> str:
    """The exception a failing snippet ended with (its last lines) and the snippet
    line it was raised from; the last lines of stderr when there is no traceback."""
    lines = stderr.rstrip().splitlines()
    frames = [i for i, line in enumerate(lines) if _FRAME.match(line)]
    if not frames:
        return _scrub("\n".join(lines[-limit:]), root) or "(nothing on stderr)"
    after = lines[frames[-1] + 1 :]  # the frame's source line(s), then the message
    start = next((i for i, line in enumerate(after) if not line.startswith("    ")), 0)
    message = [line.rstrip() for line in after[start:]]
    message = [line for i, line in enumerate(message) if line or (i and message[i - 1])]
    own = [
        m
        for m in (_FRAME.match(lines[i]) for i in frames)
        if m and _scrub(m["file"], root).startswith("snippets/")
    ]
    where = f"\n(raised at {_scrub(own[-1]['file'], root)}, line {own[-1]['line']})"
    if len(message) > limit:  # its first lines say what, its last lines why
        message = message[:2] + ["..."] + message[3 - limit :]
    text = "\n".join(message) + (where if own else "")
    return _scrub(text, root)


def classify(
    expected: str | None, outcome: Outcome, root: pathlib.Path = ROOT
) -> tuple[str, str]:
    """(result, detail) of one run, by tools.execute.verdict: SAME, DIFFERS (the diff),
    FAILS (the message, without what differs between machines)."""
    result, detail = verdict(expected, outcome, "recorded", "this column")
    if result == FAILS and outcome.status is not None:
        detail = failure_message(detail, root)
    return result, detail


def counts(record: dict) -> dict[str, int]:
    found = [entry["result"] for entry in record.get("snippets", {}).values()]
    return {r: found.count(r) for r in RESULTS}


# ---------------------------------------------------------------- environments


class SetupError(Exception):
    """A column that cannot be installed; its message goes into the record."""


def _run_pip(python: pathlib.Path, args: list[str], what: str) -> None:
    cmd = [str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    proc = subprocess.run(cmd + args, capture_output=True, text=True)
    if proc.returncode:
        raise SetupError(
            f"{what}: pip install failed (status {proc.returncode}):\n"
            f"{tail(proc.stderr or proc.stdout, 15)}"
        )


def unlocked(lock: pathlib.Path, pins: tuple[str, ...]) -> list[str]:
    """The pins that lock does not hold (all of them when it is missing)."""
    text = lock.read_text(encoding="utf-8") if lock.is_file() else ""
    return [p for p in pins if not re.search(rf"^{re.escape(p)}(\s|$)", text, re.M)]


def _stamp(lock: pathlib.Path, pins: tuple[str, ...]) -> str:
    """What the cache is keyed on: the lock's text, once it is known to hold pins."""
    missing = unlocked(lock, pins)
    if missing:
        raise SetupError(
            f"{LOCKS}/{lock.name} does not pin {missing}; run `make matrix-lock`"
        )
    return hashlib.sha256(lock.read_bytes()).hexdigest()


def ensure_env(env: Env, root: pathlib.Path = ROOT) -> pathlib.Path:
    """The python of env's venv, (re)created when its lock changed."""
    import venv

    folder = root / CACHE / env.name
    lock = lock_file(env.name, root)
    stamp, want = folder / ".installed", _stamp(lock, env.pins)
    python = folder / "bin" / "python"
    if stamp.is_file() and stamp.read_text() == want and python.exists():
        return python
    print(f"  installing {env.name} from {LOCKS}/{lock.name} into {CACHE}/{env.name}")
    if folder.exists():
        shutil.rmtree(folder)
    venv.create(folder, with_pip=True)
    _run_pip(python, ["--require-hashes", "-r", str(lock)], env.name)
    stamp.write_text(want)
    return python


def ensure_overlay(
    pin: str, python: pathlib.Path, root: pathlib.Path = ROOT
) -> pathlib.Path:
    """The folder holding `pin` alone (no dependencies), installed by `python`'s pip."""
    folder = overlay_dir(pin, root)
    lock = lock_file(pin, root)
    stamp, want = folder / ".installed", _stamp(lock, (pin,))
    if stamp.is_file() and stamp.read_text() == want:
        return folder
    print(f"  installing {pin} into {CACHE}/{folder.name}")
    if folder.exists():
        shutil.rmtree(folder)
    args = ["--no-deps", "--require-hashes", "--target", str(folder), "-r", str(lock)]
    _run_pip(python, args, pin)
    stamp.write_text(want)
    return folder


def write_locks(root: pathlib.Path = ROOT, every: bool = False) -> int:
    """`make matrix-lock`: write the locks whose pins changed (all with `every`), with
    uv, as `make lock` does, and move the nightly's lock to the newest nightly."""
    uv = pathlib.Path(sys.executable).parent / "uv"
    if not uv.exists():
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "-q", "uv==0.13.9"], check=True
        )
    (root / LOCKS).mkdir(exist_ok=True)
    wanted = [(name, env.pins, False) for name, env in ENVS.items()]
    wanted += [
        (pin, (NIGHTLY,) if pin.startswith(f"{NIGHTLY}==") else (pin,), True)
        for c in COLUMNS
        for pin in c.overlay
    ]
    for name, pins, alone in dict.fromkeys(wanted):
        lock = lock_file(name, root)
        moving = pins == (NIGHTLY,)
        if not (every or moving or unlocked(lock, pins)):
            continue
        with tempfile.TemporaryDirectory() as tmp:
            req = pathlib.Path(tmp) / "requirements.in"
            req.write_text("\n".join(pins) + "\n")
            out = pathlib.Path(tmp) / "out.lock"
            cmd = [str(uv), "pip", "compile", str(req), "--universal"]
            cmd += ["--python-version", "3.11.5", "--generate-hashes", "--no-header"]
            cmd += ["--quiet", "-o", str(out)] + (["--no-deps"] if alone else [])
            cmd += ["--prerelease", "allow"] if moving else []
            subprocess.run(cmd, check=True)
            body = out.read_text().replace(str(req), "matrix pins")
        what = "the newest keras-nightly" if moving else ", ".join(pins)
        lock.write_text(
            "# Generated by `make matrix-lock` from tools/matrix.py: do not edit.\n"
            f"# {what}"
            + (" alone (installed --no-deps)" if alone else ", and what they need")
            + ", pinned with hashes, for Python 3.11.\n"
            + body
        )
        print(f"wrote {lock.relative_to(root)}")
    return 0


def newer_release(columns=COLUMNS, python: str = sys.executable) -> str | None:
    """The tripwire: a sentence when the registry serves a Keras release newer than
    the newest Keras 3 column, naming the column to add; None when it does not, or
    when the registry cannot be asked."""
    try:
        proc = subprocess.run(
            [python, "-m", "pip", "index", "versions", "keras"],
            capture_output=True,
            text=True,
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    m = re.search(r"^Available versions: (.+)$", proc.stdout, re.M)
    if proc.returncode or not m:
        return None
    released = [
        v.strip() for v in m[1].split(",") if re.fullmatch(r"[\d.]+", v.strip())
    ]
    ours = [c.keras for c in columns if c.flavour == KERAS3 and not c.next_release]
    if not released or not ours:
        return None
    newest, ours_newest = max(released, key=_key), max(ours, key=_key)
    if _key(newest) <= _key(ours_newest):
        return None
    minor = ".".join(newest.split(".")[:2])
    return (
        f"keras {newest} is on the registry, newer than the newest column "
        f"(Keras {ours_newest}): add a column tf<TF>-keras{minor} to COLUMNS in "
        f"tools/matrix.py (on a TensorFlow release that declares it), then "
        f"`make matrix-lock` and `make matrix COLUMNS=tf<TF>-keras{minor}`"
    )


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", version)[:3])


# ---------------------------------------------------------------- parent: run columns


def run_column(
    column: Column,
    blocks: list,
    root: pathlib.Path = ROOT,
    hashes: dict[str, str] | None = None,
    with_atlas: str = "",
) -> dict:
    """The record of one column: set up its environment, run what applies, classify;
    with_atlas, the atlas's full grid too (`record["atlas"]`, written apart by `run`).
    `hashes`: the source hashes taken when the blocks were collected (default: now)."""
    if hashes is None:
        hashes = {b.snippet: source_hash(b.snippet, root) for b in blocks}
    record: dict = {
        "column": column.name,
        "title": column.title,
        "flavour": column.flavour,
        "pins": column.pins(),
        "installed": None,
        "error": None,
        "snippets": {},
    }
    runs = [b for b in blocks if not not_applicable(b.snippet, column)]
    cells = {"full": atlas.full, "pairwise": atlas.pairwise}.get(
        with_atlas, lambda root: []
    )(root)
    grid = atlas.blocks(cells, column.flavour, root)
    try:
        python = ensure_env(ENVS[column.env], root)
        overlays = [ensure_overlay(pin, python, root) for pin in column.overlay]
        env = {k: v for k, v in os.environ.items() if k not in _NOT_INHERITED}
        env["PYTHONPATH"] = os.pathsep.join(str(p) for p in overlays)
        installed, outcomes = run_elsewhere(runs + grid, python, env)
    except (SetupError, ElsewhereError) as exc:
        record["error"] = f"could not be set up: {_scrub(str(exc), root)}"
        return record
    record["installed"] = installed
    wrong = {
        name: installed.get(name)
        for name, version in column.pins().items()
        if installed.get(name, version) != version
    }
    imported = installed.get("imported keras", "")
    if column.next_release and not imported.startswith(NIGHTLY.replace("-", "_")):
        wrong["imported keras"] = imported
    if wrong:
        record["error"] = f"installed {wrong}, not the pinned {column.pins()}"
        return record
    outcomes, grid_outcomes = outcomes[: len(runs)], outcomes[len(runs) :]
    if cells:
        found, failed = atlas.results(grid_outcomes)
        record["atlas"] = atlas.record(column, found, with_atlas, root)
        record["atlas_seconds"] = sum(o.seconds for o in grid_outcomes)
        if failed:
            record["error"] = f"the atlas stopped: {failed[0]}"
            return record
    by_snippet = dict(zip((b.snippet for b in runs), outcomes, strict=True))
    for block in blocks:
        reason = not_applicable(block.snippet, column)
        entry = {"hash": hashes[block.snippet]}
        if reason:
            entry.update(result=NA, detail=reason)
        else:
            outcome = by_snippet[block.snippet]
            result, detail = classify(block.expected, outcome, root)
            entry.update(result=result, detail=detail)
            if column.next_release:  # what the next release prints, for the pages
                entry["output"] = outcome.stdout
        record["snippets"][block.snippet] = entry
    return record


_NOT_INHERITED = ("TF_USE_LEGACY_KERAS", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONPATH")


def record_path(column: str, root: pathlib.Path = ROOT) -> pathlib.Path:
    return root / RECORDS / f"{column}.json"


def dump(record: dict) -> str:
    return json.dumps(record, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def load_records(root: pathlib.Path = ROOT) -> dict[str, dict]:
    """Column name -> its record, for the records present under versions/."""
    found = {}
    for path in sorted((root / RECORDS).glob("*.json")):
        found[path.stem] = json.loads(path.read_text(encoding="utf-8"))
    return found


def fresh(entry: dict | None, snippet: str, root: pathlib.Path = ROOT) -> bool:
    """Whether a record's entry describes the snippet as it is now."""
    return bool(entry) and entry.get("hash") == source_hash(snippet, root)


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
        where = f"{RECORDS}/{column.name}.json"
        if record is None:
            found.append(
                f"{where} is missing: run `make matrix COLUMNS={column.name}` "
                f"and commit {RECORDS}/"
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
            elif not fresh(entries[snippet], snippet, root):
                why = "changed after it was recorded"
            else:
                continue
            late.setdefault((snippet, why), []).append(column.name)
    for (snippet, why), names in sorted(late.items()):
        found.append(
            f"{snippet} {why} in {RECORDS}/ ({', '.join(names)}): not yet recorded; "
            f"run `make matrix` and commit {RECORDS}/"
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


def run(
    names: list[str] | None = None,
    root: pathlib.Path = ROOT,
    with_atlas: str = "full",
    only_stale: bool = False,
) -> int:
    """`make matrix [COLUMNS=...]`: run the columns, write their records, time them.
    only_stale: in each column, run only the snippets whose entry is missing or older
    than the snippet (and the atlas only when its engine changed), keep the rest."""
    from tools.pages import collect

    unknown = sorted(set(names or []) - set(COLUMN_NAMES))
    if unknown:
        print(f"unknown column(s) {unknown}; the columns are {list(COLUMN_NAMES)}")
        return 2
    columns = [c for c in COLUMNS if not names or c.name in names]
    blocks = sorted(collect(root).snippets(), key=lambda b: b.snippet)
    hashes = {b.snippet: source_hash(b.snippet, root) for b in blocks}  # as collected
    (root / RECORDS).mkdir(exist_ok=True)
    start, failed = time.monotonic(), 0
    for column in columns:
        began = time.monotonic()
        print(f"{column.name}: {column.title}", flush=True)
        old = load_records(root).get(column.name) if only_stale else None
        if old and old.get("pins") == column.pins() and not old.get("error"):
            kept = {
                s: e
                for s, e in old["snippets"].items()
                if s in hashes and e.get("hash") == hashes[s]
            }
            todo = [b for b in blocks if b.snippet not in kept]
            grid_old = atlas.load(column.name, root)
            fresh_grid = grid_old and grid_old.get("hash") == atlas.grid_hash(root)
            kind = "" if fresh_grid and grid_old["grid"] == with_atlas else with_atlas
            print(f"  {len(todo)} snippet(s) to record, {len(kept)} kept", flush=True)
            record = run_column(column, todo, root, hashes, kind)
            if not record["error"]:
                record["snippets"] = dict(
                    sorted({**kept, **record["snippets"]}.items())
                )
        else:
            record = run_column(column, blocks, root, hashes, with_atlas)
        grid = record.pop("atlas", None)
        work = record.pop("atlas_seconds", 0.0)
        if grid is not None:
            path = atlas.record_path(column.name, root)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(dump(grid), encoding="utf-8")
            errors = sum("error" in c for c in grid["cells"].values())
            print(
                f"  atlas: {len(grid['cells'])} cells ({errors} raised), "
                f"{work:.0f} s of work in the forks"
            )
        record_path(column.name, root).write_text(dump(record), encoding="utf-8")
        seconds = time.monotonic() - began
        if record["error"]:
            failed += 1
            print(f"  {record['error']}")
        tally = ", ".join(f"{n} {r}" for r, n in counts(record).items())
        print(f"  {tally}  ({seconds:.0f} s)", flush=True)
    total = time.monotonic() - start
    print(f"matrix: {len(columns)} column(s) in {total:.0f} s; records in {RECORDS}/")
    tripwire = newer_release()
    if tripwire:
        print(f"NOTE: {tripwire}")
    return 1 if failed else 0


def main(
    columns: list[str],
    atlas_grid: str = "full",
    only_stale: bool = False,
    lock: bool = False,
    stale_only: bool = False,
    compare: list[str] | None = None,
    root: pathlib.Path = ROOT,
) -> int:
    if lock:
        return write_locks(root)
    if compare:
        old, new = (json.loads(pathlib.Path(p).read_text()) for p in compare)
        lines = changed_results(old, new)
        print("\n".join(lines) or "no result changed")
        return 1 if lines else 0
    if stale_only:
        from tools.pages import collect

        shown = {b.snippet for b in collect(root).snippets()}
        found = stale(root, load_records(root), shown)
        print("\n".join(found) or "every record describes the snippets as they are")
        tripwire = newer_release()
        if tripwire:
            print(f"NOTE: {tripwire}")
        return 1 if found else 0
    if sys.version_info[:2] != tuple(int(p) for p in PYTHON_VERSION.split(".")):
        print(f"make matrix needs Python {PYTHON_VERSION} (the columns' interpreter)")
        return 2
    return run(columns or None, root, atlas_grid, only_stale)
