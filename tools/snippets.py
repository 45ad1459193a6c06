"""What a snippet is: its two path forms, its flavour and Keras 2 twin, the block that
shows it, what its result depends on (`source_hash`) and the claim it asserts.

Text only: nothing here imports TensorFlow or runs a snippet. A twin is its source with
`LEGACY_LINES` after the docstring; those lines select Keras 2 where Keras 3 is
installed (TensorFlow >= 2.16), reading the Keras version from package metadata."""

from __future__ import annotations

import ast
import dataclasses
import hashlib
import pathlib

from tools import ROOT

# the packages of this repository that a snippet may import -> where their modules are:
# their files are part of the hash of every snippet that imports them
REPO_PACKAGES = {"training_state_check": "checker/src/training_state_check"}
FOLDER = "snippets"  # a path from the root starts here; an include's does not
TWIN_DIR = "keras2"  # snippets/<topic>/keras2/<name>.py: the one mark of a twin
KERAS2_SUFFIX = "_keras2"  # <topic>/<name>_keras2.py: hand-written, Keras 2 only
KERAS2, KERAS3 = "keras2", "keras3"  # the flavours a snippet is written for
# the lines a twin adds: select Keras 2 before TensorFlow is imported
LEGACY_LINES = """\
import os
from importlib.metadata import version

# Keras 2: TF 2.16+ comes with Keras 3, so select tf-keras (pip install tf-keras)
if int(version("keras").split(".")[0]) >= 3:  # TF <= 2.15: Keras 2 is built in
    os.environ["TF_USE_LEGACY_KERAS"] = "1"  # set before importing TF"""


# ---------------------------------------------------------------- the two path forms


def from_root(target: str) -> str:
    """`<topic>/<name>.py` as an include names it -> `snippets/<topic>/<name>.py`."""
    return f"{FOLDER}/{target}"


def from_snippets(snippet: str) -> str:
    """`snippets/<topic>/<name>.py` -> `<topic>/<name>.py`, as an include names it."""
    return snippet.removeprefix(f"{FOLDER}/")


def rel(path: pathlib.Path, root: pathlib.Path = ROOT) -> str:
    """A file's path from the project root (as given when it is outside the root)."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


# ---------------------------------------------------------------- flavours and twins


def split_docstring(text: str) -> tuple[str, str]:
    """A module's text as (its docstring's lines, the lines after them)."""
    tree = ast.parse(text)
    has_doc = ast.get_docstring(tree, clean=False) is not None
    lines = text.splitlines()
    cut = tree.body[0].end_lineno if has_doc else 0
    return "\n".join(lines[:cut]), "\n".join(lines[cut:]).lstrip("\n")


def twin_text(text: str) -> str:
    """The Keras 2 twin of a snippet's text: LEGACY_LINES after its docstring."""
    head, body = split_docstring(text)
    return (f"{head}\n\n" if head else "") + f"{LEGACY_LINES}\n\n{body}\n"


def twin_source(source: pathlib.Path) -> str:
    """The text of the Keras 2 twin of the Keras 3 snippet at `source`."""
    return twin_text(source.read_text(encoding="utf-8"))


def is_twin(path: pathlib.PurePath | str) -> bool:
    """A generated Keras 2 twin: a .py file in a `keras2/` folder."""
    path = pathlib.PurePosixPath(str(path).replace("\\", "/"))
    return path.parent.name == TWIN_DIR and path.suffix == ".py"


def flavour(snippet: str) -> str:
    """KERAS2 for a twin or a hand-written `*_keras2.py`; KERAS3 for every other."""
    path = pathlib.PurePosixPath(snippet)
    if is_twin(path) or path.stem.endswith(KERAS2_SUFFIX):
        return KERAS2
    return KERAS3


def source_of(snippet: str) -> str:
    """The snippet a twin is generated from (the same path for any other snippet)."""
    path = pathlib.PurePosixPath(snippet)
    if is_twin(path):
        return (path.parent.parent / path.name).as_posix()
    return snippet


def twin_of(snippet: str) -> str:
    """The path of a Keras 3 snippet's generated twin."""
    path = pathlib.PurePosixPath(snippet)
    return (path.parent / TWIN_DIR / path.name).as_posix()


def twins(root: pathlib.Path = ROOT) -> dict[pathlib.Path, pathlib.Path]:
    """Every generated twin under snippets/ -> its source one folder up."""
    return {
        t: t.parent.parent / t.name
        for t in sorted((root / FOLDER).rglob("*.py"))
        if is_twin(t)
    }


# what the version columns install besides TensorFlow (their Envs in tools/columns.py)
NOT_ON_COLUMNS = ("pytest",)


def not_applicable(
    snippet: str, column_flavour: str, root: pathlib.Path = ROOT
) -> str | None:
    """Why a snippet does not run on a version column of that flavour, or None."""
    kind = flavour(snippet)
    if kind != column_flavour and kind == KERAS2:
        return "a Keras 2 snippet; this column runs the Keras 3 snippets"
    if kind != column_flavour:
        return "a Keras 3 snippet; this column runs the Keras 2 snippets"
    missing = sorted(imported_modules(root / snippet) & set(NOT_ON_COLUMNS))
    if missing:
        return (
            f"it runs {', '.join(missing)}, which the version columns do not install; "
            "`make test` runs it on both flavours"
        )
    return None


# ---------------------------------------------------------------- a block, its sources


@dataclasses.dataclass(frozen=True)
class Block:
    """A code block as a reader sees it: what the runner runs and judges."""

    page: str  # docs/why.md (relative to the project root)
    line: int  # line of the opening fence on the page
    code: str  # the code as the reader sees it (includes expanded)
    snippet: str  # snippets/why/x.py: the file shown
    expected: str | None  # the expected output the page shows, if any
    expected_from: str | None  # the file that expected output was included from
    root: pathlib.Path = dataclasses.field(default=ROOT, compare=False)
    # the modules a reader saves beside it: (file name, text as its page shows it), each
    # shown earlier on its page and tab and followed by "save this as" (tools.pages)
    helpers: tuple[tuple[str, str], ...] = ()

    @property
    def id(self) -> str:
        return f"{self.page}::line {self.line} ({self.snippet})"

    @property
    def path(self) -> pathlib.Path:
        return self.root / self.snippet

    @property
    def file_name(self) -> str:
        """The name a reader saves it under, alone in a folder (`python <name>.py`)."""
        return pathlib.PurePosixPath(self.snippet).name

    @property
    def out_file(self) -> pathlib.Path:
        return self.path.with_suffix(".out")


def imported_siblings(path: pathlib.Path) -> set[pathlib.Path]:
    """The modules beside `path` that it imports, recursively (a snippet's helpers)."""
    seen: set[pathlib.Path] = set()
    todo = [path]
    while todo:
        try:
            tree = ast.parse(todo.pop().read_text(encoding="utf-8"))
        except (OSError, SyntaxError, UnicodeDecodeError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                sibling = path.parent / f"{name.split('.')[0]}.py"
                if sibling.is_file() and sibling not in seen:
                    seen.add(sibling)
                    todo.append(sibling)
    return seen


def imported_modules(path: pathlib.Path) -> set[str]:
    """The top-level modules a file imports (anywhere in it)."""
    try:
        return imported_by(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError):
        return set()


def imported_by(code: str) -> set[str]:
    """The top-level modules a text imports (anywhere in it)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set()
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            found.add(node.module.split(".")[0])
    return found


def imported_packages(path: pathlib.Path) -> set[str]:
    """The packages of this repository (REPO_PACKAGES) that a snippet or the modules
    beside it import."""
    found = set()
    for f in {path, *imported_siblings(path)}:
        found |= imported_modules(f)
    return found & set(REPO_PACKAGES)


def package_files_of(name: str, root: pathlib.Path = ROOT) -> list[pathlib.Path]:
    """The files of one of the repository's packages (REPO_PACKAGES), as its wheel
    carries them."""
    folder = root / REPO_PACKAGES[name]
    return sorted(
        f for f in folder.rglob("*") if f.is_file() and "__pycache__" not in f.parts
    )


def source_hash(snippet: str, root: pathlib.Path = ROOT) -> str:
    """A hash of what a snippet's result depends on in the repository: its text, its
    recorded output, the modules beside it that it imports, and the files of the
    repository's packages it imports."""
    path = root / snippet
    siblings = imported_siblings(path)
    package_files = [
        f
        for name in sorted(imported_packages(path))
        for f in package_files_of(name, root)
    ]
    digest = hashlib.sha256()
    for f in [
        path,
        path.with_suffix(".out"),
        *sorted(siblings - {path}),
        *package_files,
    ]:
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
