"""The version columns: which TensorFlow and Keras releases the site is measured on
(`COLUMNS`, each on an `Env` of `ENVS`), what each pins and runs, how a sentence names
a set of them (`label`: "Keras 3.10–3.15 and tf_keras 2.21") and how a reader installs
one (`Column.install_line`). The nightly column's version is the one its lock pins."""

from __future__ import annotations

import dataclasses
import functools
import os
import pathlib

from tools import ROOT
from tools.environments import (
    NIGHTLY,
    Env,
    ensure_env,
    ensure_overlay,
    nightly_version,
    split,
    version_key,
)
from tools.snippets import KERAS2, KERAS3, REPO_PACKAGES

# what a column's interpreter must not inherit from this process
NOT_INHERITED = ("TF_USE_LEGACY_KERAS", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONPATH")
MATPLOTLIB = "matplotlib==3.11.2"  # the notebook (a snippet too) draws with it
TITLE_NIGHTLY = "{nightly}"  # in a column's heading: the nightly's locked version


@functools.cache
def nightly_pin() -> str:
    """keras-nightly==<the version matrix/keras-nightly.lock pins> (`make matrix-lock`
    moves it to the newest nightly)."""
    return f"{NIGHTLY}=={nightly_version(ROOT)}"


@dataclasses.dataclass(frozen=True)
class Column:
    name: str  # versions/<name>.json; `make matrix COLUMNS=<name>`
    heading: str  # its header on the Versions page, TITLE_NIGHTLY for the version
    env: str  # the Env it runs in
    flavour: str  # KERAS3 or KERAS2: the snippets it runs (the others are n/a)
    overlay: tuple[str, ...] = ()  # pins installed --no-deps, first on PYTHONPATH

    @property
    def title(self) -> str:
        """Its header on the Versions page (no commas: titles are listed)."""
        nightly = nightly_pin().partition("==")[2]
        return self.heading.replace(TITLE_NIGHTLY, nightly)

    def overlay_pins(self) -> tuple[str, ...]:
        """The overlay's pins, the nightly's at the version its lock holds."""
        return tuple(nightly_pin() if p == NIGHTLY else p for p in self.overlay)

    def pins(self) -> dict[str, str]:
        """Distribution -> the version this column promises (overlay wins)."""
        pins = dict(split(p) for p in ENVS[self.env].pins)
        pins.update(split(p) for p in self.overlay_pins())
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
            return f"Keras {minor(self.keras)}"
        if "tf-keras" in self.pins():
            return f"tf_keras {minor(self.pins()['tf-keras'])}"
        return f"the Keras 2 built into TF {minor(self.pins()['tensorflow'])}"

    @property
    def keras(self) -> str:
        """The Keras this column runs: 3.15.1, 3.16.0.dev..., tf_keras 2.21.0..."""
        pins = self.pins()
        if self.flavour == KERAS3:
            return pins.get(NIGHTLY) or pins["keras"]
        return pins.get("tf-keras") or pins.get("keras") or "2.15 (built in)"

    def install_line(self) -> str:
        """How a reader installs this column's versions."""
        pins = self.pins()
        tf = f"tensorflow=={pins['tensorflow']}"
        if self.next_release:
            return (
                f"pip install {tf} && pip uninstall -y keras && "
                f"pip install {NIGHTLY}=={pins[NIGHTLY]}"
            )
        if self.flavour == KERAS3:
            return f"pip install {tf} keras=={pins['keras']}"
        if "tf-keras" in pins:
            return f"pip install {tf} tf-keras=={pins['tf-keras']}"
        return f"pip install {tf}"


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
    return Column(
        f"{env}-keras{minor(keras)}",
        f"TF {tf} + Keras {keras}",
        env,
        KERAS3,
        () if default else (f"keras=={keras}",),
    )


def minor(version: str) -> str:
    return ".".join(version.split(".")[:2])


COLUMNS = (
    _keras_column("tf2.21", "2.21.0", "3.15.1", default=True),
    Column(
        "tf2.21-keras-nightly",
        f"Next release: keras-nightly {TITLE_NIGHTLY} (TF 2.21.0)",
        "tf2.21",
        KERAS3,
        (NIGHTLY,),
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


def interpreter(column: Column, root: pathlib.Path = ROOT) -> tuple[str, dict]:
    """The column's interpreter, set up if needed, and the environment it runs with:
    its overlay first on PYTHONPATH, then the repository's packages from their
    sources (the column's pins stay). Raises SetupError."""
    python = ensure_env(ENVS[column.env], root)
    overlays = [ensure_overlay(p, python, root) for p in column.overlay_pins()]
    env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    packages = [(root / folder).parent for folder in REPO_PACKAGES.values()]
    env["PYTHONPATH"] = os.pathsep.join(str(p) for p in overlays + packages)
    return python, env


def by_name(name: str) -> Column | None:
    return next((c for c in COLUMNS if c.name == name), None)


def released(columns=COLUMNS, flavour: str = KERAS3) -> list[Column]:
    """The columns of a flavour that run a release (not the nightly)."""
    return [c for c in columns if c.flavour == flavour and not c.next_release]


def label(chosen: list[Column], among: list[Column]) -> str:
    """Columns as a sentence names them, Keras 3 releases of consecutive minor versions
    that all hold as one range: "Keras 3.10–3.15, the next release (keras-nightly
    ...) and tf_keras 2.21". A range never spans a release no column measured."""
    runs: list[list[Column]] = []
    for column in sorted(released(among), key=lambda c: version_key(c.keras)):
        if column not in chosen:
            runs.append([])
            continue
        if runs and runs[-1]:
            last = version_key(runs[-1][-1].keras)
            now = version_key(column.keras)
            if last[:2] == (now[0], now[1] - 1):
                runs[-1].append(column)
                continue
        runs.append([column])
    parts = []
    for run in (r for r in runs if r):
        first, last = minor(run[0].keras), minor(run[-1].keras)
        parts.append(f"Keras {first}" if first == last else f"Keras {first}–{last}")
    parts += [c.short for c in chosen if c.next_release]
    parts += [c.short for c in among if c.flavour == KERAS2 and c in chosen]
    if len(parts) > 1:
        return ", ".join(parts[:-1]) + " and " + parts[-1]
    return "".join(parts)
