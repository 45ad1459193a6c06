"""The package's own tests of bad input: each gets an error that says what was wrong."""

import numpy as np
import pytest
import tensorflow as tf
from training_state_check import (
    Report,
    TrainingStateCheckError,
    check_training_state,
)
from training_state_check._errors import check_tensorflow

X = np.zeros((4, 3), "float32")


def test_an_unbuilt_model_the_eval_step_cannot_build():
    model = tf.keras.Sequential([tf.keras.layers.Dense(2)])  # no Input: not built
    with pytest.raises(TrainingStateCheckError, match="is not built"):
        check_training_state(model, lambda b: None, lambda b: None, (X,))


def test_a_step_that_raises():
    model = tf.keras.Sequential([tf.keras.Input((3,)), tf.keras.layers.Dropout(0.5)])

    def broken(batch):
        raise ValueError("no such column")

    with pytest.raises(TrainingStateCheckError, match="your train step raised"):
        check_training_state(model, broken, lambda b: model(b[0]), (X,))


@pytest.mark.parametrize("version", ["2.14.1", "2.22.0", "3.0.0"])
def test_a_tensorflow_outside_the_supported_range(version):
    with pytest.raises(
        TrainingStateCheckError, match=f"TensorFlow {version} is outside"
    ):
        check_tensorflow(version)


def test_this_tensorflow_is_supported():
    check_tensorflow()  # the one installed here


def test_nothing_to_check_passes_and_says_so():
    model = tf.keras.Sequential([tf.keras.Input((3,)), tf.keras.layers.Dense(2)])
    report = check_training_state(
        model, lambda b: model(b[0]), lambda b: model(b[0]), (X,)
    )
    assert isinstance(report, Report) and list(report) == []
    assert str(report).startswith("nothing to check: no layer of")
