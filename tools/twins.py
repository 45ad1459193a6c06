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

TWIN_DIR = "keras2"
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


def is_twin(path: pathlib.Path) -> bool:
    return path.parent.name == TWIN_DIR and path.suffix == ".py"


def twins(root: pathlib.Path) -> dict[pathlib.Path, pathlib.Path]:
    """Every generated twin under snippets/ -> its source one folder up."""
    return {
        t: t.parent.parent / t.name
        for t in sorted((root / "snippets").rglob(f"{TWIN_DIR}/*.py"))
    }
