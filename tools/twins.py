"""Keras 2 twins: `snippets/<topic>/keras2/<name>.py` is generated from
`snippets/<topic>/<name>.py`.

Text only (no TensorFlow): the twin is the source with `TF_USE_LEGACY_KERAS=1` set
before TensorFlow is imported, so a reader can paste either tab and run it on its own.
The variable is set only where Keras 3 is installed (TensorFlow >= 2.16, where Keras 2
is the tf-keras package); TensorFlow <= 2.15 has Keras 2 built in, and there the
variable would make `tf.keras` import tf-keras instead (an ImportError without it).
The Keras major version is read from the package metadata, without importing
TensorFlow, and works for every TensorFlow distribution (tensorflow, tensorflow-cpu...).
"""

import ast
import pathlib

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


def twin_source(source: pathlib.Path) -> str:
    """The text of the Keras 2 twin of a Keras 3 snippet."""
    text = source.read_text(encoding="utf-8")
    tree = ast.parse(text)
    has_doc = ast.get_docstring(tree, clean=False) is not None
    lines = text.splitlines()
    cut = tree.body[0].end_lineno if has_doc else 0
    head = "\n".join(lines[:cut])
    body = "\n".join(lines[cut:]).lstrip("\n")
    return (f"{head}\n\n" if head else "") + f"{LEGACY_LINES}\n\n{body}\n"


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


def twins(root: pathlib.Path) -> dict[pathlib.Path, pathlib.Path]:
    """Every generated twin under snippets/ -> its source one folder up."""
    return {
        t: t.parent.parent / t.name
        for t in sorted((root / "snippets").rglob("*.py"))
        if is_twin(t)
    }
