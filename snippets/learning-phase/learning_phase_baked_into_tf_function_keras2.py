"""Keras 2: a tf.function reads the learning phase once, when it is traced; changing
it later has no effect."""

import os
from importlib.metadata import version

# Keras 2: TF 2.16+ comes with Keras 3, so select tf-keras (pip install tf-keras)
if int(version("keras").split(".")[0]) >= 3:  # TF <= 2.15: Keras 2 is built in
    os.environ["TF_USE_LEGACY_KERAS"] = "1"  # set before importing TF

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
batch = np.random.default_rng(0).normal(loc=5.0, size=(32, 4)).astype("float32")
bn = tf.keras.layers.BatchNormalization()
bn.build(batch.shape)


@tf.function
def step(xb):
    return bn(xb)  # <- no `training`: the learning phase decides... at trace time


def one_call(call):
    """Run the step once; print the learning phase in force and whether BN trained."""
    phase = tf.keras.backend.learning_phase()
    before = bn.moving_mean.numpy().copy()
    step(batch)
    updated = not np.array_equal(before, bn.moving_mean.numpy())
    print(f"{call:<11}  learning phase {phase} -> BN moving stats updated: {updated}")
    return phase, updated


tf.keras.backend.set_learning_phase(1)  # <-
first = one_call("first call")  # traced now, in training mode
tf.keras.backend.set_learning_phase(0)  # <-
second = one_call("second call")  # <- same graph: still training mode
print("traces:", step.experimental_get_tracing_count())
assert first == (1, True) and second == (0, True), (
    "the traced step should keep the learning phase it was traced with"
)
