"""Check that a training loop puts BatchNormalization, Dropout and every other layer
that depends on `training` in the right mode, on Keras 3 (`tf.keras`) and tf_keras.

    from training_state_check import check_training_state, check_fit

    report = check_training_state(model, train_step, eval_step, batch)
    report = check_fit(model, x, y)  # a compiled model: fit, evaluate, predict

Each raises AssertionError naming every layer in a wrong mode and the step that put it
there, or returns a Report whose str() says what each step did. In a pytest suite, the
`training_state` fixture (this package's pytest plugin) does the same and fails the
test with the report. TensorFlow is imported on first use, not on import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from training_state_check._errors import (
    SUPPORTED_TENSORFLOW,
    TrainingStateCheckError,
)

__version__ = "1.0.0"
__all__ = [
    "SUPPORTED_TENSORFLOW",
    "Report",
    "TrainingStateCheckError",
    "check_fit",
    "check_training_state",
]

if TYPE_CHECKING:
    from training_state_check._check import Report, check_fit, check_training_state


def __getattr__(name: str) -> Any:
    if name in ("check_training_state", "check_fit", "Report"):
        from training_state_check import _check

        return getattr(_check, name)
    raise AttributeError(f"module 'training_state_check' has no attribute {name!r}")
