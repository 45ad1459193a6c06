"""How pins become an interpreter that runs blocks: a venv per TensorFlow install under
.matrix/, installed from matrix/<env>.lock with hashes and rebuilt when its lock
changes; a wheel alone (`--no-deps --target`) for a column that differs by one
package. Also the uv and Python versions every lock is compiled with (`make lock` and
`make matrix-lock`), and the tripwire that asks the registry for a newer Keras."""

from __future__ import annotations

import dataclasses
import hashlib
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import venv

from tools import ROOT
from tools.verdicts import tail

CACHE = ".matrix"  # git-ignored: a venv per TensorFlow install, a folder per overlay
LOCKS = "matrix"  # matrix/<name>.lock: exact pins with hashes (`make matrix-lock`)
PYTHON_VERSION = "3.11"  # every column's Python: the parent's base interpreter
LOCK_PYTHON = "3.11.5"  # the Python every lock is resolved for
UV = "uv==0.13.9"  # what compiles the locks
# the next release, built every night from Keras main: its lock holds its version, and
# `make matrix-lock` moves it to the newest
NIGHTLY = "keras-nightly"


@dataclasses.dataclass(frozen=True)
class Env:
    """One TensorFlow install: a venv under .matrix/<name>, from matrix/<name>.lock."""

    name: str
    pins: tuple[str, ...]  # what matrix/<name>.lock is compiled from


class SetupError(Exception):
    """A column that cannot be installed; its message goes into the record."""


def split(pin: str) -> tuple[str, str]:
    """`Keras_X==1.2` -> ("keras-x", "1.2")."""
    name, _, version = pin.partition("==")
    return name.strip().lower().replace("_", "-"), version.strip()


def overlay_dir(pin: str, root: pathlib.Path = ROOT) -> pathlib.Path:
    name, version = split(pin)
    return root / CACHE / f"{name}-{version}"


def lock_file(name: str, root: pathlib.Path = ROOT) -> pathlib.Path:
    """matrix/<env>.lock for an env, matrix/<name>-<version>.lock for an overlay pin,
    matrix/keras-nightly.lock for the nightly (which holds its version)."""
    if name.startswith(f"{NIGHTLY}=="):
        name = NIGHTLY
    elif "==" in name:
        name = "-".join(split(name))
    return root / LOCKS / f"{name}.lock"


def nightly_version(root: pathlib.Path = ROOT) -> str:
    """The version matrix/keras-nightly.lock pins ("unlocked" without one)."""
    lock = lock_file(NIGHTLY, root)
    text = lock.read_text(encoding="utf-8") if lock.is_file() else ""
    m = re.search(rf"^{NIGHTLY}==(\S+)", text, re.M)
    return m[1] if m else "unlocked"


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


def _run_pip(python: pathlib.Path, args: list[str], what: str) -> None:
    cmd = [str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    proc = subprocess.run(cmd + args, capture_output=True, text=True)
    if proc.returncode:
        raise SetupError(
            f"{what}: pip install failed (status {proc.returncode}):\n"
            f"{tail(proc.stderr or proc.stdout, 15)}"
        )


def ensure_env(env: Env, root: pathlib.Path = ROOT) -> pathlib.Path:
    """The python of env's venv, (re)created when its lock changed."""
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


def compile_lock(
    requirements: str,
    via: str,
    alone: bool = False,
    prerelease: bool = False,
    keep: pathlib.Path | None = None,
) -> str:
    """The body of a lock (`uv pip compile` with hashes, for LOCK_PYTHON on any
    platform) of the given requirements text, which its comments call `via`; alone:
    without their dependencies; keep: a lock whose versions stay where they still fit
    (uv prefers the versions of the file it writes)."""
    uv = pathlib.Path(sys.executable).parent / "uv"
    if not uv.exists():
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", UV], check=True)
    with tempfile.TemporaryDirectory() as tmp:
        req = pathlib.Path(tmp) / "requirements.in"
        req.write_text(requirements)
        out = pathlib.Path(tmp) / "out.lock"
        if keep is not None and keep.is_file():
            shutil.copyfile(keep, out)
        cmd = [str(uv), "pip", "compile", str(req), "--universal"]
        cmd += ["--python-version", LOCK_PYTHON, "--generate-hashes", "--no-header"]
        cmd += ["--quiet", "-o", str(out)] + (["--no-deps"] if alone else [])
        cmd += ["--prerelease", "allow"] if prerelease else []
        subprocess.run(cmd, check=True)
        return out.read_text().replace(str(req), via)


REQUIREMENTS, LOCK = "requirements.txt", "requirements.lock"  # the project's own


def write_requirements_lock(root: pathlib.Path = ROOT) -> int:
    """`make lock`: requirements.lock, every package the project installs, from
    requirements.txt; a version already locked stays while it still fits."""
    lock = root / LOCK
    body = compile_lock((root / REQUIREMENTS).read_text(), REQUIREMENTS, keep=lock)
    lock.write_text(
        f"# Generated by `make lock` (uv pip compile --universal --generate-hashes) "
        f"from {REQUIREMENTS}: do not edit.\n"
        "# Every package the project installs, pinned with hashes, for Python 3.11 "
        "on any platform.\n" + body
    )
    print(f"wrote {LOCK}")
    return 0


def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", version)[:3])


def newer_keras(ours: list[str], python: str = sys.executable) -> str | None:
    """The tripwire: the newest Keras release on the registry when it is newer than
    every version in `ours`; None when it is not, or when the registry cannot be
    asked."""
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
    if not released or not ours:
        return None
    newest = max(released, key=version_key)
    return (
        newest
        if version_key(newest) > version_key(max(ours, key=version_key))
        else None
    )
