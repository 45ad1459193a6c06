"""Run blocks as a reader does, `python <name>.py` in an empty folder holding only the
block and the modules its page shows (`place`), each in a fork of one warm interpreter
(TensorFlow imported once, `tf.keras` left unresolved so each fork picks its flavour),
up to one per core, the costliest first (tools/costs.py, which also sets each block's
limit). A fork sees `__main__`, argv, sys.path and the working directory as that fresh
process would. `Slots` shares the cores between processes. Judges nothing."""

from __future__ import annotations

import dataclasses
import fcntl
import gc
import io
import linecache
import os
import shutil
import signal
import sys
import tempfile
import time
import traceback
import warnings
from collections.abc import Callable

from tools import costs
from tools.snippets import FOLDER, Block

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
        import tensorflow  # (the ~5 s import, paid once)

        # Keras 2, imported but not selected: tf.keras stays lazy. Only where TensorFlow
        # can select it: before 2.16 tf.keras is the built-in Keras 2, and a tf_keras
        # imported beside it mixes two (load_model of a Functional model never returns)
        release = tuple(int(p) for p in tensorflow.__version__.split(".")[:2])
        try:
            if release >= (2, 16):
                import tf_keras  # noqa: F401
        except ImportError:  # not installed
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


BLOCK_FOLDER = "docs-block-"  # the prefix of the empty folder each block runs in


def place(block: Block) -> str:
    """A fresh empty folder holding what a reader saves: the block's text as its file
    name, and the modules its page tells them to save beside it. Its path."""
    folder = tempfile.mkdtemp(prefix=BLOCK_FOLDER)
    for name, text in ((block.file_name, block.code), *block.helpers):
        with open(os.path.join(folder, name), "w", encoding="utf-8") as f:
            f.write(text)
    return folder


def _reader_path(folder: str, root: str) -> list[str]:
    """sys.path as `python <name>.py` in `folder` has it: the folder first, and
    nothing of the project that a reader's folder lacks (its root, its snippets)."""
    snippets = os.path.join(root, FOLDER)

    def project(entry: str) -> bool:
        entry = os.path.realpath(entry or ".")
        return entry == root or entry == snippets or entry.startswith(snippets + os.sep)

    return [folder] + [p for p in sys.path[1:] if p and not project(p)]


def _child(block: Block, folder: str, out_fd: int, err_fd: int) -> int:
    os.dup2(out_fd, 1)
    os.dup2(err_fd, 2)
    sys.stdout = io.TextIOWrapper(
        os.fdopen(1, "wb", closefd=False), encoding="utf-8", line_buffering=True
    )
    sys.stderr = io.TextIOWrapper(
        os.fdopen(2, "wb", closefd=False), encoding="utf-8", line_buffering=True
    )
    warnings.filters[:] = _PRISTINE_WARNING_FILTERS
    # As a reader runs it: `python <name>.py` in a folder holding only what the page
    # shows. The text is on disk, so a traceback, AutoGraph (which re-reads a
    # tf.function's source) and a snippet reading itself all see what ran (a mutant).
    root = os.path.realpath(block.root)
    sys.path[:] = _reader_path(folder, root)
    os.chdir(folder)
    filename = os.path.join(folder, block.file_name)
    sys.argv = [filename]
    linecache.clearcache()
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


def run_many(
    blocks: list[Block],
    jobs: int | None = None,
    timeout: float | None = None,
    stop_when: Callable[[str, str], bool] | None = None,
) -> list[Outcome]:
    """Run every block, up to `jobs` at a time, each in its own fork, the costliest
    first; outcomes in the order of `blocks`. Each block may run for its limit
    (tools/costs.py), or `timeout` seconds when given. With `stop_when(expected,
    printed so far)` (mutants), a block with an expected output is stopped as soon
    as it says so (its Outcome is then `diverged`)."""
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
    running: dict[int, tuple[int, object, object, float, int, str]] = {}
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
                folder = place(blocks[i])
                sys.stdout.flush()
                sys.stderr.flush()
                pid = os.fork()
                if pid == 0:
                    code = 1
                    try:
                        code = _child(blocks[i], folder, out.fileno(), err.fileno())
                    finally:
                        os._exit(code)
                running[pid] = (i, out, err, time.monotonic(), slot, folder)
            time.sleep(0.01)
            for pid, (i, out, err, start, slot, folder) in list(running.items()):
                done, raw = os.waitpid(pid, os.WNOHANG)
                status = os.waitstatus_to_exitcode(raw) if done else None
                diverged = False
                if not done and stop_when and blocks[i].expected is not None:
                    size = os.fstat(out.fileno()).st_size
                    if size != sizes.get(pid):
                        sizes[pid] = size  # pread: the child shares the file offset
                        printed = os.pread(out.fileno(), size, 0).decode(
                            "utf-8", "replace"
                        )
                        diverged = stop_when(blocks[i].expected, printed)
                late = time.monotonic() - start > limits[i]
                if not done and not diverged and not late:
                    continue
                if not done:
                    os.kill(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)
                del running[pid]
                slots.give_back(slot)
                shutil.rmtree(folder, ignore_errors=True)
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
        for pid, running_block in running.items():  # interrupted: leave nothing behind
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            shutil.rmtree(running_block[-1], ignore_errors=True)
        slots.close()
        if held:
            hold_a_core()
    return results  # type: ignore[return-value]


def execute(block: Block, timeout: float | None = None) -> Outcome:
    """Run one block in a fork of the warm process."""
    return run_many([block], jobs=1, timeout=timeout)[0]
