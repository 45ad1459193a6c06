"""Run blocks as `python snippets/<path>.py` would, in forks of one warm interpreter,
and judge them.

TensorFlow (and tf_keras) are imported once in this process, without touching
`tf.keras`, whose flavour (Keras 3, or Keras 2 with TF_USE_LEGACY_KERAS=1) is resolved
lazily on first use. Each block then runs in a fork of this warm process, so it gets
fresh module state (learning phase, flavour, seeds) while the import is paid once. Up to
`jobs` forks run at once (DOCS_JOBS, default: one per core); each child sees `__main__`,
argv, sys.path[0] and the working directory exactly as a fresh process would, and its
stdout and stderr go to files of its own, so outputs do not depend on the parallelism.

The parent's objects are frozen out of the children's garbage collections, and the
costliest blocks start first (their recorded costs, tools/costs.py, which also sets
each block's time limit), so no core idles at the end while one long block runs alone.
Writes no file.
"""

from __future__ import annotations

import dataclasses
import difflib
import fcntl
import gc
import io
import json
import linecache
import os
import signal
import sys
import tempfile
import time
import traceback
import warnings

from tools import ROOT, costs
from tools.pages import Block

_PRISTINE_WARNING_FILTERS = list(warnings.filters)
_WARM = False


def default_jobs() -> int:
    return max(1, int(os.environ.get("DOCS_JOBS") or os.cpu_count() or 1))


SHARED_SLOTS = "DOCS_SLOTS"  # a folder: the processes that name it share its slots


class Slots:
    """Places for a busy process, shared by every process whose environment names the
    same folder (SHARED_SLOTS): one lock file per core. A running block holds one,
    and so does a process while it works itself (`hold_a_core`): however the work is
    split between processes, a core then runs one thing at a time and none idles
    while a block waits. Without the variable, no limit."""

    def __init__(self) -> None:
        folder = os.environ.get(SHARED_SLOTS)
        self._free: list[int] = []
        if folder:
            for n in range(os.cpu_count() or 1):
                path = os.path.join(folder, f"slot-{n}")
                self._free.append(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
        self.shared = bool(folder)

    def take(self) -> int | None:
        """A slot's lock, or None when every slot is taken (-1: no sharing)."""
        if not self.shared:
            return -1
        for fd in self._free:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue
            self._free.remove(fd)
            return fd
        return None

    def give_back(self, fd: int) -> None:
        if fd >= 0:
            fcntl.flock(fd, fcntl.LOCK_UN)
            self._free.append(fd)

    def close(self) -> None:
        for fd in self._free:
            os.close(fd)
        self._free = []


_own: tuple[Slots, int] | None = None  # the slot this process holds for its own work


def hold_a_core() -> None:
    """Hold a slot for this process's own work (waits for one); see Slots."""
    global _own
    if _own is None and os.environ.get(SHARED_SLOTS):
        slots = Slots()
        while (fd := slots.take()) is None:
            time.sleep(0.05)
        _own = (slots, fd)


def release_core() -> bool:
    """Give back this process's own slot while it only waits; whether it held one."""
    global _own
    if _own is None:
        return False
    slots, fd = _own
    slots.give_back(fd)
    slots.close()
    _own = None
    return True


def warm_up() -> None:
    """Import TensorFlow and tf_keras once, leaving tf.keras unresolved (each fork picks
    its own flavour)."""
    global _WARM
    if _WARM:
        return
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("MPLBACKEND", "Agg")
    os.environ.pop("TF_USE_LEGACY_KERAS", None)
    sys.stderr.flush()
    saved = os.dup(2)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)  # TensorFlow's C++ start-up notices (oneDNN, CUDA) are noise here
    try:
        import tensorflow  # noqa: F401  (the ~5 s import, paid once)

        try:  # Keras 2, imported but not selected: tf.keras stays lazy
            import tf_keras  # noqa: F401
        except ImportError:  # not installed (TF <= 2.15 has its Keras 2 built in)
            pass
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(null)
    _WARM = True


@dataclasses.dataclass
class Outcome:
    status: int | None  # exit code; None when it did not finish in time
    stdout: str
    stderr: str
    seconds: float
    timeout: float  # its limit, in seconds
    diverged: bool = False  # stopped at its first line that differs (run_many's stop)
    cost: float | None = None  # its recorded cost (tools/costs.py), if any


def _child(block: Block, out_fd: int, err_fd: int) -> int:
    os.dup2(out_fd, 1)
    os.dup2(err_fd, 2)
    sys.stdout = io.TextIOWrapper(
        os.fdopen(1, "wb", closefd=False), encoding="utf-8", line_buffering=True
    )
    sys.stderr = io.TextIOWrapper(
        os.fdopen(2, "wb", closefd=False), encoding="utf-8", line_buffering=True
    )
    warnings.filters[:] = _PRISTINE_WARNING_FILTERS
    os.chdir(block.root)
    filename = str(block.path)
    sys.argv = [filename]
    sys.path[0] = str(block.path.parent)
    # The child runs block.code, which a mutant changes: tracebacks and AutoGraph (which
    # re-reads a tf.function's source) must see that text, not the file on disk.
    lines = block.code.splitlines(True)
    linecache.cache[filename] = (len(block.code), None, lines, filename)
    try:
        code = compile(block.code, filename, "exec")
        exec(
            code,
            {
                "__name__": "__main__",
                "__file__": filename,
                "__builtins__": __builtins__,
            },
        )
        return 0
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:
        kind, exc, tb = sys.exc_info()
        traceback.print_exception(
            kind, exc, tb.tb_next
        )  # start at the snippet's own frame
        return 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()


def first_difference(expected: str, printed: str) -> bool:
    """Whether the complete lines printed so far already differ from `expected` (as
    `norm` compares them: trailing spaces and blank lines at the ends do not count)."""
    want = norm(expected).splitlines()
    lines = [line.rstrip() for line in printed.lstrip("\n").split("\n")[:-1]]
    return any(
        line != want[i] if i < len(want) else line != "" for i, line in enumerate(lines)
    )


def run_many(
    blocks: list[Block],
    jobs: int | None = None,
    timeout: float | None = None,
    stop_at_difference: bool = False,
) -> list[Outcome]:
    """Run every block, up to `jobs` at a time, each in its own fork, the costliest
    first; outcomes in the order of `blocks`. Each block may run for its limit
    (tools/costs.py), or `timeout` seconds when given. With stop_at_difference
    (mutants), a block with an expected output is stopped as soon as a line it
    printed differs: its verdict is already DIFFERS, and the rest of the run would
    not change it."""
    jobs = jobs or default_jobs()
    held = release_core()  # this process only waits for its forks now
    recorded = costs.load(blocks[0].root) if blocks else {}
    cost = [recorded.get(b.snippet) for b in blocks]
    limits = [costs.limit(c) if timeout is None else timeout for c in cost]
    warm_up()
    # What this process holds (TensorFlow's thousands of modules) is never garbage in
    # a child: frozen, the children's collections skip it (about 15 % faster).
    if not gc.get_freeze_count():
        gc.collect()
    gc.freeze()
    results: list[Outcome | None] = [None] * len(blocks)
    first = [costs.MAX_COST if c is None else c for c in cost]  # unrecorded: first
    pending = sorted(range(len(blocks)), key=lambda i: -first[i])
    running: dict[int, tuple[int, object, object, float, int]] = {}
    slots = Slots()
    sizes: dict[int, int] = {}  # pid -> stdout size when last compared
    try:
        while pending or running:
            while pending and len(running) < jobs:
                slot = slots.take()
                if slot is None:
                    break  # the other interpreter's blocks hold every core
                i = pending.pop(0)
                out, err = tempfile.TemporaryFile(), tempfile.TemporaryFile()
                sys.stdout.flush()
                sys.stderr.flush()
                pid = os.fork()
                if pid == 0:
                    code = 1
                    try:
                        code = _child(blocks[i], out.fileno(), err.fileno())
                    finally:
                        os._exit(code)
                running[pid] = (i, out, err, time.monotonic(), slot)
            time.sleep(0.01)
            for pid, (i, out, err, start, slot) in list(running.items()):
                done, raw = os.waitpid(pid, os.WNOHANG)
                status = os.waitstatus_to_exitcode(raw) if done else None
                diverged = False
                if not done and stop_at_difference and blocks[i].expected is not None:
                    size = os.fstat(out.fileno()).st_size
                    if size != sizes.get(pid):
                        sizes[pid] = size  # pread: the child shares the file offset
                        printed = os.pread(out.fileno(), size, 0).decode(
                            "utf-8", "replace"
                        )
                        diverged = first_difference(blocks[i].expected, printed)
                late = time.monotonic() - start > limits[i]
                if not done and not diverged and not late:
                    continue
                if not done:
                    os.kill(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)
                del running[pid]
                slots.give_back(slot)
                out.seek(0)
                err.seek(0)
                results[i] = Outcome(
                    status,
                    out.read().decode("utf-8", "replace"),
                    err.read().decode("utf-8", "replace"),
                    time.monotonic() - start,
                    limits[i],
                    diverged,
                    cost[i],
                )
                out.close()
                err.close()
    finally:
        for pid in running:  # interrupted: leave no child behind
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        slots.close()
        if held:
            hold_a_core()
    return results  # type: ignore[return-value]


def execute(block: Block, timeout: float | None = None) -> Outcome:
    """Run one block in a fork of the warm process."""
    return run_many([block], jobs=1, timeout=timeout)[0]


SAME, DIFFERS, FAILS = "same", "differs", "fails"  # the three verdicts on a run


def tail(text: str, n: int = 40) -> str:
    """The last n lines of text."""
    return "\n".join(text.rstrip().splitlines()[-n:])


def norm(text: str) -> str:
    """Text as outputs are compared: no trailing spaces, no blank lines at the ends."""
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


def verdict(
    expected: str | None,
    outcome: Outcome,
    shown_as: str = "recorded",
    run_as: str = "actual",
) -> tuple[str, str]:
    """The one judgement of a run against the output a page shows: (SAME, ""),
    (DIFFERS, unified diff) or (FAILS, why: the time limit, or stderr). A block shown
    without an output only has to finish and exit 0."""
    if outcome.diverged:
        printed = norm(outcome.stdout).splitlines()
        diff = difflib.unified_diff(
            norm(expected or "").splitlines()[: len(printed)],
            printed,
            fromfile=shown_as,
            tofile=f"{run_as}, stopped at its first line that differs",
            lineterm="",
        )
        return DIFFERS, "\n".join(diff)
    if outcome.status is None:
        return FAILS, costs.overrun(outcome.timeout, outcome.cost)
    if outcome.status != 0:
        return FAILS, outcome.stderr
    if expected is None or norm(outcome.stdout) == norm(expected):
        return SAME, ""
    diff = difflib.unified_diff(
        norm(expected).splitlines(),
        norm(outcome.stdout).splitlines(),
        fromfile=shown_as,
        tofile=run_as,
        lineterm="",
    )
    return DIFFERS, "\n".join(diff)


def judge(block: Block, outcome: Outcome) -> str | None:
    """None when the block finished, exited 0 and printed exactly the output the page
    shows; else why not, naming the page, line and snippet and the command to run."""
    run = f"python {block.snippet}"
    shown = f"{block.expected_from or 'page'} (shown on {block.page})"
    result, detail = verdict(block.expected, outcome, shown, f"{run} (actual)")
    if result == SAME:
        return None
    if outcome.status is None:
        return (
            f"{block.id}: {detail}\nHung? Try `{run}`.\n"
            f"stdout so far:\n{tail(outcome.stdout)}\nstderr:\n{tail(outcome.stderr)}"
        )
    if result == FAILS:
        return (
            f"{block.id}: exited with status {outcome.status}; "
            f"reproduce with `{run}`.\n{tail(detail)}"
        )
    return (
        f"{block.id}: the output shown on the page drifted from what the snippet "
        "prints. If the new output is right, refresh the records with "
        f"`make outputs` and review the diff.\n{detail}"
    )


def check(block: Block, timeout: float | None = None) -> str | None:
    """Run a block and judge it (see judge)."""
    return judge(block, execute(block, timeout))


# ------------------------------------------------ running blocks in another interpreter

# the distributions whose installed versions a run elsewhere reports
DISTRIBUTIONS = ("tensorflow", "keras", "tf-keras", "keras-nightly")
_FIELDS = ("page", "line", "code", "snippet", "expected", "expected_from")


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
        import subprocess

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
    import importlib.util
    import pathlib
    from importlib import metadata

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
    import pathlib

    with open(given, encoding="utf-8") as f:
        blocks = [
            Block(**{k: b[k] for k in _FIELDS}, root=pathlib.Path(b["root"]))
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
