"""What a reader's folder holds, and so what a block may use: the block itself, saved
alone as its file name; the modules shown earlier on its page and tab and followed by
"save this as" (includes.SAVED), placed beside it (`place_helpers`); and installed
packages. A block that imports anything else, or reaches beside itself through
`__file__`, is a problem named with its page and line. A block over LONG lines says
why (LONG_BECAUSE); a lesson marks its lines (`unmarked`). Reads text only."""

from __future__ import annotations

import ast
import dataclasses
import importlib.util
import pathlib
import re
import sys

from tools import includes
from tools.snippets import (
    LEGACY_LINES,
    Block,
    flavour,
    imported_by,
    rel,
    source_of,
    split_docstring,
)


def installed(module: str, root: pathlib.Path) -> bool:
    """Is `module` importable in a reader's environment (this interpreter's, as the
    README sets it up), not only from the project's own folders?"""
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return False
    if spec is None:
        return False
    where = [spec.origin] if spec.origin not in (None, "built-in", "frozen") else []
    where += list(spec.submodule_search_locations or [])
    project, prefix = root.resolve(), pathlib.Path(sys.prefix).resolve()
    return not where or any(
        not pathlib.Path(w).resolve().is_relative_to(project)
        or pathlib.Path(w).resolve().is_relative_to(prefix)
        for w in where
    )


def _beside_itself(code: str, own: str) -> list[str]:
    """What a block reaches next to itself through `__file__`: the file names it
    mentions, other than its own, and the folders above it (`.parents`). The run, in
    an empty folder, catches any other way."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return []
    nodes = list(ast.walk(tree))
    if not any(isinstance(n, ast.Name) and n.id == "__file__" for n in nodes):
        return []
    file_name = re.compile(r"[\w./-]+\.(py|out|json|txt|csv|npz|npy|keras|h5)")
    found = {
        n.value
        for n in nodes
        if isinstance(n, ast.Constant)
        and isinstance(n.value, str)
        and file_name.fullmatch(n.value)
        and n.value != own
    }
    if any(isinstance(n, ast.Attribute) and n.attr == "parents" for n in nodes):
        found.add("the folders above it")
    return sorted(found)


def saved_as(lines: list[str], after: int) -> str | None:
    """The file name a "save this as" sentence gives a block whose closing fence is
    at index `after`: looked for up to the next Python block."""
    for text in lines[after + 1 :]:
        if re.match(r"\s*```\s*(python|py|python3)\b", text):
            return None
        found = includes.SAVED.search(text)
        if found:
            return found["name"]
    return None


def place_helpers(blocks: list[Block], saved: list[str | None], root) -> tuple:
    """Each block with the modules it imports (and they import) among those shown
    earlier on the page, in its tab, with "save this as"; and the problems: imports
    a reader's folder lacks, and files reached through `__file__`."""
    problems, placed = [], []
    shown: dict[str, dict[str, str]] = {}  # tab (the flavour) -> file name -> text
    for block, name in zip(blocks, saved, strict=True):
        tab = shown.setdefault(flavour(block.snippet), {})
        modules = {m.removesuffix(".py"): (m, t) for m, t in tab.items()}
        helpers, todo = {}, sorted(imported_by(block.code) & set(modules))
        while todo:
            module = todo.pop()
            if modules[module][0] not in helpers:
                file, text = modules[module]
                helpers[file] = text
                todo += sorted(imported_by(text) & set(modules))
        where = f"{block.page}:{block.line}: {block.snippet}"
        for module in sorted(imported_by(block.code) - set(modules)):
            if not installed(module, root):
                problems.append(
                    f"{where} imports `{module}`, which a reader's empty folder lacks "
                    "(no installed package, and no block earlier on the page and tab "
                    f"says to save it): inline it, or show {module}.py before this "
                    "block with `<!-- module: <topic>/<name>.py -->`"
                )
        reached = _beside_itself(block.code, block.file_name)
        if reached:
            problems.append(
                f"{where} reaches beside itself through `__file__` "
                f"({', '.join(reached)}); a reader's folder holds only the block and "
                "the modules its page says to save beside it"
            )
        placed.append(
            dataclasses.replace(block, helpers=tuple(sorted(helpers.items())))
        )
        if name:
            if name != block.file_name:
                problems.append(
                    f"{where}: the page says to save it as {name}, not its file name "
                    f"{block.file_name}"
                )
            tab[name] = block.code
    return placed, problems


LONG = 80  # a block longer than this says why, right after its docstring
LONG_BECAUSE = "# Long because:"


def long_without_a_reason(blocks: list[Block], root: pathlib.Path) -> list[str]:
    """Blocks over LONG lines whose snippet (the source of a twin) does not carry a
    LONG_BECAUSE comment right after its docstring."""
    problems = []
    for block in blocks:
        if len(block.code.splitlines()) <= LONG:
            continue
        source = root / source_of(block.snippet)
        try:
            _, body = split_docstring(source.read_text(encoding="utf-8"))
        except (OSError, SyntaxError):
            continue
        body = body.removeprefix(LEGACY_LINES).lstrip("\n")  # a hand-written Keras 2
        if not body.startswith(LONG_BECAUSE):
            problems.append(
                f"{block.page}:{block.line}: {block.snippet} is "
                f"{len(block.code.splitlines())} lines; a block over {LONG} lines "
                f"says why in a `{LONG_BECAUSE} ...` comment right after the "
                f"docstring of {rel(source, root)}"
            )
    return problems


def unmarked(blocks: list[Block], modules: set[str]) -> list[str]:
    """Lesson blocks (not a module a page says to save, not a notebook) whose snippet
    marks no line with includes.MARK: the page highlights what it is about."""
    return [
        f"{block.page}:{block.line}: {block.snippet} marks no line; end the lines the "
        "page is about with `# <-` (the page highlights them)"
        for block in blocks
        if block.snippet not in modules
        and block.page.endswith(".md")
        and not includes.marked_lines(block.path)
    ]
