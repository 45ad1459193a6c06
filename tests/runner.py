"""Execute every code block a reader sees on the site, exactly as the reader sees it.

One small module, used three ways:
  * by tests/test_docs.py (pytest) - one test per block, plus the structural guards;
  * `python tests/runner.py --outputs` (make outputs) - rewrite every snippet's recorded output (.out);
  * `python tests/runner.py` - run every block and print a summary (used by bench/runner_speed.py).

How a page is read: each line of docs/**/*.md that holds a `--8<--` include is expanded on its own by the
pymdownx.snippets preprocessor configured exactly as mkdocs.yml declares it, so every expanded line remembers
the page line and snippet file it came from. pytest-codeblocks' `extract_from_buffer` then extracts the blocks
and their `<!--pytest-codeblocks:expected-output-->` blocks from the expanded text.

How a block runs: TensorFlow (and tf_keras) are imported once in this process, without touching `tf.keras`,
whose flavour (Keras 3, or Keras 2 with TF_USE_LEGACY_KERAS=1) is resolved lazily on first use. Each block then
runs in a fork of this warm process, so it gets fresh module state (learning phase, flavour, seeds) while the
import is paid once. The child runs the code as `python snippets/<path>.py` would (`__main__`, argv, sys.path[0],
cwd at the repository root), with stdout and stderr sent to files; stdout is the output, stderr diagnostics.
"""
from __future__ import annotations

import ast
import dataclasses
import difflib
import io
import os
import pathlib
import re
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import warnings

ROOT = pathlib.Path(__file__).resolve().parent.parent
TIMEOUT = float(os.environ.get("SNIPPET_TIMEOUT", "120"))
PY_LANGS = {"python", "py", "python3"}
SH_LANGS = {"bash", "sh", "shell"}
INCLUDE = re.compile(r"""^\s*-+8<-+\s+(["'])(?P<target>[^"']+)\1\s*$""")
_PRISTINE_WARNING_FILTERS = list(warnings.filters)
MISSING = "<missing include>"
MAX_COLUMNS = 88


@dataclasses.dataclass
class Block:
    page: str                 # docs/why.md (relative to the project root)
    line: int                 # line of the opening fence on the page
    lang: str                 # python / bash / ...
    code: str                 # the code as the reader sees it (includes expanded)
    snippet: str | None       # snippets/why/x.py: the file shown (None: typed inline)
    expected: str | None      # the expected output the page shows, if any
    expected_from: str | None  # the file that expected output was included from
    path: pathlib.Path | None = None  # file to execute the code as (the snippet), for tracebacks

    @property
    def id(self) -> str:
        return f"{self.page}::line {self.line}" + (f" ({self.snippet})" if self.snippet else "")

    @property
    def out_file(self) -> pathlib.Path | None:
        return self.path.with_suffix(".out") if self.path else None


@dataclasses.dataclass
class Result:
    ok: bool
    stdout: str
    message: str = ""


def snippet_preprocessor(root: pathlib.Path):
    """The pymdownx.snippets preprocessor with the configuration mkdocs.yml declares."""
    import markdown
    from mkdocs.config import load_config

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cfg = load_config(str(root / "mkdocs.yml"))
    name = "pymdownx.snippets"
    if name not in cfg["markdown_extensions"]:
        raise RuntimeError(f"{root / 'mkdocs.yml'}: markdown_extensions does not enable {name}")
    md = markdown.Markdown(extensions=[name], extension_configs={name: cfg["mdx_configs"].get(name, {})})
    return md.preprocessors["snippet"], pathlib.Path(cfg["docs_dir"])


def _rel(path: pathlib.Path, root: pathlib.Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def read_page(page: pathlib.Path, root: pathlib.Path, pre) -> tuple[list[Block], set[str], list[str]]:
    """Expand a page's includes line by line; return its blocks, the files it includes, and its problems."""
    from pytest_codeblocks.main import extract_from_buffer

    rel_page = _rel(page, root)
    problems: list[str] = []
    included: set[str] = set()
    lines: list[str] = []
    origin: list[tuple[int, str | None]] = []  # per expanded line: (page line, included file or None)
    for lineno, raw in enumerate(page.read_text(encoding="utf-8").splitlines(), start=1):
        if raw.strip() in {"--8<--", "-8<-"}:
            problems.append(f"{rel_page}:{lineno}: block-form `--8<--` includes are not supported; "
                            f"write one `--8<-- \"file\"` line per include")
        m = INCLUDE.match(raw)
        if not m:
            lines.append(raw)
            origin.append((lineno, None))
            continue
        target = pre.parse_snippet_target(m.group("target")) or {"path": m.group("target")}
        found = pre.get_snippet_path(target["path"])
        try:
            expanded = pre.run([raw])
        except Exception as exc:  # SnippetMissingError: a missing file or section
            problems.append(f"{rel_page}:{lineno}: include {m.group('target')!r} failed: {exc}")
            lines.append(raw)
            origin.append((lineno, MISSING))
            continue
        source = _rel(pathlib.Path(found), root) if found else None
        if source:
            included.add(source)
        lines.extend(expanded)
        origin.extend([(lineno, source)] * len(expanded))

    try:
        extracted = extract_from_buffer(io.StringIO("\n".join(lines) + "\n"))
    except RuntimeError as exc:
        return [], included, problems + [f"{rel_page}: pytest-codeblocks cannot read the page: {exc}"]

    blocks = []
    for cb in extracted:
        info = (cb.syntax or "").strip().lstrip("{").lstrip(".")
        lang = re.split(r"[\s{}]", info, maxsplit=1)[0].lower() if info else ""
        page_line = origin[cb.lineno - 1][0]
        n = cb.code.count("\n")
        body = range(cb.lineno, cb.lineno + n)  # 0-based indices of the block's body lines
        sources = {origin[i][1] for i in body if lines[i].strip()}
        files = sorted(s for s in sources if s)
        if lang not in PY_LANGS | SH_LANGS or MISSING in sources:
            continue  # not executable, or a broken include (reported above)
        if lang in PY_LANGS and (None in sources or not files):
            problems.append(f"{rel_page}:{page_line}: a Python block typed inline; put the code in "
                            f"snippets/<topic>/<name>.py and include it with `--8<-- \"<topic>/<name>.py\"`")
            continue
        if lang in PY_LANGS and len(files) != 1:
            problems.append(f"{rel_page}:{page_line}: a block must show exactly one snippet file, "
                            f"this one includes {files}")
            continue
        expected_from = None
        if cb.expected_output is not None:
            # the expected-output block is the next fence after this block's closing fence
            after = [i for i in range(cb.lineno + n + 1, len(lines)) if lines[i].lstrip().startswith("```")]
            if len(after) >= 2:
                outs = {origin[i][1] for i in range(after[0] + 1, after[1]) if origin[i][1]}
                expected_from = sorted(outs)[0] if outs else None
        path = root / files[0] if files else None
        block = Block(rel_page, page_line, lang, cb.code, files[0] if files else None,
                      cb.expected_output, expected_from, path)
        if lang in PY_LANGS:
            want = _rel(block.out_file, root)
            if cb.expected_output is None:
                problems.append(f"{rel_page}:{page_line}: {block.snippet} is shown without its output; add "
                                f"<!--pytest-codeblocks:expected-output--> and a block including {want!r}")
            elif expected_from not in (None, want):
                problems.append(f"{rel_page}:{page_line}: the output shown under {block.snippet} comes from "
                                f"{expected_from}, expected {want}")
        blocks.append(block)
    return blocks, included, problems


def notebook_blocks(docs: pathlib.Path, root: pathlib.Path) -> list[Block]:
    """Files under docs/ that are symlinks to snippets (notebook sources) run as blocks too."""
    blocks = []
    for link in sorted(docs.rglob("*")):
        if link.is_symlink() and link.suffix == ".py":
            target = link.resolve()
            rel = _rel(target, root)
            blocks.append(Block(_rel(link, root), 1, "python", target.read_text(encoding="utf-8"),
                                rel, None, None, target))
    return blocks


def build(root: pathlib.Path, site_dir: pathlib.Path) -> tuple[bool, str]:
    """`mkdocs build --strict` of the project at root into site_dir; returns (ok, log)."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)],
                          cwd=root, env=env, capture_output=True, text=True)
    return proc.returncode == 0, proc.stdout + proc.stderr


TWIN_DIR = "keras2"  # snippets/<topic>/keras2/<name>.py is generated from snippets/<topic>/<name>.py


def twin_source(source: pathlib.Path) -> str:
    """The Keras 2 twin of a Keras 3 snippet: the same file, with tf_keras selected before TensorFlow loads."""
    text = source.read_text(encoding="utf-8")
    tree = ast.parse(text)
    doc = ast.get_docstring(tree, clean=False)
    body_start = tree.body[0].end_lineno if doc is not None else 0
    head = "\n".join(text.splitlines()[:body_start])
    body = "\n".join(text.splitlines()[body_start:]).lstrip("\n")
    return (f"{head}\n" if head else "") + (
        "import os\n\n"
        'os.environ["TF_USE_LEGACY_KERAS"] = "1"  # Keras 2 (tf_keras): set before importing TensorFlow\n\n'
        f"{body}\n")


def twins(root: pathlib.Path) -> dict[pathlib.Path, pathlib.Path]:
    """Generated Keras 2 twins (every .py in a keras2/ folder) -> their Keras 3 source one folder up."""
    return {twin: twin.parent.parent / twin.name
            for twin in sorted((root / "snippets").rglob(f"{TWIN_DIR}/*.py"))}


def write_twins(root: pathlib.Path) -> int:
    """make twins: rewrite every generated Keras 2 twin from its source (text only, no TensorFlow).
    A twin a page includes that does not exist yet is created."""
    for page in sorted((root / "docs").rglob("*.md")):
        for raw in page.read_text(encoding="utf-8").splitlines():
            m = INCLUDE.match(raw)
            target = m.group("target") if m else ""
            if f"/{TWIN_DIR}/" in target and target.endswith(".py"):
                twin = root / "snippets" / target
                if not twin.exists() and (twin.parent.parent / twin.name).exists():
                    twin.parent.mkdir(exist_ok=True)
                    twin.write_text("", encoding="utf-8")
    for twin, source in twins(root).items():
        if not source.exists():
            print(f"{_rel(twin, root)}: no source {_rel(source, root)}; delete the twin or restore its source")
            return 1
        text = twin_source(source)
        if twin.read_text(encoding="utf-8") != text:
            twin.write_text(text, encoding="utf-8")
            print(f"updated   {_rel(twin, root)}")
    return 0


def collect(root: pathlib.Path = ROOT) -> tuple[list[Block], list[str]]:
    """Every block of every page, and every structural problem found on the way."""
    pre, docs = snippet_preprocessor(root)
    blocks, problems, included = [], [], set()
    for page in sorted(docs.rglob("*.md")):
        b, inc, p = read_page(page, root, pre)
        blocks += b
        problems += p
        included |= inc
    for rel in sorted(f for f in included if f.endswith(".py")):
        for n, text in enumerate((root / rel).read_text(encoding="utf-8").splitlines(), start=1):
            if len(text) > MAX_COLUMNS:
                problems.append(f"{rel}:{n}: {len(text)} characters; lines shown on the site stay within "
                                f"{MAX_COLUMNS} so code blocks do not scroll sideways")
    nb = notebook_blocks(docs, root)
    blocks += nb
    included |= {b.snippet for b in nb}
    snippets_dir = root / "snippets"
    for f in sorted(snippets_dir.rglob("*")):
        if f.suffix in {".py", ".out"} and "__pycache__" not in f.parts and _rel(f, root) not in included:
            problems.append(f"{_rel(f, root)}: not included by any page (an orphaned "
                            f"{'snippet' if f.suffix == '.py' else 'recorded output'})")
    for twin, source in twins(root).items():
        if not source.exists():
            problems.append(f"{_rel(twin, root)}: a Keras 2 twin of {source.name}, which does not exist")
        elif twin.read_text(encoding="utf-8") != twin_source(source):
            problems.append(f"{_rel(twin, root)}: out of date with {_rel(source, root)}; run `make twins`")
    return blocks, problems


# --------------------------------------------------------------------------- execution

_WARM = False


def warm_up() -> None:
    """Import TensorFlow and tf_keras once, leaving tf.keras unresolved (each fork picks its own flavour)."""
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
        import tf_keras  # noqa: F401  (Keras 2, imported but not selected: tf.keras stays lazy)
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(null)
    _WARM = True


def _child(block: Block, out_fd: int, err_fd: int, root: pathlib.Path) -> int:
    os.dup2(out_fd, 1)
    os.dup2(err_fd, 2)
    sys.stdout = io.TextIOWrapper(os.fdopen(1, "wb", closefd=False), encoding="utf-8", line_buffering=True)
    sys.stderr = io.TextIOWrapper(os.fdopen(2, "wb", closefd=False), encoding="utf-8", line_buffering=True)
    warnings.filters[:] = _PRISTINE_WARNING_FILTERS
    os.chdir(root)
    if block.lang in SH_LANGS:
        os.execvp("bash", ["bash", "-euo", "pipefail", "-c", block.code])
    filename = str(block.path) if block.path else f"{block.page}:{block.line}"
    sys.argv = [filename]
    sys.path[0] = str(block.path.parent) if block.path else str(root)
    try:
        exec(compile(block.code, filename, "exec"), {"__name__": "__main__", "__file__": filename,
                                                      "__builtins__": __builtins__})
        return 0
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:
        kind, exc, tb = sys.exc_info()
        traceback.print_exception(kind, exc, tb.tb_next)  # start at the snippet's own frame
        return 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()


def execute(block: Block, root: pathlib.Path = ROOT, timeout: float | None = None) -> tuple[int | None, str, str]:
    """Run one block in a fork of the warm process. Returns (exit code or None on timeout, stdout, stderr)."""
    timeout = TIMEOUT if timeout is None else timeout
    if block.lang in PY_LANGS:
        warm_up()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                code = _child(block, out.fileno(), err.fileno(), root)
            finally:
                os._exit(code)
        deadline = time.monotonic() + timeout
        status = None
        while status is None:
            done, raw = os.waitpid(pid, os.WNOHANG)
            if done:
                status = os.waitstatus_to_exitcode(raw)
            elif time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                break
            else:
                time.sleep(0.01)
        out.seek(0)
        err.seek(0)
        return status, out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace")


def _tail(text: str, n: int = 40) -> str:
    lines = text.rstrip().splitlines()
    return "\n".join(lines[-n:])


def _norm(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.strip("\n").splitlines())


def check(block: Block, root: pathlib.Path = ROOT, timeout: float | None = None) -> Result:
    """Run a block and judge it: it must finish, exit 0, and print exactly the output the page shows."""
    timeout = TIMEOUT if timeout is None else timeout
    status, stdout, stderr = execute(block, root, timeout)
    run = f"python {block.snippet}" if block.snippet else "the block"
    if status is None:
        return Result(False, stdout, f"{block.id}: did not finish within {timeout:.0f} s (hung?); "
                                     f"try `{run}`.\nstdout so far:\n{_tail(stdout)}\nstderr:\n{_tail(stderr)}")
    if status != 0:
        return Result(False, stdout, f"{block.id}: exited with status {status}; reproduce with `{run}`.\n"
                                     f"{_tail(stderr)}")
    if block.expected is not None and _norm(stdout) != _norm(block.expected):
        diff = "\n".join(difflib.unified_diff(
            _norm(block.expected).splitlines(), _norm(stdout).splitlines(),
            fromfile=f"{block.expected_from or 'page'} (shown on {block.page})", tofile=f"{run} (actual)",
            lineterm=""))
        return Result(False, stdout, f"{block.id}: the output shown on the page drifted from what the snippet "
                                     f"prints. If the new output is right, refresh the records with "
                                     f"`make outputs` and review the diff.\n{diff}")
    return Result(True, stdout)


def write_outputs(root: pathlib.Path = ROOT, only: list[str] | None = None) -> int:
    """make outputs: run every Python snippet block and record its stdout beside it as <name>.out."""
    pre, docs = snippet_preprocessor(root)
    for page in sorted(docs.rglob("*.md")):  # create records that do not exist yet, so pages expand
        for raw in page.read_text(encoding="utf-8").splitlines():
            m = INCLUDE.match(raw)
            if m and m.group("target").endswith(".out") and not pre.get_snippet_path(m.group("target")):
                (root / "snippets" / m.group("target")).touch()
    write_twins(root)
    blocks, _ = collect(root)
    failures, done = 0, set()
    for block in blocks:
        if block.lang not in PY_LANGS or block.expected is None or block.snippet in done:
            continue
        source = twins(root).get(block.path)
        if only and block.snippet not in only and (not source or _rel(source, root) not in only):
            continue
        done.add(block.snippet)
        status, stdout, stderr = execute(block, root)
        if status != 0:
            failures += 1
            print(f"FAILED {block.id} (status {status}); its record is left as it was:\n{_tail(stderr)}")
            continue
        old = block.out_file.read_text(encoding="utf-8") if block.out_file.exists() else ""
        block.out_file.write_text(stdout, encoding="utf-8")
        print(f"{'updated  ' if old != stdout else 'unchanged'} {_rel(block.out_file, root)}")
    return 1 if failures else 0


def main(argv: list[str]) -> int:
    if "--twins" in argv:
        return write_twins(ROOT)
    if "--outputs" in argv:
        only = [a for a in argv if a != "--outputs"]
        return write_outputs(ROOT, [_rel(pathlib.Path(a), ROOT) for a in only] or None)
    blocks, problems = collect(ROOT)
    for p in problems:
        print("PROBLEM", p)
    failed = 0
    for block in blocks:
        result = check(block)
        failed += not result.ok
        print(("ok     " if result.ok else "FAILED ") + block.id + ("" if result.ok else "\n" + result.message))
    print(f"{len(blocks) - failed} passed, {failed + len(problems)} failed")
    return 1 if failed or problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
