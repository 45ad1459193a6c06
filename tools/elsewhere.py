"""Run blocks in another interpreter: another venv (a matrix column), other numerics,
or a fresh process to time. `Elsewhere` starts `python -m tools run-blocks GIVEN
ANSWER` there (`child_main`), which warms up once and runs the blocks with
tools.execute; blocks and answer travel as JSON files, the one protocol."""

from __future__ import annotations

import dataclasses
import importlib.util
import json
import os
import pathlib
import subprocess
import sys
import tempfile
from importlib import metadata

from tools import ROOT
from tools.execute import Outcome, run_many, warm_up
from tools.snippets import Block
from tools.verdicts import tail

# the distributions whose installed versions a run elsewhere reports
DISTRIBUTIONS = ("tensorflow", "keras", "tf-keras", "keras-nightly")
_FIELDS = ("page", "line", "code", "snippet", "expected", "expected_from", "helpers")


class ElsewhereError(RuntimeError):
    """The other interpreter stopped before it answered (its stderr says why)."""


class Elsewhere:
    """Blocks running with `python -m tools run-blocks` (another venv, other numerics,
    a fresh interpreter to time), started now, in the background; `result()` waits for
    what that interpreter has installed and the outcomes, in the order of blocks. The
    one protocol: blocks and answer as JSON files."""

    def __init__(
        self,
        blocks: list[Block],
        python: str | os.PathLike = sys.executable,
        env: dict[str, str] | None = None,
    ):
        env = dict(os.environ if env is None else env)
        env.pop("TF_USE_LEGACY_KERAS", None)
        self._tmp = tempfile.TemporaryDirectory()
        tmp = self._tmp.name
        given = os.path.join(tmp, "blocks.json")
        self._answer = os.path.join(tmp, "answer")
        with open(given, "w", encoding="utf-8") as f:
            json.dump(
                [
                    {**{k: getattr(b, k) for k in _FIELDS}, "root": str(b.root)}
                    for b in blocks
                ],
                f,
            )
        self._cmd = [str(python), "-m", "tools", "run-blocks", given, self._answer]
        self._err = tempfile.TemporaryFile(mode="w+", encoding="utf-8")
        self._proc = subprocess.Popen(
            self._cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=self._err
        )

    def stop(self) -> None:
        """Kill the interpreter if it still runs (its forks end with it)."""
        if self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()

    def result(self) -> tuple[dict[str, str], list[Outcome]]:
        try:
            code = self._proc.wait()
            if code or not os.path.isfile(self._answer):
                self._err.seek(0)
                raise ElsewhereError(
                    f"`{' '.join(self._cmd[:4])}` stopped (status {code}):\n"
                    f"{tail(self._err.read(), 15)}"
                )
            with open(self._answer, encoding="utf-8") as f:
                data = json.load(f)
        finally:
            self._err.close()
            self._tmp.cleanup()
        return data["installed"], [Outcome(**o) for o in data["outcomes"]]


def run_elsewhere(
    blocks: list[Block],
    python: str | os.PathLike = sys.executable,
    env: dict[str, str] | None = None,
) -> tuple[dict[str, str], list[Outcome]]:
    """Run blocks in another interpreter and wait (see Elsewhere)."""
    return Elsewhere(blocks, python, env).result()


def _installed() -> dict[str, str]:
    """The versions installed here, and where `import keras` comes from when an overlay
    folder puts another distribution first on sys.path."""
    found = {}
    for name in DISTRIBUTIONS:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            pass
    spec = importlib.util.find_spec("keras")
    if spec and spec.origin:
        folder = pathlib.Path(spec.origin).parent.parent
        infos = sorted(folder.glob("keras*.dist-info"))
        if infos:  # keras_nightly-3.16.0.dev2026102704.dist-info -> its name-version
            found["imported keras"] = infos[0].name.removesuffix(".dist-info")
    return found


def child_main(given: str, answer: str) -> int:
    """`python -m tools run-blocks GIVEN ANSWER`: warm up once, run the blocks of
    GIVEN here, write what is installed and their outcomes to ANSWER."""
    with open(given, encoding="utf-8") as f:
        blocks = [
            Block(
                **{k: b[k] for k in _FIELDS}
                | {"helpers": tuple(map(tuple, b["helpers"]))},
                root=pathlib.Path(b["root"]),
            )
            for b in json.load(f)
        ]
    warm_up()
    threads = os.environ.get("DOCS_INTRA_OP_THREADS")
    if threads:  # numerics: one intra-op thread, as on a smaller CPU
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(int(threads))
    outcomes = run_many(blocks)
    installed = _installed()
    if threads:  # what the numerics guard asked for, as this interpreter ran
        import tensorflow as tf

        used = tf.config.threading.get_intra_op_parallelism_threads()
        installed["intra-op threads"] = str(used)
        installed["oneDNN"] = os.environ.get("TF_ENABLE_ONEDNN_OPTS", "1")
    with open(answer, "w", encoding="utf-8") as f:
        json.dump(
            {
                "installed": installed,
                "outcomes": [
                    dataclasses.asdict(o) | {"stderr": tail(o.stderr, 60)}
                    for o in outcomes
                ],
            },
            f,
        )
    return 0
