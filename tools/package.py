"""The checker package (checker/, import name training_state_check): its wheel and
sdist, built by the backend its pyproject.toml names (flit_core, pinned in the lock,
so no build isolation and no download), and its installation into an interpreter
with --no-deps, the way `make` puts it into .venv for the snippets to import."""

from __future__ import annotations

import pathlib
import subprocess
import sys

from tools import ROOT
from tools.snippets import package_files_of

PROJECT = "checker"  # checker/pyproject.toml
MODULE = "training_state_check"
DISTRIBUTION = "tf-training-state-check"
BUILD = ".cache/checker-dist"  # git-ignored: the wheel and sdist `make` installs

_BUILD_BOTH = """
import sys
import flit_core.buildapi as backend
print(backend.build_wheel(sys.argv[1]))
print(backend.build_sdist(sys.argv[1]))
"""


def build(dest: pathlib.Path, root: pathlib.Path = ROOT) -> tuple[pathlib.Path, ...]:
    """Build the wheel and the sdist into dest; (wheel, sdist)."""
    dest.mkdir(parents=True, exist_ok=True)
    for old in dest.glob(f"{DISTRIBUTION.replace('-', '_')}-*"):
        old.unlink()
    proc = subprocess.run(
        [sys.executable, "-c", _BUILD_BOTH, str(dest.resolve())],
        cwd=root / PROJECT,
        capture_output=True,
        text=True,
    )
    if proc.returncode:
        raise RuntimeError(f"building {PROJECT}/ failed:\n{proc.stderr[-3000:]}")
    wheel, sdist = proc.stdout.split()[-2:]
    return dest / wheel, dest / sdist


def install(python: str | pathlib.Path, wheel: pathlib.Path) -> None:
    """Install the wheel alone (its dependencies are the interpreter's business)."""
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
        + ["--no-deps", "--force-reinstall", str(wheel)],
        check=True,
    )


def sources(root: pathlib.Path = ROOT) -> list[pathlib.Path]:
    """The package's files, as the wheel carries them."""
    return package_files_of(MODULE, root)


def build_and_install(root: pathlib.Path = ROOT) -> int:
    """`make`: build into .cache/checker-dist and install the wheel into this venv."""
    wheel, sdist = build(root / BUILD, root)
    install(sys.executable, wheel)
    print(f"installed {wheel.name} (sdist: {sdist.name})")
    return 0
