"""Keras 2 only: an inner layer called without `training` takes the value of the
enclosing model call, not the learning phase."""
import os

os.environ["TF_USE_LEGACY_KERAS"] = "1"  # must be set before TensorFlow is imported

import warnings

import numpy as np
import tensorflow as tf

warnings.filterwarnings("ignore", message=".*set_learning_phase.*deprecated")
x = np.zeros((2, 3), dtype="float32")


class Probe(tf.keras.layers.Layer):
    """Passes its input through and remembers the `training` value its call received."""

    def call(self, inputs, training=None):
        self.received = training
        return inputs


class Wrapper(tf.keras.Model):
    """Calls one inner layer without passing `training`."""

    def __init__(self):
        super().__init__()
        self.inner = Probe()

    def call(self, inputs):
        return self.inner(inputs)


for phase, outer in [(1, False), (0, True)]:
    tf.keras.backend.clear_session()
    tf.keras.backend.set_learning_phase(phase)
    model = Wrapper()
    model(x, training=outer)
    print(
        f"learning phase {phase}, model(x, training={outer}): "
        f"inner layer receives {model.inner.received}"
    )
    assert model.inner.received is outer
