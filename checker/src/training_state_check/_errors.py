"""What the checker says when it cannot check: no TensorFlow import at module level."""

from __future__ import annotations

import re

# the TensorFlow releases the checker is tested on (pyproject.toml states the same)
SUPPORTED_TENSORFLOW = ">=2.15,<2.22"
_LOWEST, _BEYOND = (2, 15), (2, 22)


class TrainingStateCheckError(RuntimeError):
    """The check could not run: a bad model, a step that raised, an unsupported TF."""


def check_tensorflow(version: str | None = None) -> None:
    """Raise TrainingStateCheckError when TensorFlow is outside SUPPORTED_TENSORFLOW."""
    if version is None:
        import tensorflow as tf

        version = tf.__version__
    found = re.match(r"(\d+)\.(\d+)", version)
    minor = (int(found[1]), int(found[2])) if found else (0, 0)
    if not _LOWEST <= minor < _BEYOND:
        raise TrainingStateCheckError(
            f"TensorFlow {version} is outside the range this checker supports "
            f"(tensorflow{SUPPORTED_TENSORFLOW}): install a supported TensorFlow, "
            "or a release of the checker that supports yours"
        )
