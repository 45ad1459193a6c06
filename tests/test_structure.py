"""The machinery's shape: tools/ keeps its declared layers (tools.LAYERS) and imports at
the top of each file only; the hooks render what tools/ decides without typing its
vocabulary; the hand-written Keras 2 snippets select Keras 2 as a twin does."""

import ast
import pathlib
import sys

import pytest

import tools
from tools import ROOT, atlas, columns, records, snippets, verdicts

LAYER = {name: n for n, names in enumerate(tools.LAYERS) for name in names}
MODULES = sorted((ROOT / "tools").glob("*.py"))
HOOKS = sorted((ROOT / "hooks").glob("*.py"))
# The words whose meaning tools/ decides: a hook, or the side table, imports them
VOCABULARY = {
    verdicts.SAME,
    verdicts.DIFFERS,
    verdicts.FAILS,
    verdicts.NA,
    snippets.KERAS3,
    snippets.KERAS2,
    columns.NIGHTLY,
    records.VERSIONS,
    records.NOT_YET,
    records.NOT_SET_UP,
    atlas.ATLAS_RECORDS,
    atlas.FULL,
    atlas.PAIRWISE,
}
# the hand-written Keras 2 snippet that selects Keras 2 on purpose without the check:
# it shows what `import keras` is once TF_USE_LEGACY_KERAS is set
SETS_IT_ALWAYS = {"snippets/setting/import_keras_is_keras3_keras2.py"}


def imports(path: pathlib.Path) -> list[tuple[str, bool]]:
    """(module imported, whether at the top of the file) for each import of a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(a.name, id(node) in top) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [f"{node.module}.{a.name}" for a in node.names]
            if node.module == "tools":  # `from tools import atlas`: the module atlas
                found += [(n, id(node) in top) for n in names]
            else:
                found.append((node.module, id(node) in top))
    return found


def test_every_tools_module_has_a_layer():
    assert sorted(LAYER) == sorted(p.stem for p in MODULES if p.stem != "__init__")


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_a_tools_module_imports_only_from_below_and_only_at_the_top(path):
    if path.stem == "__init__":
        return
    for name, at_top in imports(path):
        root = name.split(".")[0]
        if root == "tools":
            below = name.split(".")[1] if "." in name else None
            assert at_top, f"{path.name}: `import {name}` inside a function"
            if below not in (None, "ROOT"):
                assert LAYER[below] < LAYER[path.stem], (
                    f"{path.name} (layer {LAYER[path.stem]}) imports {below} "
                    f"(layer {LAYER[below]}): tools.LAYERS puts it above"
                )
        elif at_top:
            assert root in sys.stdlib_module_names or root == "__future__", (
                f"{path.name} imports {name} at the top: a version column's "
                "interpreter has none of it; import it where it is used"
            )


@pytest.mark.parametrize("path", HOOKS, ids=lambda p: p.name)
def test_a_hook_imports_tools_at_the_top(path):
    for name, at_top in imports(path):
        if name.split(".")[0] == "tools":
            assert at_top, f"{path.name}: `import {name}` inside a function"


def strings(path: pathlib.Path) -> list[tuple[int, str]]:
    """Every string constant of a file (f-strings' literal parts too), with its line."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


@pytest.mark.parametrize(
    "path", [*HOOKS, ROOT / "tools/headlines.py"], ids=lambda p: p.name
)
def test_the_vocabulary_is_imported_not_typed(path):
    typed = [
        f"{path.name}:{line}: {text!r}"
        for line, text in strings(path)
        if text in VOCABULARY or columns.NIGHTLY in text
    ]
    assert not typed, "import these words from tools/: " + "; ".join(typed)


@pytest.mark.parametrize(
    "path",
    sorted((ROOT / snippets.FOLDER).rglob(f"*{snippets.KERAS2_SUFFIX}.py")),
    ids=lambda p: p.name,
)
def test_a_hand_written_keras2_snippet_selects_keras2_as_a_twin_does(path):
    """Its lines after the docstring begin with the twin's preamble, the same text."""
    _, body = snippets.split_docstring(path.read_text(encoding="utf-8"))
    same = body.startswith(snippets.LEGACY_LINES)
    if snippets.rel(path) in SETS_IT_ALWAYS:
        assert not same, f"{path.name} is listed as the exception: delist it"
    else:
        assert same, (
            f"{snippets.rel(path)}: begin, after the docstring, with the lines a "
            "twin gets (tools/snippets.py LEGACY_LINES)"
        )


@pytest.mark.parametrize(
    "path",
    [p for folder in ("tools", "hooks", "bench") for p in (ROOT / folder).glob("*.py")],
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_an_opening_docstring_says_what_its_module_decides_in_eight_lines(path):
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")), clean=False)
    assert doc, f"{path.name}: no opening docstring"
    assert len(doc.splitlines()) <= 8, f"{path.name}: {len(doc.splitlines())} lines"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_no_tools_module_is_over_400_lines(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= 400, f"{path.name}: {lines} lines; split it along its jobs"
