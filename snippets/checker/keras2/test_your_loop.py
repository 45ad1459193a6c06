"""In your own test suite, the `training_state` fixture of the checker's pytest plugin
passes a right loop and fails a train step that forgets training=True, naming the
layers and the step. Run as a script, this file calls each test with the fixture's
object; `pytest test_your_loop.py` runs the same two tests."""

import os
from importlib.metadata import version

# Keras 2: TF 2.16+ comes with Keras 3, so select tf-keras (pip install tf-keras)
if int(version("keras").split(".")[0]) >= 3:  # TF <= 2.15: Keras 2 is built in
    os.environ["TF_USE_LEGACY_KERAS"] = "1"  # set before importing TF

import numpy as np
import tensorflow as tf

BATCH = (
    np.random.default_rng(0).normal(size=(32, 6)).astype("float32"),
    np.zeros((32, 1), "float32"),
)


def build_model():
    tf.keras.utils.set_random_seed(0)
    return tf.keras.Sequential(
        [
            tf.keras.Input(shape=(6,)),
            tf.keras.layers.Dense(8),
            tf.keras.layers.BatchNormalization(name="bn"),
            tf.keras.layers.Dropout(0.3, name="drop"),
            tf.keras.layers.Dense(1),
        ]
    )


def steps(model, training):
    """A train step that calls model(x, training=training), and an eval step."""
    optimizer = tf.keras.optimizers.SGD(0.01)

    @tf.function
    def train_step(data):
        x, y = data
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(model(x, training=training) - y))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))

    @tf.function
    def eval_step(data):
        return model(data[0], training=False)

    return train_step, eval_step


def test_right_loop(training_state):  # <- the fixture: no import needed
    model = build_model()
    training_state.check(model, *steps(model, training=True), BATCH)  # <-


def test_forgetful_loop(training_state):
    model = build_model()
    training_state.check(model, *steps(model, training=False), BATCH)  # <-


if __name__ == "__main__":  # as a script: each test, given what the fixture gives
    import pytest
    from training_state_check.plugin import TrainingState

    found = {}
    for test in (test_right_loop, test_forgetful_loop):
        try:
            test(TrainingState())
            found[test.__name__] = "passed"
        except pytest.fail.Exception as failure:  # how the fixture fails a test
            found[test.__name__] = "failed"
            print(f"{test.__name__}: failed\n{failure.msg}")
        else:
            print(f"{test.__name__}: passed")
    assert found == {"test_right_loop": "passed", "test_forgetful_loop": "failed"}
