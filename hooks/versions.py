"""MkDocs hook: the footer line "Verified with TensorFlow X, Keras Y, tf_keras Z" on
every page (appended to `copyright`, which Material prints in every footer), read from
snippets/environment/versions.out: the recorded output of a snippet the References page
shows, so the tests fail whenever it differs from what the environment prints."""

from __future__ import annotations

import os
import re
from typing import Any

from mkdocs.exceptions import PluginError

SNIPPET = os.path.join("snippets", "environment", "versions.py")
OUT = os.path.splitext(SNIPPET)[0] + ".out"
NAMES = ("TensorFlow", "Keras", "tf_keras")
LINE = re.compile(r"^(?P<name>\S+) (?P<version>\d+\.\d+\S*)$")


def footer_line(path: str) -> str:
    """'Verified with TensorFlow 2.21.0, Keras 3.15.1, tf_keras 2.21.0' from the
    recorded output at path."""
    if not os.path.isfile(path):
        raise PluginError(
            f"hooks/versions.py: {path} is missing; it is the recorded output of "
            f"{SNIPPET}, which the footer is made from. "
            "Create it with `make outputs`."
        )
    with open(path, encoding="utf-8") as f:
        found = [LINE.match(line.strip()) for line in f if line.strip()]
    versions = {m["name"]: m["version"] for m in found if m}
    if None in found or tuple(versions) != NAMES:
        raise PluginError(
            f"hooks/versions.py: {path} should hold the lines "
            f"{', '.join(n + ' <version>' for n in NAMES)}"
            f" (in that order); re-create it with `make outputs`."
        )
    return "Verified with " + ", ".join(f"{name} {versions[name]}" for name in NAMES)


def on_config(config: Any, **_: Any) -> Any:
    line = footer_line(os.path.join(os.path.dirname(config.config_file_path), OUT))
    config["copyright"] = (
        f"{config['copyright']}<br>{line}" if config.get("copyright") else line
    )
    return config
