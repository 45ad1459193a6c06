"""Keras 2: a tf.function reads the learning phase once, when it is traced; changing
it later has no effect."""
import os
os.environ["TF_USE_LEGACY_KERAS"] = "1"  # must be set before TensorFlow is imported

import numpy as np
import tensorflow as tf

tf.keras.utils.set_random_seed(0)
batch = np.random.default_rng(0).normal(loc=5.0, size=(32, 4)).astype("float32")
bn = tf.keras.layers.BatchNormalization()
bn.build(batch.shape)


@tf.function
def step(xb):
    return bn(xb)          # no `training`: the learning phase decides... at trace time


def moved_by_one_call():
    before = bn.moving_mean.numpy().copy()
    step(batch)
    return not np.allclose(before, bn.moving_mean.numpy())


tf.keras.backend.set_learning_phase(1)
first = moved_by_one_call()        # traced now, in training mode
tf.keras.backend.set_learning_phase(0)
second = moved_by_one_call()       # same graph: still training mode

print("learning phase 1, first call  -> BN moving stats updated:", first)
print("learning phase 0, second call -> BN moving stats updated:", second)
print("traces:", step.experimental_get_tracing_count())
assert first and second, (
    "the traced function followed the new learning phase: revise the page"
)
