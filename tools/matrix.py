"""`make matrix`: every snippet re-run on the TensorFlow and Keras releases readers
still use, one record per column in versions/<column>.json. Writes only versions/ (and
the cache .matrix/, and matrix/*.lock when asked to re-lock).

A column is one TensorFlow install (a venv under .matrix/, installed from
matrix/<env>.lock with hashes) plus, for columns that differ only by a wheel, that
wheel installed with `--no-deps --target .matrix/<name>-<version>` and put first on
PYTHONPATH. This process (the project's .venv, which reads the pages) collects the
blocks and hands them as JSON to `<column venv>/bin/python -m tools matrix --child`,
which imports TensorFlow once (tools.execute.warm_up) and runs every block in forks of
itself (tools.execute.run_many), as `make outputs` does. Per snippet and column the
record says:

* `same`     the snippet holds and prints its recorded output;
* `differs`  it holds (exit 0) and prints something else (the diff is kept);
* `fails`    it fails (the assertion message, or the end of the traceback, is kept);
* `n/a`      a Keras 2 snippet (a `keras2/` twin or a `*_keras2.py`) in a Keras 3
             column, or a Keras 3 snippet in a Keras 2 column (the reason is kept).

Each entry carries the hash of the snippet, its recorded output and the sibling modules
it imports (`source_hash`), so hooks/versions_table.py fails the strict build when a
record is older than the snippet it describes.
"""

from __future__ import annotations

import ast
import dataclasses
import difflib
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

from tools import ROOT
from tools.pages import imported_siblings

CACHE = ".matrix"  # git-ignored: a venv per TensorFlow install, a folder per overlay
LOCKS = "matrix"  # matrix/<name>.lock: exact pins with hashes (`make matrix-lock`)
RECORDS = "versions"  # versions/<column>.json, committed
PYTHON_VERSION = "3.11"  # every column's Python: the parent's base interpreter

SAME, DIFFERS, FAILS, NA = "same", "differs", "fails", "n/a"
RESULTS = (SAME, DIFFERS, FAILS, NA)
KERAS2, KERAS3 = "keras2", "keras3"
# the distributions whose installed versions each column reports
DISTRIBUTIONS = ("tensorflow", "keras", "tf-keras")
MATPLOTLIB = "matplotlib==3.11.2"


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


# matplotlib: the notebook (a snippet too) draws its figures with it
ENVS = {
    e.name: e
    for e in (
        Env(
            "tf2.21",
            ("tensorflow==2.21.0", "keras==3.15.1", "tf-keras==2.21.0", MATPLOTLIB),
        ),
        Env("tf2.16", ("tensorflow==2.16.2", "keras==3.3.3", MATPLOTLIB)),
        # TensorFlow 2.15 requires numpy < 2 itself; its Keras 2 is `keras` 2.15.0
        Env("tf2.15", ("tensorflow==2.15.1", MATPLOTLIB)),
    )
}

COLUMNS = (
    Column("tf2.21-keras3.15", "TF 2.21.0 + Keras 3.15.1", "tf2.21", KERAS3),
    Column(
        "tf2.21-keras3.14",
        "TF 2.21.0 + Keras 3.14.1",
        "tf2.21",
        KERAS3,
        ("keras==3.14.1",),
    ),
    Column(
        "tf2.21-keras3.13",
        "TF 2.21.0 + Keras 3.13.2",
        "tf2.21",
        KERAS3,
        ("keras==3.13.2",),
    ),
    Column(
        "tf2.21-keras3.12",
        "TF 2.21.0 + Keras 3.12.4",
        "tf2.21",
        KERAS3,
        ("keras==3.12.4",),
    ),
    Column("tf2.16-keras3.3", "TF 2.16.2 + Keras 3.3.3", "tf2.16", KERAS3),
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


def _split(pin: str) -> tuple[str, str]:
    name, _, version = pin.partition("==")
    return name.strip().lower().replace("_", "-"), version.strip()


def overlay_dir(pin: str, root: pathlib.Path = ROOT) -> pathlib.Path:
    name, version = _split(pin)
    return root / CACHE / f"{name}-{version}"


def lock_file(name: str, root: pathlib.Path = ROOT) -> pathlib.Path:
    """matrix/<env>.lock for an env, matrix/<name>-<version>.lock for an overlay pin."""
    if "==" in name:
        name = "-".join(_split(name))
    return root / LOCKS / f"{name}.lock"


# ---------------------------------------------------------------- snippets and hashes


def flavour(snippet: str) -> str:
    """KERAS2 for a generated twin (keras2/<name>.py) or a `*_keras2.py`; else KERAS3"""
    path = pathlib.PurePosixPath(snippet)
    if path.parent.name == "keras2" or path.stem.endswith("_keras2"):
        return KERAS2
    return KERAS3


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


def _norm(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


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
    expected: str | None,
    status: int | None,
    stdout: str,
    stderr: str,
    timeout: float = 0.0,
    root: pathlib.Path = ROOT,
) -> tuple[str, str]:
    """(result, detail) of one run: SAME, DIFFERS (the diff), FAILS (the message)."""
    if status is None:
        return FAILS, f"did not finish within {timeout:.0f} s"
    if status != 0:
        return FAILS, failure_message(stderr, root)
    if expected is None or _norm(stdout) == _norm(expected):
        return SAME, ""
    diff = difflib.unified_diff(
        _norm(expected).splitlines(),
        _norm(stdout).splitlines(),
        fromfile="recorded",
        tofile="this column",
        lineterm="",
    )
    return DIFFERS, "\n".join(diff)


def counts(record: dict) -> dict[str, int]:
    found = [entry["result"] for entry in record.get("snippets", {}).values()]
    return {r: found.count(r) for r in RESULTS}


# ---------------------------------------------------------------- environments


class SetupError(Exception):
    """A column that cannot be installed; its message goes into the record."""


def _tail(text: str, n: int = 15) -> str:
    return "\n".join(text.rstrip().splitlines()[-n:])


def _run_pip(python: pathlib.Path, args: list[str], what: str) -> None:
    cmd = [str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    proc = subprocess.run(cmd + args, capture_output=True, text=True)
    if proc.returncode:
        raise SetupError(
            f"{what}: pip install failed (status {proc.returncode}):\n"
            f"{_tail(proc.stderr or proc.stdout)}"
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


def write_locks(root: pathlib.Path = ROOT) -> int:
    """Regenerate matrix/*.lock (exact pins with hashes) with uv, as `make lock` does"""
    uv = pathlib.Path(sys.executable).parent / "uv"
    if not uv.exists():
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "-q", "uv==0.13.9"], check=True
        )
    (root / LOCKS).mkdir(exist_ok=True)
    wanted = [(name, env.pins, False) for name, env in ENVS.items()]
    wanted += [(pin, (pin,), True) for c in COLUMNS for pin in c.overlay]
    for name, pins, alone in dict.fromkeys(wanted):
        lock = lock_file(name, root)
        with tempfile.TemporaryDirectory() as tmp:
            req = pathlib.Path(tmp) / "requirements.in"
            req.write_text("\n".join(pins) + "\n")
            out = pathlib.Path(tmp) / "out.lock"
            cmd = [str(uv), "pip", "compile", str(req), "--universal"]
            cmd += ["--python-version", "3.11.5", "--generate-hashes", "--no-header"]
            cmd += ["--quiet", "-o", str(out)] + (["--no-deps"] if alone else [])
            subprocess.run(cmd, check=True)
            body = out.read_text().replace(str(req), "matrix pins")
        lock.write_text(
            "# Generated by `make matrix-lock` from tools/matrix.py: do not edit.\n"
            f"# {', '.join(pins)}"
            + (" alone (installed --no-deps)" if alone else ", and what they need")
            + ", pinned with hashes, for Python 3.11.\n"
            + body
        )
        print(f"wrote {lock.relative_to(root)}")
    return 0


# ---------------------------------------------------------------- parent: run columns


def chosen_blocks(blocks: list) -> list:
    """One block per snippet: the first a page shows with its output, else the first"""
    by_snippet: dict[str, object] = {}
    for block in blocks:
        old = by_snippet.get(block.snippet)
        if old is None or (old.expected is None and block.expected is not None):
            by_snippet[block.snippet] = block
    return [by_snippet[s] for s in sorted(by_snippet)]


def _child_run(python, overlays, blocks, root) -> dict:
    """Run blocks with `python -m tools matrix --child`; its JSON answer."""
    env = dict(os.environ)
    env.pop("TF_USE_LEGACY_KERAS", None)
    env.pop("PYTHONHOME", None)
    env.pop("VIRTUAL_ENV", None)
    env["PYTHONPATH"] = os.pathsep.join(str(p) for p in overlays)
    with tempfile.TemporaryDirectory() as tmp:
        given, answer = pathlib.Path(tmp) / "blocks.json", pathlib.Path(tmp) / "out"
        fields = ("page", "line", "code", "snippet", "expected", "expected_from")
        given.write_text(
            json.dumps([{f: getattr(b, f) for f in fields} for b in blocks])
        )
        cmd = [str(python), "-m", "tools", "matrix", "--child", str(given), str(answer)]
        proc = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True)
        if proc.returncode or not answer.is_file():
            raise SetupError(
                f"the column's runner stopped (status {proc.returncode}):\n"
                f"{_scrub(_tail(proc.stderr), root)}"
            )
        return json.loads(answer.read_text())


def run_column(
    column: Column,
    blocks: list,
    root: pathlib.Path = ROOT,
    hashes: dict[str, str] | None = None,
) -> dict:
    """The record of one column: set up its environment, run what applies, classify.
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
    try:
        python = ensure_env(ENVS[column.env], root)
        overlays = [ensure_overlay(pin, python, root) for pin in column.overlay]
        answer = _child_run(python, overlays, runs, root)
    except SetupError as exc:
        record["error"] = f"could not be set up: {exc}"
        return record
    record["installed"] = answer["installed"]
    wrong = {
        name: answer["installed"].get(name)
        for name, version in column.pins().items()
        if answer["installed"].get(name, version) != version
    }
    if wrong:
        record["error"] = f"installed {wrong}, not the pinned {column.pins()}"
        return record
    outcomes = dict(zip((b.snippet for b in runs), answer["outcomes"], strict=True))
    for block in blocks:
        reason = not_applicable(block.snippet, column)
        if reason:
            result, detail = NA, reason
        else:
            o = outcomes[block.snippet]
            result, detail = classify(
                block.expected,
                o["status"],
                o["stdout"],
                o["stderr"],
                o["timeout"],
                root,
            )
        record["snippets"][block.snippet] = {
            "hash": hashes[block.snippet],
            "result": result,
            "detail": detail,
        }
    return record


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


def run(names: list[str] | None = None, root: pathlib.Path = ROOT) -> int:
    """`make matrix [COLUMNS=...]`: run the columns, write their records, time them."""
    from tools.pages import collect

    unknown = sorted(set(names or []) - set(COLUMN_NAMES))
    if unknown:
        print(f"unknown column(s) {unknown}; the columns are {list(COLUMN_NAMES)}")
        return 2
    columns = [c for c in COLUMNS if not names or c.name in names]
    blocks = chosen_blocks(collect(root)[0])
    hashes = {b.snippet: source_hash(b.snippet, root) for b in blocks}  # as collected
    (root / RECORDS).mkdir(exist_ok=True)
    start, failed = time.monotonic(), 0
    for column in columns:
        began = time.monotonic()
        print(f"{column.name}: {column.title}", flush=True)
        record = run_column(column, blocks, root, hashes)
        record_path(column.name, root).write_text(dump(record), encoding="utf-8")
        seconds = time.monotonic() - began
        if record["error"]:
            failed += 1
            print(f"  {record['error']}")
        tally = ", ".join(f"{n} {r}" for r, n in counts(record).items())
        print(f"  {tally}  ({seconds:.0f} s)", flush=True)
    total = time.monotonic() - start
    print(f"matrix: {len(columns)} column(s) in {total:.0f} s; records in {RECORDS}/")
    return 1 if failed else 0


# ---------------------------------------------------------------- child: one column


def child_main(given: pathlib.Path, answer: pathlib.Path) -> int:
    """In a column's venv: warm up once, run the blocks, write their outcomes."""
    from importlib import metadata

    from tools.execute import run_many, warm_up
    from tools.pages import Block

    blocks = [Block(**b, root=ROOT) for b in json.loads(given.read_text())]
    warm_up()
    installed = {}
    for name in DISTRIBUTIONS:
        try:
            installed[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    outcomes = [
        {
            "status": o.status,
            "stdout": o.stdout,
            "stderr": _tail(o.stderr, 60),
            "timeout": o.timeout,
        }
        for o in run_many(blocks)
    ]
    answer.write_text(json.dumps({"installed": installed, "outcomes": outcomes}))
    return 0


def main(
    columns: list[str],
    child: list[str] | None = None,
    lock: bool = False,
    root: pathlib.Path = ROOT,
) -> int:
    if child:
        return child_main(pathlib.Path(child[0]), pathlib.Path(child[1]))
    if lock:
        return write_locks(root)
    if sys.version_info[:2] != tuple(int(p) for p in PYTHON_VERSION.split(".")):
        print(f"make matrix needs Python {PYTHON_VERSION} (the columns' interpreter)")
        return 2
    return run(columns or None, root)
