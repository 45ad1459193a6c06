"""What a run is worth against the output a page shows: `verdict` is the one judgement
(SAME, DIFFERS or FAILS, with the diff or the reason). `problem` words it for a page
block (naming page, line, snippet and the command to run), `recorded_verdict` for a
version record (without what differs between machines). NA is a record's fourth result:
a snippet of the other flavour, not run."""

from __future__ import annotations

import difflib
import os
import pathlib
import re

from tools import ROOT, costs
from tools.execute import BLOCK_FOLDER, Outcome
from tools.snippets import FOLDER, Block

SAME, DIFFERS, FAILS, NA = "same", "differs", "fails", "n/a"
RESULTS = (SAME, DIFFERS, FAILS, NA)  # what a version record says of a snippet


def tail(text: str, n: int = 40) -> str:
    """The last n lines of text."""
    return "\n".join(text.rstrip().splitlines()[-n:])


def norm(text: str) -> str:
    """Text as outputs are compared: no trailing spaces, no blank lines at the ends."""
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


def first_difference(expected: str, printed: str) -> bool:
    """Whether the complete lines printed so far already differ from `expected` (as
    `norm` compares them): the verdict is DIFFERS whatever the run prints next."""
    want = norm(expected).splitlines()
    lines = [line.rstrip() for line in printed.lstrip("\n").split("\n")[:-1]]
    return any(
        line != want[i] if i < len(want) else line != "" for i, line in enumerate(lines)
    )


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


def problem(block: Block, outcome: Outcome) -> str | None:
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
            f"{block.id}: exited with status {outcome.status}, run as a reader runs "
            f"it: alone in an empty folder as {block.file_name}"
            + (
                f" beside {', '.join(n for n, _ in block.helpers)}"
                if block.helpers
                else ""
            )
            + f"; reproduce with `{run}`.{missing_hint(block, outcome.stderr)}\n"
            f"{tail(detail)}"
        )
    return (
        f"{block.id}: the output shown on the page drifted from what the snippet "
        "prints. If the new output is right, refresh the records with "
        f"`make outputs` and review the diff.\n{detail}"
    )


_MISSING = re.compile(
    r"(ModuleNotFoundError: No module named '(?P<module>[^'.]+)"
    r"|FileNotFoundError: .*?'(?P<file>[^']+)')"
)


def missing_hint(block: Block, stderr: str) -> str:
    """What a reader's folder lacked, when that is why the block failed."""
    found = _MISSING.search(stderr)
    if not found:
        return ""
    what = (
        f"module `{found['module']}`"
        if found["module"]
        else f"file {scrub(found['file'], block.root)}"
    )
    return (
        f"\n{block.page}:{block.line}: {block.snippet} needs {what}, which a reader's "
        "folder lacks: inline it, or show the module earlier on this page with "
        "`<!-- module: <topic>/<name>.py -->` (a reader saves it beside the script)"
    )


_ADDRESS = re.compile(r"0x[0-9a-fA-F]{6,}")
_SITE = re.compile(r"[^\s\"']*/(site-packages|\.matrix/[^/\s\"']+)/")
_FRAME = re.compile(r'^  File "(?P<file>[^"]+)", line (?P<line>\d+)')
_BLOCK_FOLDER = re.compile(rf"[^\s\"']*/{BLOCK_FOLDER}[^/\s\"']+/")  # execute.place


def scrub(text: str, root: pathlib.Path = ROOT) -> str:
    """Remove what differs between machines: absolute paths and memory addresses."""
    text = text.replace(str(root) + os.sep, "")
    text = _BLOCK_FOLDER.sub("", text)  # a block's own folder: its file name remains
    text = _SITE.sub(lambda m: m.group(1).split("/")[0] + "/", text)
    return _ADDRESS.sub("0x...", text)


def failure_message(stderr: str, root: pathlib.Path = ROOT, limit: int = 12) -> str:
    """The exception a failing snippet ended with (its last lines) and the snippet
    line it was raised from; the last lines of stderr when there is no traceback."""
    lines = stderr.rstrip().splitlines()
    frames = [i for i, line in enumerate(lines) if _FRAME.match(line)]
    if not frames:
        return scrub("\n".join(lines[-limit:]), root) or "(nothing on stderr)"
    after = lines[frames[-1] + 1 :]  # the frame's source line(s), then the message
    start = next((i for i, line in enumerate(after) if not line.startswith("    ")), 0)
    message = [line.rstrip() for line in after[start:]]
    message = [line for i, line in enumerate(message) if line or (i and message[i - 1])]
    own = [
        m
        for m in (_FRAME.match(lines[i]) for i in frames)
        if m
        and (
            scrub(m["file"], root).startswith(f"{FOLDER}/")
            or _BLOCK_FOLDER.search(m["file"])
        )
    ]
    where = f"\n(raised at {scrub(own[-1]['file'], root)}, line {own[-1]['line']})"
    if len(message) > limit:  # its first lines say what, its last lines why
        message = message[:2] + ["..."] + message[3 - limit :]
    text = "\n".join(message) + (where if own else "")
    return scrub(text, root)


def recorded_verdict(
    expected: str | None, outcome: Outcome, root: pathlib.Path = ROOT
) -> tuple[str, str]:
    """`verdict` as a version record keeps it: SAME, DIFFERS (the diff), FAILS (the
    message, without what differs between machines)."""
    result, detail = verdict(expected, outcome, "recorded", "this column")
    if result == FAILS and outcome.status is not None:
        detail = failure_message(detail, root)
    return result, detail
